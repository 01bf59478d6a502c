"""The rich reporter: panels, Markdown explanations and colours, for a terminal or projector."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from runner.report.base import ScreenReporter, status_counts
from runner.report.changes_text import changes_lines
from runner.report.text import (
    check_notes,
    destructive_lines,
    engine_line,
    grade_line,
    hint_line,
    problem_texts,
    retried_line,
    summary_line,
    task_result_line,
)
from runner.report.typography import glue, keep_no_break_spaces
from runner.run import events as ev
from runner.run.status import CheckStatus, LabStatus, StepStatus
from runner.shell.output_tail import megabytes

MARKS = {CheckStatus.PASS: ("✔", "green"), CheckStatus.FAIL: ("✘", "bold red"),
         CheckStatus.SKIP: ("–", "yellow")}
STATUS_STYLE = {StepStatus.PASSED: "green", StepStatus.FAILED: "bold red",
                StepStatus.SKIPPED: "yellow", StepStatus.NOT_RUN: "dim"}


class LiveOutput:
    """A command's output on a rich console, as it comes (the run's and the presenter's)."""

    console: Console

    def on_command_output(self, event: ev.CommandOutput) -> None:
        # Docker's own progress display is written as it comes, escape codes included.
        self.console.file.write(event.chunk)
        self.console.file.flush()

    def on_command_finished(self, event: ev.CommandFinished) -> None:
        result = event.result
        if result.output and not result.output.endswith("\n"):
            self.console.file.write("\n")
        if result.timed_out:
            self.console.print(Text(self.t("report.timed_out", seconds=f"{result.duration:.0f}"),
                                    style="bold red"))


class RichReporter(ScreenReporter):
    def __init__(self, stream: TextIO, language: str, console: Console | None = None) -> None:
        super().__init__(language)
        self.console = console or Console(file=stream, highlight=False)
        keep_no_break_spaces()  # French "attendu :" never wraps leaving a lone ":"

    def t(self, key: str, **params) -> str:
        return glue(super().t(key, **params), self.language)

    def text(self, message) -> str:
        return glue(super().text(message), self.language)

    def local(self, text) -> str:
        """Lab content (a LocalizedText) in the run's language, French spacing kept together."""
        return glue(text.get(self.language), self.language)

    def on_lab_started(self, event: ev.LabStarted) -> None:
        lab = event.lab
        body = Text(engine_line(event.profile, self.language), style="dim")
        if lab.objectives:
            body.append("\n\n" + self.t("report.objectives") + "\n", style="bold")
            body.append("\n".join(f"• {o.get(self.language)}" for o in lab.objectives))
        self.console.print(Panel(body, title=f"[bold]{lab.title.get(self.language)}[/]",
                                 subtitle=lab.id, border_style="blue"))

    def on_notice(self, event: ev.Notice) -> None:
        style = {"warning": "yellow", "error": "bold red"}.get(event.level, "cyan")
        self.console.print(Text(self.text(event.message), style=style))
        if event.detail:
            self.console.print(Text(event.detail, style="dim"))

    def on_step_started(self, event: ev.StepStarted) -> None:
        step = event.step
        self.console.rule(Text.assemble((f"[{event.index}/{event.total}] ", "bold"),
                                        self.local(step.title)))
        self.console.print(Markdown(self.local(event.explain or step.explain)))
        self._print_notes(event.notes)

    def _print_notes(self, notes) -> None:
        for note in notes:
            self.console.print(Panel(Markdown(self.text(note)), title=self.t("report.engine_note"),
                                     border_style="yellow"))

    def on_step_skipped(self, event: ev.StepSkipped) -> None:
        title = event.step.title.get(self.language)
        reason = self.text(event.reason)
        line = f"[{event.index}/{event.total}] {title} — {reason}"
        self.console.print(Text(line, style="yellow"))
        self._print_notes(event.notes)

    def on_command_started(self, event: ev.CommandStarted) -> None:
        # A command too long for the line wraps under itself, never back under the `$`.
        self.console.print(hanging(Text("$ ", style="bold green"),
                                   Text(event.command, style="bold")))

    def on_step_replayed(self, event: ev.StepReplayed) -> None:
        self.console.print(Text(self.t("screen.replayed", index=event.index, total=event.total,
                                       title=event.step.title.get(self.language)), style="dim"))

    def on_step_changes(self, event: ev.StepChanges) -> None:
        lines = [glue(line, self.language) for line in changes_lines(event, self.language)]
        self.console.print(Panel(Text("\n".join(lines)), title=self.t("changes.title"),
                                 title_align="left", border_style="cyan"))

    on_command_output = LiveOutput.on_command_output
    on_command_finished = LiveOutput.on_command_finished

    def on_check_evaluated(self, event: ev.CheckEvaluated) -> None:
        outcome = event.outcome
        mark, style = MARKS[outcome.status]
        self.console.print(hanging(Text(f"  {mark} ", style=style),
                                   Text(self.text(outcome.summary))))
        for problem in problem_texts(outcome, self.language):
            self.console.print(hanging(Text(" " * 6), Text(glue(problem.what, self.language),
                                                             style="red")))
            for word, value in problem.rows:  # the values line up, and wrap in their column
                self.console.print(hanging(Text(" " * 8 + glue(word, self.language) + " "),
                                           Text(value, style="red")))
        for line in check_notes(outcome, self.language):
            self.console.print(hanging(Text(" " * 6), Text(glue(line, self.language),
                                                           style="red" if outcome.problems
                                                           else "dim")))

    def on_phase_finished(self, event: ev.PhaseFinished) -> None:
        for result in event.failures:
            self.console.print(Text(self.t(f"report.{event.phase}_failed", command=result.command,
                                           code=result.exit_code), style="bold yellow"))
            if result.dropped:  # only the output's end was kept: say so before it
                self.console.print(Text(self.t("report.output_not_kept",
                                               megabytes=megabytes(result.dropped)), style="dim"))
            if result.output.strip():
                self.console.print(Text(result.output.rstrip(), style="dim"))

    def on_step_retried(self, event: ev.StepRetried) -> None:
        self.console.print(Text(retried_line(event, self.language), style="yellow"))

    def on_destructive_preview(self, event: ev.DestructivePreview) -> None:
        self.console.print(Panel(Text("\n".join(destructive_lines(event, self.language))),
                                 title=self.t("report.destructive_title"), border_style="red"))

    def on_task_opened(self, event: ev.TaskOpened) -> None:
        self.console.print(Text(self.t("report.task_opened", attempt=event.attempt),
                                style="bold cyan"))

    def on_task_typed(self, event: ev.TaskTyped) -> None:
        self.console.print(Text(self.t("report.task_typed", count=len(event.commands)),
                                style="dim"))

    def on_hint_shown(self, event: ev.HintShown) -> None:
        self.console.print(Panel(Markdown(hint_line(event, self.language)),
                                 border_style="cyan"))

    def on_solution_shown(self, event: ev.SolutionShown) -> None:
        lines = "\n".join(f"$ {command}" for command in event.commands)
        self.console.print(Panel(Text(lines), title=self.t("report.solution_shown"),
                                 border_style="magenta"))

    def on_solution_run(self, event: ev.SolutionRun) -> None:
        self.console.print(Text(self.t("report.solution_run"), style="bold magenta"))

    def on_task_graded(self, event: ev.TaskGraded) -> None:
        style = "green" if event.result.credited else "yellow"
        self.console.print(Text(task_result_line(event, self.language), style=style))

    def on_lab_finished(self, event: ev.LabFinished) -> None:
        table = Table(title=self.t("report.summary_title"), show_lines=False)
        for column in ("report.col_step", "report.col_status", "report.col_checks"):
            table.add_column(self.t(column))
        for step in event.steps:
            checks = f"{step.checks_passed}✔ {step.checks_failed}✘ {step.checks_skipped}–"
            replayed = f" {self.t('nav.summary_replayed')}" if step.replayed else ""
            table.add_row(glue(f"{step.step_id}: {step.title}{replayed}", self.language),
                          Text(self.t("report.status_" + step.status),
                               style=STATUS_STYLE[step.status]), checks)
        self.console.print(table)
        style = {LabStatus.PASSED: "bold green", LabStatus.INCOMPLETE: "bold yellow"}.get(
            event.status, "bold red")
        self.console.print(Text(glue(summary_line(event, status_counts(event.steps),
                                             self.language), self.language),
                                style=style))
        grade = grade_line(event, self.language)
        if grade:
            self.console.print(Text(glue(grade, self.language), style="bold"))

    def on_prompt_shown(self, event: ev.PromptShown) -> None:
        # Printed by the console that draws everything else (Text: a command's [brackets]
        # are not markup); the Terminal then reads the answer on the same line. The commands
        # it lists wrap under themselves, like the commands that run.
        *lines, question = event.text.split("\n")
        for line in lines:
            command = line.lstrip()
            if command.startswith("$ "):
                indent = line[:len(line) - len(command)]
                self.console.print(hanging(Text(indent + "$ "), Text(command[2:])))
            else:
                self.console.print(Text(line))
        self.console.print(Text(question), end="")



def hanging(head: Text, body: Text) -> Table:
    """`head` then `body`, the body's wrapped lines starting under its first character."""
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(head, body)
    return grid

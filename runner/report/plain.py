"""Plain text for pipes, logs and CI: no colour codes, progress bars collapsed to lines."""

from __future__ import annotations

import re
from typing import TextIO

from runner.report.base import ScreenReporter, status_counts
from runner.report.changes_text import changes_lines
from runner.report.text import (
    check_lines,
    destructive_lines,
    engine_line,
    grade_line,
    hint_line,
    retried_line,
    summary_line,
    task_result_line,
)
from runner.run import events as ev
from runner.run.status import CheckStatus
from runner.shell.output_tail import OutputTail, megabytes
from runner.shell.session import strip_ansi

MARKS = {CheckStatus.PASS: "PASS", CheckStatus.FAIL: "FAIL", CheckStatus.SKIP: "SKIP"}
CURSOR_UP = re.compile(r"\x1b\[\d*[AF]")
CARRY = 32  # the end of a chunk looked at again with the next: a code cut between the two


class PlainReporter(ScreenReporter):
    """`width`: the terminal's, when `stream` is one (commands then wrap under themselves);
    None for a file or a pipe, whose lines are never cut."""

    def __init__(self, stream: TextIO, language: str, width: int | None = None) -> None:
        super().__init__(language)
        self.stream = stream
        self.width = width
        self._reset_output()

    def _reset_output(self) -> None:
        """Forget the last command's output: each command's is followed on its own."""
        self.partial = OutputTail()  # live output not yet ended by a newline (its tail)
        self.output = OutputTail()  # the running command's output (its tail)
        self.carry = ""  # the end of the last chunk
        self.printed = 0  # its lines already written
        self.streamed = 0  # its characters already written (or left out) line by line
        self.redrawing = False  # it moves the cursor (Docker's progress): wait for its end

    def write(self, text: str = "") -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def on_lab_started(self, event: ev.LabStarted) -> None:
        lab = event.lab
        self.write(f"== {lab.title.get(self.language)} ({lab.id}) ==")
        self.write(engine_line(event.profile, self.language))
        if lab.objectives:
            self.write(self.t("report.objectives"))
            for objective in lab.objectives:
                self.write(f"  - {objective.get(self.language)}")

    def on_notice(self, event: ev.Notice) -> None:
        prefix = {"warning": "! ", "error": "!! "}.get(event.level, "")
        self.write(prefix + self.text(event.message))
        if event.detail:
            self.write(event.detail)

    def on_step_started(self, event: ev.StepStarted) -> None:
        self.write()
        self.write(f"[{event.index}/{event.total}] {event.step.title.get(self.language)}")
        self.write((event.explain or event.step.explain).get(self.language).rstrip())
        for note in event.notes:
            self.write(f"({self.t('report.engine_note')}) {self.text(note)}")

    def on_step_skipped(self, event: ev.StepSkipped) -> None:
        self.write(f"[{event.index}/{event.total}] {event.step.title.get(self.language)}"
                   f" - SKIP: {self.text(event.reason)}")
        for note in event.notes:
            self.write(f"({self.t('report.engine_note')}) {self.text(note)}")

    def on_command_started(self, event: ev.CommandStarted) -> None:
        if self.width is None:
            self.write(f"$ {event.command}")
            return
        import textwrap

        self.write("\n".join(textwrap.wrap(event.command, self.width, initial_indent="$ ",
                                           subsequent_indent="  ", break_on_hyphens=False,
                                           drop_whitespace=True)) or "$")

    def on_step_replayed(self, event: ev.StepReplayed) -> None:
        self.write(self.t("screen.replayed", index=event.index, total=event.total,
                          title=event.step.title.get(self.language)))

    def on_step_changes(self, event: ev.StepChanges) -> None:
        self.write(self.t("screen.label", word=self.t("changes.title")))
        for line in changes_lines(event, self.language):
            self.write(f"  {line}")

    def on_command_output(self, event: ev.CommandOutput) -> None:
        """Write each line as it ends; each chunk is looked at once (time linear in the
        output) and only bounded tails are kept (memory flat, whatever the command prints)."""
        chunk = event.chunk
        self.output.add(chunk)
        self.redrawing = self.redrawing or bool(CURSOR_UP.search(self.carry + chunk))
        self.carry = (self.carry + chunk)[-CARRY:]
        if self.redrawing:  # a line written now may be redrawn later: only the end is true
            return
        self.streamed += len(chunk)
        if "\n" not in chunk:
            self.partial.add(chunk)
            return
        first, *lines, rest = chunk.split("\n")
        self.partial.add(first)
        self._write_line(self.partial)
        for line in lines:
            self.write(strip_ansi(line))
        self.partial = OutputTail()
        self.partial.add(rest)
        self.printed += len(lines) + 1

    def _write_line(self, line: OutputTail) -> None:
        """A line as it finally shows; of a huge one, how much was left out, then its end."""
        self._write_not_kept(line.dropped)
        self.write(strip_ansi(line.text))

    def _write_not_kept(self, characters: int) -> None:
        if characters > 0:
            self.write(self.t("report.output_not_kept", megabytes=megabytes(characters)))

    def on_command_finished(self, event: ev.CommandFinished) -> None:
        if self.redrawing:
            self._write_redrawn()
        elif self.partial.text or self.partial.dropped:
            self._write_line(self.partial)
        self._reset_output()
        if event.result.timed_out:
            self.write("! " + self.t("report.timed_out", seconds=f"{event.result.duration:.0f}"))

    def _write_redrawn(self) -> None:
        """The final screen of a redrawn output, from the first line not written yet; when
        the kept tail starts after that line, say how much is missing in between."""
        tail = self.output
        final = strip_ansi(tail.text).rstrip("\n").split("\n")
        if tail.dropped_lines > self.printed:
            self._write_not_kept(tail.dropped - self.streamed)
        for line in final[max(0, self.printed - tail.dropped_lines):]:
            self.write(line)

    def on_check_evaluated(self, event: ev.CheckEvaluated) -> None:
        outcome = event.outcome
        self.write(f"  {MARKS[outcome.status]} {self.text(outcome.summary)}")
        for line in check_lines(outcome, self.language):
            self.write(f"       {line}")

    def on_phase_finished(self, event: ev.PhaseFinished) -> None:
        for result in event.failures:
            self.write("! " + self.t(f"report.{event.phase}_failed", command=result.command,
                                     code=result.exit_code))
            self._write_not_kept(result.dropped)
            if result.output.strip():
                self.write(strip_ansi(result.output.rstrip()))

    def on_step_retried(self, event: ev.StepRetried) -> None:
        self.write("! " + retried_line(event, self.language))

    def on_destructive_preview(self, event: ev.DestructivePreview) -> None:
        self.write("!! " + self.t("report.destructive_title"))
        for line in destructive_lines(event, self.language):
            self.write(line)

    def on_task_opened(self, event: ev.TaskOpened) -> None:
        self.write(self.t("report.task_opened", attempt=event.attempt))

    def on_task_typed(self, event: ev.TaskTyped) -> None:
        self.write(self.t("report.task_typed", count=len(event.commands)))

    def on_hint_shown(self, event: ev.HintShown) -> None:
        self.write(hint_line(event, self.language))

    def on_solution_shown(self, event: ev.SolutionShown) -> None:
        self.write(self.t("report.solution_shown"))
        for command in event.commands:
            self.write(f"  $ {command}")

    def on_solution_run(self, event: ev.SolutionRun) -> None:
        self.write(self.t("report.solution_run"))

    def on_task_graded(self, event: ev.TaskGraded) -> None:
        self.write(task_result_line(event, self.language))

    def on_lab_finished(self, event: ev.LabFinished) -> None:
        self.write()
        self.write(self.t("report.summary_title"))
        for step in event.steps:
            replayed = f" {self.t('nav.summary_replayed')}" if step.replayed else ""
            self.write(f"  {self.t('report.status_' + step.status):<10} {step.step_id}: "
                       f"{step.title}{replayed}")
        self.write(summary_line(event, status_counts(event.steps), self.language))
        grade = grade_line(event, self.language)
        if grade:
            self.write(grade)

    def on_prompt_shown(self, event: ev.PromptShown) -> None:
        self.stream.write(event.text)  # no newline: the answer is typed on the same line
        self.stream.flush()


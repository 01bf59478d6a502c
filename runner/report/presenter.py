"""The presenter's screen (`labrunner present`): one clean screen per step for a projector.

Each step clears the screen: its title large and framed, the explanation as Markdown, the
trainer's notes only with --notes; then each command is typed out (the pacer's typist) with
long paths through a short variable defined once on the screen, its output as it comes, the
checks in one line (failures in full), what changed on the engine, and the help bar. Rich is
imported here, and this module only when `present` runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, TextIO

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from runner.present.layout import INDENT, PROMPT, command_lines
from runner.present.legend import PathLegend
from runner.report.base import ScreenReporter
from runner.report.console import LiveOutput
from runner.report.presenter_parts import changes_lines, final_lines
from runner.report.text import check_lines, destructive_lines, engine_line, retried_line
from runner.run import events as ev
from runner.run.status import CheckStatus

LAYER_ID = re.compile(r"\b[0-9a-f]{64}\b")
# Events other helpers add to the runner; shown when this version of it has them.
OPTIONAL = {"StepReplayed": "on_step_replayed", "StepChanges": "on_step_changes"}


# A student's work and grade: present has no student, only demonstrates.
NOT_SHOWN = frozenset({ev.TaskTyped, ev.TaskGraded, ev.HintShown})


def _shown() -> dict[type, str]:
    optional = {getattr(ev, name): method for name, method in OPTIONAL.items()
                if hasattr(ev, name)}
    shown = {**ScreenReporter.SHOWN, ev.StepFinished: "on_step_finished", **optional}
    return {event: method for event, method in shown.items() if event not in NOT_SHOWN}


class PresenterReporter(ScreenReporter):
    SHOWN: ClassVar = _shown()
    ignores = (ScreenReporter.ignores - {ev.StepFinished}) | NOT_SHOWN

    def __init__(self, stream: TextIO, language: str, legend: PathLegend,
                 notes: bool = False, console: Console | None = None) -> None:
        super().__init__(language)
        self.console = console or Console(file=stream, highlight=False)
        self.legend = legend
        self.notes = notes  # the step's presenter notes are shown (--notes)
        self.cue: Callable[[list[str]], None] | None = None  # the pacer's typist
        self.pause: Callable[[], None] | None = None  # the pacer's wait on the title screen
        self.failed: list[Any] = []  # this step's failed checks
        self.checks = 0
        self._title_on_screen = False  # the lab's title stays above the first step
        self._in_step = False  # between StepStarted and StepFinished
        self.replayed: list[int] = []  # steps replayed since the last screen
        self._changes: Any = None  # the step's StepChanges, shown after its checks line

    # Screen, for the pacer ------------------------------------------------------------

    def show_keys(self, keys: list[tuple[str, str]]) -> None:
        bar = Text()
        for number, (key, word) in enumerate(keys):
            bar.append(" · " if number else "", style="dim")
            bar.append(key, style="bold reverse").append(f" {word}", style="dim")
        self.console.print()
        self.console.print(bar)

    def hide_keys(self, keys: list[tuple[str, str]]) -> None:
        """Erase the help bar just shown (and its blank line): the commands follow."""
        if not self.console.is_terminal:
            return
        width = len(" · ".join(f"{key} {word}" for key, word in keys))
        rows = 1 + -(-width // max(self.console.width, 1))
        self.console.file.write(f"\x1b[{rows}A\x1b[J")
        self.console.file.flush()

    def say(self, text: str, style: str = "") -> None:
        self.console.print(Text(text, style=style))

    def ask(self, text: str) -> None:
        self.console.print(Text(text, style="bold"), end="")

    def write_typed(self, text: str) -> None:
        self.console.print(Text(text, style="bold"), end="", soft_wrap=True)

    def new_typed_line(self, text: str = "") -> None:
        self.console.print()
        self.console.print(Text(INDENT + text, style="bold"), end="", soft_wrap=True)

    # The run's events ---------------------------------------------------------------

    def on_lab_started(self, event: ev.LabStarted) -> None:
        self.console.clear()
        lab = event.lab
        title = Text(lab.title.get(self.language), style="bold", justify="center")
        objectives = Text("\n".join(f"• {o.get(self.language)}" for o in lab.objectives))
        self.console.print(Panel(Group(title, Text(""), objectives) if lab.objectives else title,
                                 border_style="blue", subtitle=lab.id))
        self.say(engine_line(event.profile, self.language), "dim")
        if self.pause is not None:  # the class reads the objectives; the first step clears
            self.pause()
        else:
            self._title_on_screen = True

    def on_notice(self, event: ev.Notice) -> None:
        style = {"warning": "yellow", "error": "bold red"}.get(event.level, "cyan")
        self.say(self.text(event.message), style)

    def on_prompt_shown(self, event: ev.PromptShown) -> None:
        self.console.print(Text(event.text), end="")

    def on_step_started(self, event: ev.StepStarted) -> None:
        if not self._title_on_screen:
            self.console.clear()
        self._title_on_screen = False
        self.legend.new_screen()
        self.failed, self.checks, self._in_step = [], 0, True
        if self.replayed:
            self.say(self.t("present.replayed_steps", steps=", ".join(map(str, self.replayed))),
                     "dim")
            self.replayed = []
        step = event.step
        self.console.print(Panel(Text(step.title.get(self.language), style="bold",
                                      justify="center"),
                                 title=self.t("present.step_of", index=event.index,
                                              total=event.total),
                                 border_style="cyan"))
        self.console.print(Markdown((event.explain or step.explain).get(self.language)))
        for note in event.notes:
            self.console.print(Panel(Markdown(self.text(note)), border_style="yellow",
                                     title=self.t("report.engine_note")))
        if self.notes and step.notes is not None:
            self.console.print(Panel(Markdown(step.notes.get(self.language)),
                                     title=self.t("present.notes"), border_style="magenta"))

    def on_step_skipped(self, event: ev.StepSkipped) -> None:
        title = event.step.title.get(self.language)
        self.say(f"[{event.index}/{event.total}] {title} — {self.text(event.reason)}", "yellow")

    def on_step_replayed(self, event: Any) -> None:
        """One line while it replays; the step numbers again atop the next screen."""
        title = event.step.title.get(self.language)
        self.say(self.t("present.replayed", index=event.index, total=event.total,
                        title=title), "dim")
        self.replayed.append(event.index)

    def on_command_started(self, event: ev.CommandStarted) -> None:
        shown, definitions = self.legend.shorten(event.command)
        for name, path in definitions:
            self.say(f"{name}={path}", "dim")
        self.console.print(Text(PROMPT, style="bold green"), end="")
        lines = command_lines(shown, self.console.width)
        if self.cue is not None:
            self.cue(lines)
        else:
            self.write_typed(f"\n{INDENT}".join(lines))
        self.console.print()

    on_command_output = LiveOutput.on_command_output
    on_command_finished = LiveOutput.on_command_finished

    def on_check_evaluated(self, event: ev.CheckEvaluated) -> None:
        self.checks += 1
        if event.outcome.status == CheckStatus.FAIL:
            self.failed.append(event.outcome)

    def on_step_finished(self, event: ev.StepFinished) -> None:
        """The checks in one line when all passed; each failure in full otherwise."""
        if not self.failed:
            self.say(self.t("present.checks_passed", count=self.checks), "green")
        for outcome in self.failed:
            self.say(f"✘ {self.text(outcome.summary)}", "bold red")
            for line in check_lines(outcome, self.language):
                self.say(f"    {line}", "red")
        self.failed, self.checks, self._in_step = [], 0, False
        changes, self._changes = self._changes, None
        if changes is not None:
            self.on_step_changes(changes)

    def on_step_changes(self, event: Any) -> None:
        """During a step: kept for after its checks line; else (an improvised shell) now."""
        if self._in_step:
            self._changes = event
            return
        definitions: list[tuple[str, str]] = []
        lines = changes_lines(event, self.language, lambda text: self._short(text, definitions))
        for name, path in definitions:
            self.say(f"{name}={path}", "dim")
        if lines:
            self.console.print(Panel(Text("\n".join(lines)), title=self.t("present.changes"),
                                     border_style="dim", expand=False))

    def _short(self, text: str, definitions: list[tuple[str, str]]) -> str:
        """A host path for the panel: the legend's variable, and a layer's 64-digit id cut
        to 12 (the panel is a summary; `labrunner where` gives the whole path)."""
        shown, defined = self.legend.shorten(text)
        definitions += defined
        return LAYER_ID.sub(lambda found: found[0][:12] + "…", shown)

    def on_step_retried(self, event: ev.StepRetried) -> None:
        self.say(retried_line(event, self.language), "yellow")

    def on_destructive_preview(self, event: ev.DestructivePreview) -> None:
        self.console.print(Panel(Text("\n".join(destructive_lines(event, self.language))),
                                 title=self.t("report.destructive_title"), border_style="red"))

    def on_task_opened(self, event: ev.TaskOpened) -> None:
        self.console.print()
        self.say(self.t("present.task_solution"), "bold magenta")

    def on_solution_shown(self, event: ev.SolutionShown) -> None:
        """Not asked for in present (no student); said in one line if it ever is."""
        self.say(self.t("report.solution_shown"), "magenta")

    def on_solution_run(self, event: ev.SolutionRun) -> None:
        self.say(self.t("present.task_solution"), "bold magenta")

    def on_phase_finished(self, event: ev.PhaseFinished) -> None:
        for result in event.failures:
            self.say(self.t(f"report.{event.phase}_failed", command=result.command,
                            code=result.exit_code), "bold yellow")
        if event.phase == "cleanup" and not event.failures:
            self.say(self.t("present.cleanup_done"), "dim")

    def on_lab_finished(self, event: ev.LabFinished) -> None:
        self.console.print(Panel(Text("\n".join(final_lines(event, self.language))),
                                 title=self.t("present.the_end"), border_style="blue"))

"""What the engine reports while it runs a lab. Reporters listen; the engine never prints.

Every event is a small frozen dataclass deriving from `Event`; a reporter gets them in order
through `Listener.on_event` and declares, in a table, which it handles and which it ignores
(runner/report/base.py). `ALL_EVENTS` lists them, derived from this module, so a test can
send every one of them through every reporter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from runner.checks.base import CheckOutcome
from runner.engines.profile import EngineProfile
from runner.lab.model import Lab, LocalizedText, Step
from runner.messages import Message
from runner.run.credit import TaskResult
from runner.run.grade import Grade, grade_of
from runner.run.status import LabStatus, RunMode, StepStatus
from runner.shell.session import CommandResult


class Event:
    """Marks the classes below as events (StepSummary, carried by LabFinished, is not one)."""


class Listener(Protocol):
    def on_event(self, event: Event) -> None: ...


@dataclass(frozen=True)
class LabStarted(Event):
    lab: Lab
    language: str
    profile: EngineProfile
    work_dir: str
    lab_file: str = ""  # the lab's YAML file, as given (the report hashes it)
    mode: RunMode = RunMode.UNATTENDED


@dataclass(frozen=True)
class Notice(Event):
    """Something the user should know that is not a step (sandbox started, setup failed…)."""

    message: Message
    level: str = "info"  # info | warning | error
    detail: str = ""


@dataclass(frozen=True)
class PromptShown(Event):
    """A question for the person at the keyboard: the screen reporter shows it (so a rich
    display stays coherent), then the Terminal reads the answer (runner/run/terminal.py)."""

    text: str


@dataclass(frozen=True)
class StepStarted(Event):
    step: Step
    index: int  # 1-based
    total: int
    notes: tuple[Message, ...] = ()  # engine-specific notes for this engine
    explain: LocalizedText | None = None  # the explanation with variables substituted


@dataclass(frozen=True)
class StepSkipped(Event):
    step: Step
    index: int
    total: int
    reason: Message
    notes: tuple[Message, ...] = ()  # engine notes: often they say why the step is skipped


@dataclass(frozen=True)
class StepReplayed(Event):
    """A step's commands (a task's solution) ran again quietly, to rebuild the engine's state
    for a jump or a rewind (runner/run/replay.py): one line on screen, no checks."""

    step: Step
    index: int
    total: int


@dataclass(frozen=True)
class CommandStarted(Event):
    step: Step
    command: str  # as it will run, variables substituted


@dataclass(frozen=True)
class CommandOutput(Event):
    chunk: str  # live output, as the terminal would show it


@dataclass(frozen=True)
class CommandFinished(Event):
    step: Step
    result: CommandResult


@dataclass(frozen=True)
class CheckEvaluated(Event):
    step: Step
    check: object  # a model check
    outcome: CheckOutcome


@dataclass(frozen=True)
class PreCheckEvaluated(Event):
    """`labrunner test` only: a check evaluated BEFORE its step (it must not pass yet)."""

    step: Step
    check: object
    outcome: CheckOutcome


@dataclass(frozen=True)
class StepRetried(Event):
    """A command of a step with `retry` failed: all its commands run again."""

    step: Step
    attempt: int  # the attempt about to start (2, 3…)
    attempts: int
    failed: CommandResult


@dataclass(frozen=True)
class DestructivePreview(Event):
    """A destructive step on an engine that is not the sandbox: what it would delete now."""

    step: Step
    objects: dict[str, list[str]]  # "containers" -> names


@dataclass(frozen=True)
class TaskOpened(Event):
    """A task: the student's own shell opens (interactive runs only)."""

    step: Step
    attempt: int


@dataclass(frozen=True)
class TaskTyped(Event):
    """What the student typed in their shell for a task."""

    step: Step
    commands: tuple[str, ...]


@dataclass(frozen=True)
class HintShown(Event):
    """The student asked for a hint: the task's hint `number` of `total` (the last one again
    once all were shown)."""

    step: Step
    number: int
    total: int
    text: LocalizedText


@dataclass(frozen=True)
class SolutionShown(Event):
    """The student asked to see the task's solution (the task then earns the solution's
    points, not the student's)."""

    step: Step
    commands: tuple[str, ...]


@dataclass(frozen=True)
class SolutionRun(Event):
    """The student asked labrunner to run the task's solution in the lab's shell: its
    commands follow as CommandStarted / CommandFinished."""

    step: Step


@dataclass(frozen=True)
class TaskGraded(Event):
    """A task is over: how it was done, whether it earns credit, and why not."""

    step: Step
    result: TaskResult


@dataclass(frozen=True)
class StepFinished(Event):
    step: Step
    passed: bool


@dataclass(frozen=True)
class PhaseStarted(Event):
    """setup or cleanup begins (their commands run quietly)."""

    phase: str


@dataclass(frozen=True)
class PhaseFinished(Event):
    phase: str
    failures: tuple[CommandResult, ...] = ()


@dataclass(frozen=True)
class StepSummary:
    step_id: str
    title: str
    status: StepStatus
    checks_passed: int = 0
    checks_failed: int = 0
    checks_skipped: int = 0
    task: bool = False  # the student typed the commands (graded)
    attempts: int = 1  # tasks: how many tries the student took
    applies: bool = True  # False: skipped because it is not for this kind of engine
    variant: str = ""  # the lab's variant for this engine that ran, e.g. "overlayfs"
    result: TaskResult | None = None  # tasks: how it was done and what it earned
    replayed: bool = False  # its commands (a task's solution) were only replayed quietly


@dataclass(frozen=True)
class LabFinished(Event):
    lab: Lab
    status: LabStatus
    steps: tuple[StepSummary, ...] = field(default_factory=tuple)
    duration: float = 0.0
    work_dir: str = ""
    error: str = ""  # an internal error ended the run: its one-line description…
    error_log: str = ""  # …and the log file holding its traceback
    # Every call the lab's and the student's shells made to the engine, through the guard:
    # {time, shell, method, endpoint, object, decision, status…} (runner/guard/record.py).
    engine_calls: tuple[dict, ...] = ()
    mode: RunMode = RunMode.UNATTENDED
    pass_mark: int = 50  # the lab's grading.pass_mark

    @property
    def graded(self) -> bool:
        """An unattended run is a demonstration: its grade is computed, not given."""
        return self.mode != RunMode.UNATTENDED

    @property
    def grade(self) -> Grade:
        """Points earned over the points of every task that applies (runner/run/grade.py)."""
        return grade_of(self.steps, self.pass_mark, self.status)


@dataclass(frozen=True)
class StepChanges(Event):
    """What a step changed on the engine (runner/run/changes.py), after its checks: images
    as (name, layer count), containers by name, and for the containers it touched the files of
    their writable layer, as (change, path, host path or "") with change added|changed|deleted."""

    step: Step
    images_added: tuple[tuple[str, int], ...] = ()
    images_removed: tuple[tuple[str, int], ...] = ()
    containers_created: tuple[str, ...] = ()
    containers_started: tuple[str, ...] = ()
    containers_stopped: tuple[str, ...] = ()
    containers_removed: tuple[str, ...] = ()
    files: dict[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)
    files_left_out: dict[str, int] = field(default_factory=dict)  # container -> beyond the cap

    @property
    def empty(self) -> bool:
        return not any((self.images_added, self.images_removed, self.containers_created,
                        self.containers_started, self.containers_stopped,
                        self.containers_removed, self.files))


def _events_defined_here() -> tuple[type[Event], ...]:
    """Every Event class of this module, in the order written: derived, never hand-listed."""
    return tuple(value for value in globals().values()
                 if isinstance(value, type) and issubclass(value, Event) and value is not Event)


ALL_EVENTS = _events_defined_here()

"""What the engine reports while it runs a lab. Reporters listen; the engine never prints.

Every event is a small frozen dataclass; a reporter gets them in order through
`Listener.on_event` (see runner/report/base.py for the dispatching base class).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from runner.checks.base import CheckOutcome
from runner.engines.profile import EngineProfile
from runner.lab.model import Lab, LocalizedText, Step
from runner.messages import Message
from runner.shell.session import CommandResult


class Listener(Protocol):
    def on_event(self, event: object) -> None: ...


@dataclass(frozen=True)
class LabStarted:
    lab: Lab
    language: str
    profile: EngineProfile
    work_dir: str


@dataclass(frozen=True)
class Notice:
    """Something the user should know that is not a step (sandbox started, setup failed…)."""

    message: Message
    level: str = "info"  # info | warning | error
    detail: str = ""


@dataclass(frozen=True)
class StepStarted:
    step: Step
    index: int  # 1-based
    total: int
    notes: tuple[Message, ...] = ()  # engine-specific notes for this engine
    explain: LocalizedText | None = None  # the explanation with variables substituted


@dataclass(frozen=True)
class StepSkipped:
    step: Step
    index: int
    total: int
    reason: Message
    notes: tuple[Message, ...] = ()  # engine notes: often they say why the step is skipped


@dataclass(frozen=True)
class CommandStarted:
    step: Step
    command: str  # as it will run, variables substituted


@dataclass(frozen=True)
class CommandOutput:
    chunk: str  # live output, as the terminal would show it


@dataclass(frozen=True)
class CommandFinished:
    step: Step
    result: CommandResult


@dataclass(frozen=True)
class CheckEvaluated:
    step: Step
    check: object  # a model check
    outcome: CheckOutcome


@dataclass(frozen=True)
class PreCheckEvaluated:
    """`labrunner test` only: a check evaluated BEFORE its step (it must not pass yet)."""

    step: Step
    check: object
    outcome: CheckOutcome


@dataclass(frozen=True)
class StepRetried:
    """A command of a step with `retry` failed: all its commands run again."""

    step: Step
    attempt: int  # the attempt about to start (2, 3…)
    attempts: int
    failed: CommandResult


@dataclass(frozen=True)
class DestructivePreview:
    """A destructive step on an engine that is not the sandbox: what it would delete now."""

    step: Step
    objects: dict[str, list[str]]  # "containers" -> names


@dataclass(frozen=True)
class TaskOpened:
    """A task: the student's own shell opens (interactive runs only)."""

    step: Step
    attempt: int


@dataclass(frozen=True)
class TaskTyped:
    """What the student typed in their shell for a task."""

    step: Step
    commands: tuple[str, ...]


@dataclass(frozen=True)
class StepFinished:
    step: Step
    passed: bool


@dataclass(frozen=True)
class PhaseStarted:
    """setup or cleanup begins (their commands run quietly)."""

    phase: str


@dataclass(frozen=True)
class PhaseFinished:
    phase: str
    failures: tuple[CommandResult, ...] = ()


@dataclass(frozen=True)
class StepSummary:
    step_id: str
    title: str
    status: str  # passed | failed | skipped | not_run
    checks_passed: int = 0
    checks_failed: int = 0
    checks_skipped: int = 0
    task: bool = False  # the student typed the commands (graded)
    attempts: int = 1  # tasks: how many tries the student took
    applies: bool = True  # False: skipped because it is not for this kind of engine


@dataclass(frozen=True)
class LabFinished:
    lab: Lab
    status: str  # passed | failed | interrupted | aborted
    steps: tuple[StepSummary, ...] = field(default_factory=tuple)
    duration: float = 0.0
    work_dir: str = ""

    @property
    def grade(self) -> tuple[int, int]:
        """(done, out of): the tasks, or every step of a lab without tasks. A step that does
        not apply to this engine is not counted; one skipped or not reached is not done."""
        graded = [step for step in self.steps if step.task] or list(self.steps)
        counted = [step for step in graded if step.applies]
        return sum(1 for step in counted if step.status == "passed"), len(counted)

"""The credit rule: a task counts only for a change the student made, and how it was done.

A task is credited when every check that counts did NOT pass when the task opened and DOES
pass when it closes, and the student (with hints or not) did it. A check declared
`precondition: true` (or `pre: skip`: "may already pass before its step") must pass at the
close but need not fail at the opening. Checks on what the attempt itself did (its output,
the commands typed, its engine calls) are not evaluated at the opening: nothing was done yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from runner.checks.base import CheckOutcome
from runner.messages import Message, msg
from runner.run.status import CheckStatus
from runner.shell.student import TypedCommand

# Checks about what an attempt did, not the state it left: they have no "before".
ATTEMPT_CHECKS = frozenset({"output", "typed", "engine_call"})


class How(StrEnum):
    """How a task was done (the report's `result.how`)."""

    STUDENT = "student"  # no hint, no solution
    HINTS = "hints"  # at least one hint, no solution
    SOLUTION = "solution"  # shown or run on request, or run unattended
    SKIPPED = "skipped"  # skipped, or left without passing
    NOT_REACHED = "not_reached"  # the run ended first


class SolutionUse(StrEnum):
    NONE = "none"
    SHOWN = "shown"
    RUN = "run"


@dataclass(frozen=True)
class Attempt:
    """One opening of the task's shell (or one run of its solution) and what came of it."""

    number: int
    opened: float  # seconds since the epoch
    closed: float
    by: str = "student"  # student | solution
    commands: tuple[TypedCommand, ...] = ()
    engine_calls: tuple[dict, ...] = ()  # the guard's records of the shell that did the work
    before: tuple[tuple[object, CheckOutcome | None], ...] = ()  # (check, None: not evaluated)
    checks: tuple[tuple[object, CheckOutcome], ...] = ()  # at the close


@dataclass
class TaskProgress:
    """What happened to one task so far: the runner fills it, the rule reads it."""

    hints: int = 0
    solution: SolutionUse = SolutionUse.NONE
    attempts: list[Attempt] = field(default_factory=list)


@dataclass(frozen=True)
class TaskResult:
    how: How
    credited: bool
    points: int
    earned: int
    hints: int = 0
    solution: SolutionUse = SolutionUse.NONE
    reason: Message | None = None  # why not credited; None when credited
    attempts: tuple[Attempt, ...] = ()


def is_precondition(check: object) -> bool:
    """Must pass at the close, need not fail at the opening."""
    return bool(getattr(check, "precondition", False)) or getattr(check, "pre", "") == "skip"


def credit_refusal(before: Sequence[tuple[object, CheckOutcome | None]],
                   after: Sequence[tuple[object, CheckOutcome]]) -> Message | None:
    """Why the state change does not earn the task, or None when it does."""
    failed = [outcome for _, outcome in after if outcome.status == CheckStatus.FAIL]
    if failed:
        return msg("report.credit_not_done", check=failed[0].summary)
    held = [outcome for check, outcome in before
            if outcome is not None and outcome.passed and not is_precondition(check)]
    if held:
        return msg("report.credit_nothing_to_prove", check=held[0].summary)
    if not any(outcome.passed for check, outcome in after if not is_precondition(check)):
        return msg("report.credit_nothing_checked")
    return None


def task_result(progress: TaskProgress, points: int, solution_points: str,
                skipped: bool = False) -> TaskResult:
    """The task's result from what happened to it (`skipped`: before its shell opened)."""
    attempts = tuple(progress.attempts)
    if skipped or not attempts:
        return _result(How.SKIPPED, None, points, 0, progress,
                       msg("report.credit_skipped"))
    refusal = credit_refusal(attempts[0].before, attempts[-1].checks)
    how = _how(progress, passed=not any(o.status == CheckStatus.FAIL
                                        for _, o in attempts[-1].checks))
    if how == How.SKIPPED:
        return _result(how, refusal, points, 0, progress, refusal)
    if how == How.SOLUTION:
        earned = points if refusal is None and solution_points == "full" else 0
        return _result(how, refusal, points, earned, progress,
                       refusal or msg("report.credit_solution", points=earned))
    return _result(how, refusal, points, 0 if refusal else points, progress, refusal)


def not_reached(points: int, progress: TaskProgress | None = None) -> TaskResult:
    """A task the run ended before (or during): in the total, nothing earned."""
    progress = progress or TaskProgress()
    return TaskResult(How.NOT_REACHED, False, points, 0, progress.hints, progress.solution,
                      msg("report.credit_not_reached"), tuple(progress.attempts))


def _how(progress: TaskProgress, passed: bool) -> How:
    if progress.solution != SolutionUse.NONE:
        return How.SOLUTION
    if not passed:
        return How.SKIPPED
    return How.HINTS if progress.hints else How.STUDENT


def _result(how: How, refusal: Message | None, points: int, earned: int,
            progress: TaskProgress, reason: Message | None) -> TaskResult:
    credited = refusal is None and how in (How.STUDENT, How.HINTS)
    return TaskResult(how, credited, points, earned, progress.hints, progress.solution,
                      None if credited else reason, tuple(progress.attempts))

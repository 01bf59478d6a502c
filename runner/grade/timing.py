"""Times that cannot be: a run that ends before it starts, an attempt outside its run, tasks
that add up to more than the run, a task credited less than a second after it opened.

Report times are UTC to the second, so comparisons allow one second of rounding."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from runner.grade.flag import Flag, FlagCode
from runner.grade.report import Attempt, Report, Task, printable

ROUNDING = 1.0  # seconds: times are written to the second
MIN_CREDITED_SECONDS = 1.0  # opening a task, typing a command and closing it takes longer
HUMAN_MODES = ("interactive",)  # where a person typed: automatic modes may be fast


class BadTime(Exception):
    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def instant(value: str) -> float:
    """Seconds since the epoch of an ISO 8601 time with its zone; BadTime otherwise."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadTime(printable(str(value))[:40]) from None
    if moment.tzinfo is None:
        raise BadTime(printable(value)[:40])
    return moment.timestamp()


def _flag(key: str, **params: object) -> Flag:
    return Flag(FlagCode.IMPOSSIBLE_TIME, key, params)


def timing_flags(report: Report) -> Iterator[Flag]:
    try:
        run_flags = list(_run_flags(report))
        yield from run_flags
        for task in report.tasks:  # a run that ends before it starts holds no attempt
            yield from _task_flags(report, task, check_bounds=not run_flags)
        yield from _too_fast_flags(report)
    except BadTime as bad:
        yield _flag("grade.flag_time_unreadable", value=bad.value)


def _run_flags(report: Report) -> Iterator[Flag]:
    started, finished = instant(report.started), instant(report.finished)
    span = finished - started
    if span < 0 or report.duration < 0:
        yield _flag("grade.flag_time_backwards")
    elif abs(span - report.duration) > 2 * ROUNDING:
        yield _flag("grade.flag_time_duration", duration=round(report.duration, 1),
                    span=round(span))
    spent = sum(_length(attempt) for task in report.tasks for attempt in task.attempts)
    if spent > report.duration + 2 * ROUNDING:
        yield _flag("grade.flag_time_sum", spent=round(spent), duration=round(report.duration))


def _length(attempt: Attempt) -> float:
    return max(0.0, instant(attempt.closed) - instant(attempt.opened))


def _task_flags(report: Report, task: Task, check_bounds: bool) -> Iterator[Flag]:
    started, finished = instant(report.started), instant(report.finished)
    for attempt in task.attempts:
        opened, closed = instant(attempt.opened), instant(attempt.closed)
        if closed < opened:
            yield _flag("grade.flag_time_attempt_backwards", task=task.id, number=attempt.number)
        elif check_bounds and (opened < started - ROUNDING or closed > finished + ROUNDING):
            yield _flag("grade.flag_time_outside_run", task=task.id, number=attempt.number)
        elif _stray_command(attempt, opened, closed):
            yield _flag("grade.flag_time_command", task=task.id, number=attempt.number)


def _too_fast_flags(report: Report) -> Iterator[Flag]:
    """Credited tasks whose crediting attempt closed less than a second after it opened."""
    if report.mode not in HUMAN_MODES:
        return
    fast = [task.id for task in report.tasks if task.credited and task.attempts
            and 0 <= _length(task.attempts[-1]) < MIN_CREDITED_SECONDS]
    if fast:
        yield _flag("grade.flag_time_too_fast", tasks=", ".join(fast),
                    seconds=f"{MIN_CREDITED_SECONDS:g}")


def _stray_command(attempt: Attempt, opened: float, closed: float) -> bool:
    """A command typed outside the attempt it is recorded in (one with no time proves none)."""
    times = [instant(command["at"]) for command in attempt.commands
             if command.get("at") is not None]
    return any(at < opened - ROUNDING or at > closed + ROUNDING for at in times)

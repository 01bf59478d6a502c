"""Sums and words that contradict each other inside one report: the grade against its tasks,
a task's points against how it was done, the status against the credit, the attempts'
engine evidence against the run's record. labrunner never writes these; a hand edit does."""

from __future__ import annotations

import json
from collections.abc import Iterator

from runner.grade.flag import Flag, FlagCode
from runner.grade.report import How, Report, Task

TOLERANCE = 0.01  # points are whole numbers, percents are rounded to one decimal
PERCENT_ROUNDING = 0.5


def _flag(key: str, **params: object) -> Flag:
    return Flag(FlagCode.INCONSISTENT, key, params)


def inconsistency_flags(report: Report) -> Iterator[Flag]:
    yield from _grade_flags(report)
    yield from _status_flags(report)
    for task in report.tasks:
        yield from _task_flags(task)
    yield from _evidence_record_flags(report)


def _grade_flags(report: Report) -> Iterator[Flag]:
    grade, tasks = report.grade, [task for task in report.tasks if task.applies]
    earned, total = sum(task.earned for task in tasks), sum(task.points for task in tasks)
    if abs(grade.earned - earned) > TOLERANCE:
        yield _flag("grade.flag_sum_earned", claimed=_number(grade.earned), actual=_number(earned))
    if abs(grade.total - total) > TOLERANCE:
        yield _flag("grade.flag_sum_total", claimed=_number(grade.total), actual=_number(total))
    yield from _percent_flags(report)


def _percent_flags(report: Report) -> Iterator[Flag]:
    grade = report.grade
    if grade.total <= 0:
        return
    percent = 100 * grade.earned / grade.total
    if grade.percent is None or abs(grade.percent - percent) > PERCENT_ROUNDING:
        yield _flag("grade.flag_percent", claimed=_number(grade.percent) if grade.percent
                    is not None else "null", actual=round(percent, 1))
    elif grade.passed != (percent >= grade.pass_mark):
        yield _flag("grade.flag_passed", percent=round(percent, 1),
                    pass_mark=_number(grade.pass_mark))


def _status_flags(report: Report) -> Iterator[Flag]:
    """`passed` means every step passed and every task that applies was credited."""
    if report.status != "passed":
        return
    uncredited = [task.id for task in report.tasks
                  if task.applies and not task.credited and task.how is not How.NOT_CHECKED]
    if (uncredited and report.graded) or report.steps_failed:
        yield _flag("grade.flag_status_passed", tasks=", ".join(uncredited) or "-")


def _task_flags(task: Task) -> Iterator[Flag]:
    if not 0 <= task.earned <= task.points:
        yield _flag("grade.flag_task_points", task=task.id, earned=_number(task.earned),
                    points=_number(task.points))
    elif task.earned != _expected_earned(task):
        yield _flag("grade.flag_task_earned", task=task.id, earned=_number(task.earned),
                    how=task.how)
    if not _how_agrees(task):
        yield _flag("grade.flag_task_how", task=task.id, how=task.how, hints=task.hints,
                    solution=task.solution)


def _expected_earned(task: Task) -> float:
    """Points only for credit; the solution earns the lab's solution_points (0 or all)."""
    if task.how is How.SOLUTION:
        return task.earned if task.earned in (0, task.points) else -1
    return task.points if task.credited else 0


def _how_agrees(task: Task) -> bool:
    """`how` must say what hints, solution and credit say."""
    shown = task.solution != "none"
    rules = {How.STUDENT: not shown and task.hints == 0,
             How.HINTS: not shown and task.hints > 0,
             How.SOLUTION: shown and not task.credited,
             How.SKIPPED: not task.credited,
             How.NOT_REACHED: not task.credited,  # a task interrupted may have attempts
             How.CHECKED: not shown and task.hints == 0,
             How.NOT_CHECKED: not task.credited and task.points == 0}
    return rules[task.how]


def _evidence_record_flags(report: Report) -> Iterator[Flag]:
    """Every engine call an attempt shows must be one the run recorded."""
    recorded = {_canonical(call) for call in report.engine_calls}
    for task in report.tasks:
        calls = [call for attempt in task.attempts for call in attempt.engine_calls]
        if any(_canonical(call) not in recorded for call in calls):
            yield _flag("grade.flag_evidence_unrecorded", task=task.id)


def _canonical(call: dict) -> str:
    return json.dumps(call, sort_keys=True, ensure_ascii=True)


def _number(value: float) -> str:
    """2 for 2.0, 2.5 for 2.5: points as a person writes them."""
    return f"{value:g}"

"""Per task, over the class's graded reports: how many were credited, by the solution,
skipped; the median number of attempts of those who reached it; the hints shown in all.

Unattended runs and unreadable files are left out: they say nothing of a student's work."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from runner.grade.classroom import Classroom, Result, TaskColumn
from runner.grade.report import How, Task


@dataclass(frozen=True)
class TaskSummary:
    task: TaskColumn
    reports: int  # graded reports where the task applies
    credited: int
    solution: int
    skipped: int
    median_attempts: float | None  # of those who reached the task; None if nobody did
    hints: int


def task_summaries(classroom: Classroom) -> list[TaskSummary]:
    return [_summary(column, _results(classroom, column.id)) for column in classroom.tasks]


def _results(classroom: Classroom, task_id: str) -> list[Task]:
    graded = (row.report for row in classroom.rows
              if row.report and row.result in (Result.PASSED, Result.FAILED))
    return [task for report in graded for task in report.tasks
            if task.id == task_id and task.applies]


def _summary(column: TaskColumn, tasks: list[Task]) -> TaskSummary:
    reached = [len(task.attempts) for task in tasks if task.how is not How.NOT_REACHED]
    return TaskSummary(
        task=column, reports=len(tasks), credited=sum(task.credited for task in tasks),
        solution=sum(task.how is How.SOLUTION for task in tasks),
        skipped=sum(task.how is How.SKIPPED for task in tasks),
        median_attempts=median(reached) if reached else None,
        hints=sum(task.hints for task in tasks))

"""What one cell of the roll-up says, the same in the terminal, the CSV and the HTML page:
`earned/points` and a mark for how the task was done."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from runner.grade.classroom import Row, TaskColumn
from runner.grade.report import How, Report, Task
from runner.i18n import t


class Kind(StrEnum):
    """What a cell shows; renderers pick a colour or a CSS class by it."""

    CREDITED = "credited"
    HINTS = "hints"
    SOLUTION = "solution"
    SKIPPED = "skipped"
    NOT_REACHED = "not_reached"
    NOT_CREDITED = "not_credited"
    NOT_APPLICABLE = "not_applicable"
    ABSENT = "absent"  # no report, or a report without this task


MARKS = {Kind.CREDITED: "✓", Kind.SOLUTION: "S", Kind.SKIPPED: "–", Kind.NOT_REACHED: "·",
         Kind.NOT_CREDITED: "✗", Kind.NOT_APPLICABLE: "", Kind.ABSENT: ""}


@dataclass(frozen=True)
class Cell:
    kind: Kind
    score: str  # "1/1", "" when there is nothing to score
    mark: str

    def text(self) -> str:
        return f"{self.score} {self.mark}".strip()


def number(value: float) -> str:
    """2 for 2.0, 2.5 for 2.5."""
    return f"{value:g}"


def task_of(report: Report | None, task_id: str) -> Task | None:
    return next((task for task in report.tasks if task.id == task_id), None) if report else None


def cell(row: Row, column: TaskColumn, language: str) -> Cell:
    task = task_of(row.report, column.id)
    if task is None:
        return Cell(Kind.ABSENT, "", "")
    if not task.applies:
        return Cell(Kind.NOT_APPLICABLE, "", t("grade.not_applicable", language))
    kind = _kind(task)
    mark = f"h{task.hints}" if kind is Kind.HINTS else MARKS[kind]
    return Cell(kind, f"{number(task.earned)}/{number(task.points)}", mark)


def _kind(task: Task) -> Kind:
    if task.how is How.SOLUTION:
        return Kind.SOLUTION
    if task.how is How.SKIPPED:
        return Kind.SKIPPED
    if task.how is How.NOT_REACHED:
        return Kind.NOT_REACHED
    if task.how is How.NOT_CHECKED:
        return Kind.NOT_APPLICABLE
    if not task.credited:
        return Kind.NOT_CREDITED
    return Kind.HINTS if task.how is How.HINTS else Kind.CREDITED


def total_text(row: Row) -> str:
    grade = row.report.grade if row.report else None
    return f"{number(grade.earned)}/{number(grade.total)}" if grade else ""


def percent_text(row: Row) -> str:
    grade = row.report.grade if row.report else None
    return "" if grade is None or grade.percent is None else f"{number(grade.percent)} %"


RESULT_KEYS = {"passed": "grade.result_passed", "failed": "grade.result_failed",
               "not_graded": "grade.result_not_graded", "missing": "grade.result_missing",
               "unreadable": "grade.result_unreadable"}


def result_text(row: Row, language: str) -> str:
    return t(RESULT_KEYS[row.result], language)


def legend(language: str) -> str:
    return t("grade.legend", language)

"""The roll-up on a terminal: a rich table per student, the flags spelled out below it, and a
table per task. Names and titles come from students' files: they are rich `Text`, never
markup, so `[red]` in a name prints as typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner.grade.cells import Kind, cell, legend, number, percent_text, result_text, total_text
from runner.grade.classroom import Classroom, Result
from runner.grade.summary import TaskSummary
from runner.i18n import t

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

CELL_STYLES = {Kind.CREDITED: "green", Kind.HINTS: "cyan", Kind.SOLUTION: "magenta",
               Kind.SKIPPED: "yellow", Kind.NOT_REACHED: "dim", Kind.NOT_CREDITED: "bold red",
               Kind.NOT_APPLICABLE: "dim", Kind.ABSENT: "dim"}
RESULT_STYLES = {Result.PASSED: "green", Result.FAILED: "bold red", Result.NOT_GRADED: "yellow",
                 Result.MISSING: "yellow", Result.UNREADABLE: "bold red"}


def print_classroom(console: Console, classroom: Classroom, summaries: list[TaskSummary],
                    language: str) -> None:
    from rich.text import Text

    console.print(Text(_heading(classroom, language), style="bold"))
    console.print(student_table(classroom, language))
    console.print(Text(legend(language), style="dim"))
    for row in classroom.rows:
        for flag in row.flags:
            console.print(Text.assemble((f"{row.student}: ", "bold"), (flag.code.value, "yellow"),
                                        f" — {flag.text(language)}"))
    console.print(task_table(summaries, language))


def _heading(classroom: Classroom, language: str) -> str:
    return t("grade.heading", language, lab=classroom.lab_title or classroom.lab_id or "?",
             id=classroom.lab_id or "?", students=len(classroom.rows))


def student_table(classroom: Classroom, language: str) -> Table:
    """Tasks are numbered columns (the task table names them): ids are too wide for a row."""
    from rich.text import Text

    named = any(row.name for row in classroom.rows)
    table = _table(t("grade.students_title", language))
    table.add_column(t("grade.col_student", language), overflow="fold", min_width=10)
    if named:
        table.add_column(t("grade.col_name", language), overflow="fold")
    for index in range(1, len(classroom.tasks) + 1):
        table.add_column(str(index), justify="center", no_wrap=True)
    for key in ("grade.col_total", "grade.col_percent", "grade.col_result"):
        table.add_column(t(key, language), no_wrap=True)
    table.add_column(t("grade.col_flags", language), min_width=10)
    for row in classroom.rows:
        cells = [cell(row, column, language) for column in classroom.tasks]
        table.add_row(Text(row.student), *([Text(row.name)] if named else []),
                      *(Text(item.text(), style=CELL_STYLES[item.kind]) for item in cells),
                      Text(total_text(row)), Text(percent_text(row)),
                      Text(result_text(row, language), style=RESULT_STYLES[row.result]),
                      Text(" ".join(row.codes()), style="yellow"))
    return table


def _table(title: str) -> Table:
    """A light frame: the class's table must fit a terminal with a column per task."""
    from rich import box
    from rich.table import Table

    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                 collapse_padding=True, title_style="bold")


def task_table(summaries: list[TaskSummary], language: str) -> Table:
    from rich.text import Text

    table = _table(t("grade.tasks_title", language))
    table.add_column(t("grade.col_task", language), no_wrap=True)
    table.add_column(t("grade.col_title", language))
    for key in ("grade.col_points", "grade.col_credited", "grade.col_solution",
                "grade.col_skipped", "grade.col_attempts", "grade.col_hints"):
        table.add_column(t(key, language), justify="right")
    for index, item in enumerate(summaries, start=1):
        table.add_row(Text(f"{index} {item.task.id}"), Text(item.task.title),
                      number(item.task.points),
                      f"{item.credited}/{item.reports}", str(item.solution), str(item.skipped),
                      "" if item.median_attempts is None else number(item.median_attempts),
                      str(item.hints))
    return table

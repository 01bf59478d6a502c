"""The roll-up as CSV for a spreadsheet or a gradebook: one row per student, a column per task
(the points earned), then the totals, the result, the flag codes and their sentences.

Headers and codes are stable words (a program reads them); sentences are in the language
asked. Text from students' files is kept from being read as a spreadsheet formula."""

from __future__ import annotations

import csv
import io

from runner.grade.cells import number
from runner.grade.cells import task_of as find_task
from runner.grade.classroom import Classroom, Row

FIXED_HEAD = ("student", "name", "result")
FIXED_TAIL = ("earned", "total", "percent", "flags", "details", "report")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def classroom_csv(classroom: Classroom, language: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*FIXED_HEAD, *(_text(column.id) for column in classroom.tasks),
                     *FIXED_TAIL])
    for row in classroom.rows:
        writer.writerow(_row(row, classroom, language))
    return out.getvalue()


def _row(row: Row, classroom: Classroom, language: str) -> list[str]:
    grade = row.report.grade if row.report else None
    tasks = [find_task(row.report, column.id) for column in classroom.tasks]
    return [
        _text(row.student), _text(row.name), row.result.value,
        *("" if task is None or not task.applies else number(task.earned) for task in tasks),
        number(grade.earned) if grade else "", number(grade.total) if grade else "",
        "" if grade is None or grade.percent is None else number(grade.percent),
        " ".join(row.codes()), _text(" | ".join(flag.text(language) for flag in row.flags)),
        _text(str(row.report.path) if row.report else str(row.unreadable.path)
              if row.unreadable else "")]


def _text(value: str) -> str:
    """`=HYPERLINK(…)` as a name stays text in a spreadsheet (OWASP's CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value

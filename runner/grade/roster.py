"""The class list: a CSV file whose header names a `student` column (the id a run records,
`--student` or the OS user) and optionally a `name` column (shown beside it). Other columns
are ignored; `,` or `;` separates (a spreadsheet saved in French uses `;`); UTF-8, with or
without the BOM a spreadsheet adds. Ids are matched without regard to case or spaces around."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from runner.errors import SourcePos, UsageError

ID_COLUMN, NAME_COLUMN = "student", "name"


@dataclass(frozen=True)
class Member:
    student: str
    name: str


def student_key(student: str) -> str:
    """The form ids are compared in: `Alice ` and `alice` are one student."""
    return student.strip().casefold()


def read_roster(path: Path) -> list[Member]:
    """The members in file order; a UsageError `file:line:col: message` on bad input."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError("grade.roster_unreadable", pos=SourcePos(str(path), 1, 1),
                         error=getattr(error, "strerror", None) or str(error)) from None
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    except csv.Error as error:
        raise UsageError("grade.roster_unreadable", pos=SourcePos(str(path), 1, 1),
                         error=str(error)) from None
    if not rows:
        raise UsageError("grade.roster_empty", pos=SourcePos(str(path), 1, 1))
    header = [cell.strip().casefold() for cell in rows[0]]
    if ID_COLUMN not in header:
        raise UsageError("grade.roster_no_id", pos=SourcePos(str(path), 1, 1), column=ID_COLUMN)
    return _members(path, rows, header.index(ID_COLUMN),
                    header.index(NAME_COLUMN) if NAME_COLUMN in header else None)


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _members(path: Path, rows: list[list[str]], id_index: int,
             name_index: int | None) -> list[Member]:
    members, seen = [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        student = row[id_index].strip() if id_index < len(row) else ""
        where = SourcePos(str(path), line, 1)
        if not student:
            raise UsageError("grade.roster_no_student", pos=where)
        if student_key(student) in seen:
            raise UsageError("grade.roster_twice", pos=where, student=student,
                             first=seen[student_key(student)])
        seen[student_key(student)] = line
        name = row[name_index].strip() if name_index is not None and name_index < len(row) else ""
        members.append(Member(student, name))
    return members

"""The answers file: `lab: <id>`, optional `student:`, `answers: {<task id>: <command or list
of commands>}`. Read with the lab files' limits (size, depth, aliases, duplicate keys:
runner/lab/yaml_limits.py); every error `file:line:col: message`, all at once (exit 2).

A task with no answer (absent, empty, `[]`) is skipped; an id that is not a task of the lab
is an error, so a typo never silently costs a task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.errors import LabError, LabErrors, LabFileError, SourcePos
from runner.grade.report import printable

KEYS = ("lab", "student", "answers")
ANSWERS_WORDING = {"load.empty": "answers.empty", "load.too_large": "answers.too_large"}


@dataclass(frozen=True)
class Answers:
    """What the student submitted: the lab it is for, who, and each task's commands."""

    file: str
    lab_id: str
    student: str = ""
    commands: dict[str, tuple[str, ...]] = field(default_factory=dict)  # answered tasks only

    def for_task(self, task_id: str) -> tuple[str, ...]:
        """The task's commands, in order; () when the student gave none (skipped)."""
        return self.commands.get(task_id, ())


def read_answers(path: Path, lab: Any) -> Answers:
    """The answers in `path` for `lab`; a LabError (or LabErrors) naming every problem."""
    from runner.lab.yaml_limits import read_source
    from runner.lab.yaml_source import parse_yaml

    try:
        document = parse_yaml(read_source(path), str(path))
    except LabFileError as error:
        if error.key in ANSWERS_WORDING:  # "answers file", not "lab file"
            raise LabFileError(ANSWERS_WORDING[error.key], pos=error.pos,
                               **error.params) from None
        raise
    reader = _Reader(document, [step.id for step in lab.steps if step.is_task], lab.id)
    answers = reader.answers()
    if reader.errors:
        errors = sorted(reader.errors, key=lambda e: (e.pos.line, e.pos.column))
        raise errors[0] if len(errors) == 1 else LabErrors(errors)
    return answers


class _Reader:
    """Checks the document piece by piece, collecting every error with its place."""

    def __init__(self, document: Any, task_ids: list[str], lab_id: str) -> None:
        self.document = document
        self.task_ids = task_ids
        self.lab_id = lab_id
        self.errors: list[LabError] = []

    def answers(self) -> Answers:
        data = self.document.data
        if not isinstance(data, dict):
            self.fail((), "answers.not_mapping")
            return Answers(self.document.file, "")
        for key in data:
            if key not in KEYS:
                self.fail_key((key,), "answers.unknown_key", key=_shown(key),
                              known=", ".join(KEYS))
        return Answers(self.document.file, self.lab(data), self.student(data),
                       self.commands(data))

    def lab(self, data: dict) -> str:
        value = data.get("lab")
        if "lab" not in data:
            self.fail((), "answers.no_lab", lab=self.lab_id)
        elif value != self.lab_id:
            self.fail(("lab",), "answers.other_lab", theirs=_shown(value), lab=self.lab_id)
        return str(value or "")

    def student(self, data: dict) -> str:
        value = data.get("student")
        if value is not None and not isinstance(value, str):
            self.fail(("student",), "answers.not_text", key="student")
            return ""
        return (value or "").strip()

    def commands(self, data: dict) -> dict[str, tuple[str, ...]]:
        table = data.get("answers")
        if "answers" not in data:
            self.fail((), "answers.no_answers")
            return {}
        if table is None:
            return {}
        if not isinstance(table, dict):
            self.fail(("answers",), "answers.answers_not_mapping")
            return {}
        commands = {}
        for key, value in table.items():
            given = self.task_commands(key, value)
            if given:
                commands[str(key)] = given
        return commands

    def task_commands(self, key: Any, value: Any) -> tuple[str, ...]:
        """One task's answer: a command, or a list of commands; None or empty: none."""
        task_id = str(key)
        if task_id not in self.task_ids:
            self.fail_key(("answers", key), "answers.unknown_task", task=_shown(key),
                          tasks=", ".join(self.task_ids))
            return ()
        items = [] if value is None else value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if not isinstance(item, str):
                where = ("answers", key, index) if isinstance(value, list) else ("answers", key)
                self.fail(where, "answers.not_command", task=task_id)
                return ()
        return tuple(item for item in items if item.strip())

    def fail(self, path: tuple, message_key: str, /, **params: Any) -> None:
        self.errors.append(LabFileError(message_key, pos=self.document.position(path),
                                        **params))

    def fail_key(self, path: tuple, message_key: str, /, **params: Any) -> None:
        """An error about a key itself: placed at the key, not at its value."""
        pos = self.document.keys.get(path) or SourcePos(self.document.file, 1, 1)
        self.errors.append(LabFileError(message_key, pos=pos, **params))


def _shown(value: Any) -> str:
    """A value of the student's file as echoed in a message: no escape sequence reaches the
    terminal, and a pasted script is cut short."""
    return printable(str(value))[:80]

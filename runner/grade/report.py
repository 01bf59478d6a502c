"""A format-2 run report as typed data: what `grade` reads of the JSON a run wrote.

Reports are input from a machine the student controls, so every value is checked for its
type here; a report that does not fit the shape is `Malformed` (named, never a traceback)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

REPORT_FORMAT = 2
MAX_NUMBER = 1e15  # past any points, duration or count a run writes; sums stay exact
LINE_BREAKS = re.compile(r"[\t\n\r]+")
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(value: str) -> str:
    """`value` without C0/C1 control characters: an escape sequence in a name would clear the
    teacher's terminal or hide a link; a line break becomes a space, as in one table cell."""
    return CONTROLS.sub("", LINE_BREAKS.sub(" ", value))


class How(StrEnum):
    """How a task was done (the report's `result.how`)."""

    STUDENT = "student"
    HINTS = "hints"
    SOLUTION = "solution"
    SKIPPED = "skipped"
    NOT_REACHED = "not_reached"
    CHECKED = "checked"  # a teacher's `labrunner check`: seen on the engine, how not known
    NOT_CHECKED = "not_checked"  # `check`: the lab gives the task no end-state check


class Malformed(Exception):
    """A value of the report is missing or of the wrong type: `where` is its JSON path."""

    def __init__(self, where: str, expected: str) -> None:
        super().__init__(f"{where}: {expected}")
        self.where = where
        self.expected = expected


@dataclass(frozen=True)
class Attempt:
    number: int
    opened: str
    closed: str
    commands: tuple[dict, ...]
    engine_calls: tuple[dict, ...]
    checks: tuple[dict, ...]  # the verdicts at close


@dataclass(frozen=True)
class Task:
    """A task step and its `result`."""

    id: str
    title: str
    status: str
    applies: bool
    check_types: tuple[str, ...]
    how: How
    credited: bool
    points: float
    earned: float
    hints: int
    solution: str
    reason: str
    attempts: tuple[Attempt, ...]


@dataclass(frozen=True)
class Grade:
    earned: float
    total: float
    percent: float | None
    pass_mark: float
    passed: bool


@dataclass(frozen=True)
class Report:
    path: Path
    data: dict  # the whole JSON, for the digest
    student: str
    host: str
    started: str
    finished: str
    duration: float
    mode: str
    graded: bool
    lab_id: str
    lab_title: str
    lab_sha256: str
    engine_id: str
    status: str
    steps_failed: int
    tasks: tuple[Task, ...]
    grade: Grade
    engine_calls: tuple[dict, ...]
    digest: str | None


class Fields:
    """Typed access to one JSON object; `where` names it in a Malformed error."""

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise Malformed(where or "/", "object")
        self.value, self.where = value, where

    def _get(self, key: str, kinds: tuple[type, ...], expected: str, default: Any) -> Any:
        value = self.value.get(key, default)
        if value is _REQUIRED or not isinstance(value, kinds) or (
                isinstance(value, bool) and bool not in kinds):
            raise Malformed(self._path(key), expected)
        return value

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def text(self, key: str, default: Any = None) -> str:
        """A string; with a default, a missing key or a null gives the default."""
        if default is not None and self.value.get(key) is None:
            return default
        return printable(self._get(key, (str,), "string",
                                   _REQUIRED if default is None else default))

    def number(self, key: str) -> float:
        return self._finite(key, self._get(key, (int, float), "number", _REQUIRED))

    def optional_number(self, key: str) -> float | None:
        value = self._get(key, (int, float, type(None)), "number | null", None)
        return None if value is None else self._finite(key, value)

    def _finite(self, key: str, value: float) -> float:
        """1e400 loads as infinity, a 400-digit integer overflows a float: neither is a
        value a run writes, and either would crash the sums of the whole class."""
        try:
            if math.isfinite(value) and abs(value) < MAX_NUMBER:
                return value
        except OverflowError:
            pass
        raise Malformed(self._path(key), f"number, |x| < {MAX_NUMBER:g}")  # no words to translate

    def flag(self, key: str, default: Any = None) -> bool:
        return self._get(key, (bool,), "boolean", _REQUIRED if default is None else default)

    def objects(self, key: str, default: Any = None) -> list[Fields]:
        items = self._get(key, (list,), "array", _REQUIRED if default is None else default)
        return [Fields(item, f"{self._path(key)}[{index}]") for index, item in enumerate(items)]

    def sub(self, key: str, default: Any = None) -> Fields:
        return Fields(self.value.get(key, _REQUIRED if default is None else default),
                      self._path(key))


_REQUIRED = object()


def parse_report(data: Any, path: Path) -> Report:
    """The typed report; raises Malformed naming the first value that does not fit."""
    top = Fields(data, "")
    lab, engine = top.sub("lab", {}), top.sub("engine", {})  # none if the run never started
    steps = top.objects("steps")
    return Report(
        path=path, data=data, student=top.text("student"), host=top.text("host", ""),
        started=top.text("started"), finished=top.text("finished"),
        duration=top.number("duration"), mode=top.text("mode"), graded=top.flag("graded"),
        lab_id=lab.text("id", ""), lab_title=lab.text("title", ""),
        lab_sha256=lab.text("sha256", ""),
        engine_id=engine.text("id", ""), status=top.text("status"),
        steps_failed=sum(step.text("status") == "failed" for step in steps),
        tasks=tuple(_task(step) for step in steps if step.flag("task", False)),
        grade=_grade(top.sub("grade")),
        engine_calls=tuple(call.value for call in top.objects("engine_calls", [])),
        digest=top.value.get("digest") if isinstance(top.value.get("digest"), str) else None)


def _task(step: Fields) -> Task:
    applies = step.flag("applies", True)
    if not applies and step.value.get("result") is None:  # a task for another engine
        return _not_applicable(step)
    result = step.sub("result")
    how = result.text("how")
    if how not in set(How):
        raise Malformed(f"{result.where}.how", " | ".join(How))
    attempts = tuple(_attempt(item) for item in result.objects("attempts"))
    return Task(
        id=step.text("id"), title=step.text("title", ""), status=step.text("status"),
        applies=applies, check_types=_check_types(step, attempts), how=How(how),
        credited=result.flag("credited"), points=result.number("points"),
        earned=result.number("earned"), hints=int(result.number("hints")),
        solution=result.text("solution"), reason=result.text("reason", ""),
        attempts=attempts)


def _not_applicable(step: Fields) -> Task:
    return Task(id=step.text("id"), title=step.text("title", ""), status=step.text("status"),
                applies=False, check_types=_check_types(step, ()), how=How.NOT_REACHED,
                credited=False, points=0, earned=0, hints=0, solution="none", reason="",
                attempts=())


def _check_types(step: Fields, attempts: tuple[Attempt, ...]) -> tuple[str, ...]:
    """The types of the task's checks: the step's last verdicts and every attempt's."""
    types = [check.text("type") for check in step.objects("checks", [])]
    types += [printable(str(check.get("type"))) for attempt in attempts for check in attempt.checks]
    return tuple(dict.fromkeys(types))


def _attempt(attempt: Fields) -> Attempt:
    return Attempt(
        number=int(attempt.number("number")), opened=attempt.text("opened"),
        closed=attempt.text("closed"),
        commands=tuple(item.value for item in attempt.objects("commands", [])),
        engine_calls=tuple(item.value for item in attempt.objects("engine_calls", [])),
        checks=tuple(item.value for item in attempt.objects("checks", [])))


def _grade(grade: Fields) -> Grade:
    return Grade(earned=grade.number("earned"), total=grade.number("total"),
                 percent=grade.optional_number("percent"),
                 pass_mark=grade.number("pass_mark"), passed=grade.flag("passed"))

"""Report files from the command line: a directory stands for its *.json; each file is read
into a `Report` or an `Unreadable` that says why, `file:line:col: message`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from runner.grade.report import REPORT_FORMAT, Malformed, Report, parse_report, printable
from runner.i18n import t

# A long run's report is a few hundred KiB (every command and engine call); 16 MiB is ample.
MAX_REPORT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Unreadable:
    """A file that is not a format-2 labrunner report, and why."""

    path: Path
    key: str
    params: dict = field(default_factory=dict)
    line: int = 1
    column: int = 1

    def message(self, language: str) -> str:
        return f"{printable(str(self.path))}:{self.line}:{self.column}: {self.reason(language)}"

    def reason(self, language: str) -> str:
        return t(self.key, language, **self.params)


def report_paths(arguments: Iterable[str]) -> list[Path]:
    """Each argument, a directory replaced by its *.json files (sorted, not recursive)."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        paths.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return paths


def read_report(path: Path) -> Report | Unreadable:
    """The report in `path`, or why it cannot be graded."""
    try:
        text = _bounded_text(path)
    except _TooLarge:
        return Unreadable(path, "grade.unreadable_too_large", {"limit": MAX_REPORT_BYTES >> 20})
    except FileNotFoundError:
        return Unreadable(path, "grade.unreadable_missing")
    except UnicodeDecodeError:
        return Unreadable(path, "grade.unreadable_encoding")
    except OSError as error:
        return Unreadable(path, "grade.unreadable_os", {"error": error.strerror or str(error)})
    return _parse_text(path, text)


class _TooLarge(Exception):
    """The file is past MAX_REPORT_BYTES (or is not a regular file that ends)."""


def _bounded_text(path: Path) -> str:
    """The file's text, reading no more than the cap: a report from a student's machine may
    be a 10 GB file, or a FIFO that never ends."""
    import stat

    if not stat.S_ISREG(path.stat().st_mode):
        raise _TooLarge
    with path.open("rb") as handle:
        data = handle.read(MAX_REPORT_BYTES + 1)
    if len(data) > MAX_REPORT_BYTES:
        raise _TooLarge
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _parse_text(path: Path, text: str) -> Report | Unreadable:
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        return Unreadable(path, "grade.unreadable_json", {"error": error.msg},
                          error.lineno, error.colno)
    except RecursionError:  # a hostile file of a million nested brackets
        return Unreadable(path, "grade.unreadable_json", {"error": "nesting too deep"})
    except ValueError as error:  # NaN/Infinity, or an integer of thousands of digits
        return Unreadable(path, "grade.unreadable_json", {"error": str(error)[:80]})
    return _parse_data(path, data)


def _no_constant(name: str) -> None:
    """NaN and Infinity are not JSON (Python accepts them): no run writes them."""
    raise ValueError(f"{name} is not a JSON number")


def _parse_data(path: Path, data: object) -> Report | Unreadable:
    if not isinstance(data, dict) or "format" not in data:
        return Unreadable(path, "grade.unreadable_not_report")
    if data["format"] != REPORT_FORMAT:
        return Unreadable(path, "grade.unreadable_format",
                          {"found": json.dumps(data["format"])[:20], "wanted": REPORT_FORMAT})
    try:
        return parse_report(data, path)
    except Malformed as error:
        return Unreadable(path, "grade.unreadable_shape",
                          {"where": error.where, "expected": error.expected})

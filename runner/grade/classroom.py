"""The class: one row per student (their latest report, or why there is none), the task
columns, and the rules that compare students: duplicate reports, a shared engine, the roster.

Renderers read the `Classroom` only; every judgement is made here or in the rules it calls."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from runner.grade.flag import Flag, FlagCode
from runner.grade.reading import Unreadable
from runner.grade.report import Report, printable
from runner.grade.roster import Member, student_key
from runner.grade.rules import report_flags
from runner.grade.timing import BadTime, instant


class Result(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_GRADED = "not_graded"
    MISSING = "missing"
    UNREADABLE = "unreadable"


@dataclass
class Row:
    """One student (or one file that could not be read, named by its path)."""

    student: str
    name: str = ""
    report: Report | None = None
    unreadable: Unreadable | None = None
    flags: list[Flag] = field(default_factory=list)

    @property
    def result(self) -> Result:
        if self.unreadable is not None:
            return Result.UNREADABLE
        if self.report is None:
            return Result.MISSING
        if any(flag.code is FlagCode.NOT_GRADED for flag in self.flags):
            return Result.NOT_GRADED
        return Result.PASSED if self.report.grade.passed else Result.FAILED

    def codes(self) -> list[str]:
        """The row's flag codes, each once, in the order found."""
        return list(dict.fromkeys(flag.code.value for flag in self.flags))


@dataclass(frozen=True)
class TaskColumn:
    id: str
    title: str
    points: float


@dataclass
class Classroom:
    rows: list[Row]
    tasks: list[TaskColumn]
    lab_id: str
    lab_title: str
    lab_sha256: str  # the teacher's copy (--lab), else the class's most common; "" if unknown
    lab_given: bool


def build_classroom(readings: Sequence[Report | Unreadable], roster: Sequence[Member] | None,
                    lab_sha256: str | None) -> Classroom:
    """Rows in roster order (then students not on it, then unreadable files), flagged."""
    reports = [item for item in readings if isinstance(item, Report)]
    kept = _latest_per_student(reports)
    reference = lab_sha256 or _common_lab(list(kept.values()))
    rows = {key: Row(report.student or printable(report.path.name), report=report,
                     flags=report_flags(report, reference) + duplicates)
            for key, (report, duplicates) in _with_duplicates(reports, kept).items()}
    _flag_shared_engines(list(rows.values()))
    ordered = _roster_order(rows, roster) + [
        Row(printable(item.path.name), unreadable=item,
            flags=[Flag(FlagCode.UNREADABLE, item.key, item.params)])
        for item in readings if isinstance(item, Unreadable)]
    named = _naming_report(kept.values(), reference)
    return Classroom(ordered, _task_columns(ordered), named.lab_id if named else "",
                     named.lab_title if named else "", reference or "", bool(lab_sha256))


def _naming_report(reports: Iterable[Report], reference: str | None) -> Report | None:
    """The report whose lab names the page: one run on the reference lab file if any."""
    reports = sorted(reports, key=lambda report: str(report.path))
    matching = [report for report in reports if report.lab_sha256.lower() == reference]
    return next(iter(matching or reports), None)


def _finished(report: Report) -> float:
    try:
        return instant(report.finished)
    except BadTime:
        return float("-inf")


def _key(report: Report) -> str:
    """Whose report: a report with no student (no OS user name) stands alone, by its file."""
    return student_key(report.student) or f"\0{report.path}"


def _latest_per_student(reports: list[Report]) -> dict[str, Report]:
    latest: dict[str, Report] = {}
    for report in sorted(reports, key=lambda item: (_finished(item), str(item.path))):
        latest[_key(report)] = report
    return latest


def _with_duplicates(reports: list[Report],
                     kept: dict[str, Report]) -> dict[str, tuple[Report, list[Flag]]]:
    """Each kept report with a `duplicate` flag naming the student's other reports."""
    others: dict[str, list[str]] = defaultdict(list)
    for report in reports:
        key = _key(report)
        if report is not kept[key]:
            others[key].append(printable(report.path.name))
    return {key: (report, [Flag(FlagCode.DUPLICATE, "grade.flag_duplicate",
                                {"kept": printable(report.path.name),
                                 "others": ", ".join(others[key])})]
                  if others[key] else [])
            for key, report in kept.items()}


def _common_lab(reports: list[Report]) -> str | None:
    """Without the teacher's copy, the lab file most of the class ran (none on a tie)."""
    counts = Counter(report.lab_sha256.lower() for report in reports).most_common(2)
    if not counts or (len(counts) == 2 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def _flag_shared_engines(rows: list[Row]) -> None:
    """Two students whose runs reached one Docker engine: one did the other's work, or both
    used one machine; either way the teacher should know."""
    by_engine: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.report and row.report.engine_id:
            by_engine[row.report.engine_id].append(row)
    for engine, sharing in by_engine.items():
        for row in sharing if len(sharing) > 1 else ():
            others = ", ".join(other.student for other in sharing if other is not row)
            row.flags.append(Flag(FlagCode.SHARED_ENGINE, "grade.flag_shared_engine",
                                  {"engine": _short(engine), "others": others}))


def _short(engine_id: str) -> str:
    return engine_id if len(engine_id) <= 16 else engine_id[:12] + "…"


def _roster_order(rows: dict[str, Row], roster: Sequence[Member] | None) -> list[Row]:
    if roster is None:
        return [rows[key] for key in sorted(rows)]
    listed = []
    for member in roster:
        row = rows.pop(student_key(member.student), None) or Row(member.student)
        row.name = member.name
        listed.append(row)
    for key in sorted(rows):
        rows[key].flags.append(Flag(FlagCode.NOT_ON_ROSTER, "grade.flag_not_on_roster"))
    return listed + [rows[key] for key in sorted(rows)]


def _task_columns(rows: list[Row]) -> list[TaskColumn]:
    """Every task any report shows, in the order the reports list them."""
    columns: dict[str, TaskColumn] = {}
    for row in rows:
        for task in row.report.tasks if row.report else ():
            known = columns.get(task.id)
            if known is None or (task.applies and not known.points):  # its points, if any
                columns[task.id] = TaskColumn(task.id, task.title, task.points)
    return list(columns.values())

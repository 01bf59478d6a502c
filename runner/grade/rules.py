"""The rules that read one report alone: its digest, its mode, its lab file, its evidence.

Times are judged in timing.py, sums in consistency.py; the rules that compare students
(duplicate, shared_engine, the roster) live in classroom.py."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from runner.grade.consistency import inconsistency_flags
from runner.grade.flag import Flag, FlagCode
from runner.grade.report import Report, Task
from runner.grade.timing import timing_flags
from runner.report.digest import report_digest

# The check types whose verdict is the engine's state: passing them needs an engine call.
ENGINE_CHECKS = frozenset({"image", "container", "container_layer", "layer_store",
                           "image_archive", "volume", "network", "engine_empty", "engine_call",
                           "config"})
STUDENT_SHELL = "student"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_flags(report: Report) -> Iterator[Flag]:
    """A report edited after labrunner wrote it (unless the editor recomputed the digest)."""
    if report.digest is None:
        yield Flag(FlagCode.DIGEST, "grade.flag_digest_missing")
        return
    try:
        expected = report_digest(report.data)
    except UnicodeEncodeError:  # a lone surrogate: the writer could not have written it
        expected = ""
    if report.digest != expected:
        yield Flag(FlagCode.DIGEST, "grade.flag_digest_wrong")


def not_graded_flags(report: Report) -> Iterator[Flag]:
    """An unattended run is a demonstration of the solution, not the student's work."""
    if not report.graded or report.mode == "unattended":
        yield Flag(FlagCode.NOT_GRADED, "grade.flag_not_graded", {"mode": report.mode})


def lab_flags(report: Report, lab_sha256: str | None) -> Iterator[Flag]:
    """Another lab file than the teacher's copy (or than most of the class's, without one)."""
    if lab_sha256 and report.lab_sha256.lower() != lab_sha256.lower():
        yield Flag(FlagCode.LAB_CHANGED, "grade.flag_lab_changed",
                   {"theirs": report.lab_sha256[:12], "ours": lab_sha256[:12]})


def evidence_flags(report: Report) -> Iterator[Flag]:
    """Tasks credited on the engine's state while the student's shell never called the
    engine: the state came from somewhere else (another shell, another tool, a hand edit)."""
    if report.mode == "check":  # the teacher's own reading of the engine: no student shell
        return
    silent = [task.id for task in report.tasks if task.credited and not _student_called(task)
              and ENGINE_CHECKS.intersection(task.check_types)]
    if silent:
        yield Flag(FlagCode.NO_EVIDENCE, "grade.flag_no_evidence", {"tasks": ", ".join(silent)})


def _student_called(task: Task) -> bool:
    return any(call.get("shell") == STUDENT_SHELL
               for attempt in task.attempts for call in attempt.engine_calls)


def report_flags(report: Report, lab_sha256: str | None) -> list[Flag]:
    """Every flag one report earns on its own."""
    rules: list[Callable[[Report], Iterator[Flag]]] = [
        digest_flags, not_graded_flags, evidence_flags, timing_flags, inconsistency_flags]
    found = [flag for rule in rules for flag in rule(report)]
    return found + list(lab_flags(report, lab_sha256))

"""The report of a teacher's `labrunner check`: format 2 (schema/report.schema.json) with
`mode: check`, so `labrunner grade` rolls it up with the students' own reports.

Each task's result says `how: checked` (seen on the engine; how the student did it is not
known from here), or `not_checked` when the lab gives the task no end-state check or none of
them could be evaluated on this engine (worth nothing here: its proof is the student's run
report).
"""

from __future__ import annotations

import socket
import time
from typing import Any

from runner import __version__
from runner.messages import msg
from runner.report.digest import report_digest
from runner.report.report_parts import check_dict, engine_dict, iso, lab_dict
from runner.run.grade import Grade, grade_of_points
from runner.run.status import LabStatus, StepStatus
from runner.teacher.end_state import StepEndState


def check_report(lab: Any, lab_file: str, profile: Any, states: list[StepEndState],
                 language: str, student: str, started: float, calls: list[dict]) -> dict:
    steps = [_step(state, language) for state in states]
    status = LabStatus.PASSED if all(s["status"] != StepStatus.FAILED for s in steps) \
        else LabStatus.FAILED
    grade = _grade([s["result"] for s in steps if "result" in s], lab.grading.pass_mark, status)
    data = {"format": 2, "labrunner": __version__, "student": student,
            "host": socket.gethostname(), "started": iso(started), "finished": iso(time.time()),
            "duration": round(time.time() - started, 2), "mode": "check", "graded": True,
            "language": language, "lab": lab_dict(lab, lab_file, language),
            "engine": engine_dict(profile), "status": status, "steps": steps,
            "grade": grade.as_dict(), "engine_calls": calls}
    data["digest"] = report_digest(data)
    return data


def _step(state: StepEndState, language: str) -> dict[str, Any]:
    step = state.step
    checks = [check_dict(check, outcome, language) for check, outcome in state.verdicts]
    status = (StepStatus.SKIPPED if not state.evaluated
              else StepStatus.PASSED if state.holds else StepStatus.FAILED)
    data = {"id": step.id, "title": step.title.get(language), "status": status,
            "task": step.is_task, "applies": state.applies, "checks": checks}
    if step.is_task and state.applies:
        data["result"] = _result(state, step.task.points, language)
    return data


def _result(state: StepEndState, points: int, language: str) -> dict[str, Any]:
    if not state.checked:
        return _result_of("not_checked", False, 0, 0, msg("teacher.no_end_state"), language)
    if not state.evaluated:
        skipped = "; ".join(outcome.summary.text(language) for _, outcome in state.verdicts)
        return _result_of("not_checked", False, 0, 0,
                          msg("teacher.end_state_skipped", checks=skipped), language)
    if state.holds:
        return _result_of("checked", True, points, points, None, language)
    failed = "; ".join(outcome.summary.text(language) for _, outcome in state.verdicts
                       if not outcome.passed)
    return _result_of("checked", False, points, 0, msg("teacher.not_in_end_state",
                                                        checks=failed), language)


def _result_of(how: str, credited: bool, points: int, earned: int, reason, language: str
               ) -> dict[str, Any]:
    return {"how": how, "credited": credited, "points": points, "earned": earned, "hints": 0,
            "solution": "none", "reason": reason.text(language) if reason else "",
            "attempts": []}


def _grade(results: list[dict], pass_mark: int, status: str) -> Grade:
    """The run's own rule (runner/run/grade.py), on the results as written."""
    return grade_of_points([(r["earned"], r["points"]) for r in results], pass_mark, status)

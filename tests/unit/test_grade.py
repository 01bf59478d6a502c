"""The grade: one rule for the summary line and the JSON report a teacher reads."""

from __future__ import annotations

import json

from runner.report.json_report import JsonReport
from runner.report.text import grade_line
from runner.run import events as ev


def finished(*steps: ev.StepSummary) -> ev.LabFinished:
    return ev.LabFinished(lab=None, status="passed", steps=steps)


def task(step_id: str, status: str, applies: bool = True) -> ev.StepSummary:
    return ev.StepSummary(step_id, step_id, status, task=True, applies=applies)


def json_grade(event: ev.LabFinished, tmp_path) -> dict:
    path = tmp_path / "report.json"
    JsonReport(path, "en").on_event(event)
    return json.loads(path.read_text(encoding="utf-8"))["grade"]


def test_skipping_every_task_is_not_full_marks(tmp_path):
    event = finished(task("a", "skipped"), task("b", "skipped"))
    assert event.grade == (0, 2)
    assert json_grade(event, tmp_path) == {"passed": 0, "total": 2, "percent": 0}
    assert grade_line(event, "en") == "Grade: 0 of 2 tasks done (0 %)."


def test_a_task_for_another_engine_is_not_counted(tmp_path):
    event = finished(task("a", "passed"), task("b", "skipped", applies=False),
                     task("c", "not_run"))
    assert event.grade == (1, 2)
    assert json_grade(event, tmp_path) == {"passed": 1, "total": 2, "percent": 50}


def test_a_lab_without_tasks_is_graded_on_its_steps_and_has_no_grade_line(tmp_path):
    event = finished(ev.StepSummary("a", "a", "passed"), ev.StepSummary("b", "b", "failed"),
                     ev.StepSummary("c", "c", "skipped", applies=False))
    assert event.grade == (1, 2) and grade_line(event, "en") is None
    assert json_grade(finished(ev.StepSummary("c", "c", "skipped", applies=False)),
                      tmp_path)["percent"] == 100

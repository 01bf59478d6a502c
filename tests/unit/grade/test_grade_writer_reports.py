"""Reports written by the run's own writer (runner/report/json_report.py), not by this
package's factory: grade reads them, finds an honest student's report clean and flags only
what the contract says (an unattended run is not graded; an edit breaks the digest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.checks.base import CheckOutcome
from runner.engines.profile import EngineProfile
from runner.grade.classroom import Result, build_classroom
from runner.grade.reading import read_report
from runner.grade.report import Report
from runner.grade.rules import file_sha256
from runner.lab.model import Lab
from runner.messages import msg
from runner.report import json_report
from runner.report.json_report import JsonReport
from runner.run import events as ev
from runner.run.credit import Attempt, TaskProgress, task_result
from runner.run.grade import final_status, grade_of
from runner.run.status import LabStatus, RunMode, StepStatus

LAB_DATA = {
    "format": 2, "id": "demo", "title": {"fr": "Démo", "en": "Demo"},
    "steps": [{"id": f"t{index}", "title": {"fr": "t", "en": f"Task {index}"},
               "explain": {"fr": "t", "en": "t"}, "task": {"solution": "docker pull memcached"},
               "checks": [{"type": "image", "name": "memcached"}]} for index in (1, 2)],
}
START = 1_800_000_000.0
PASS = CheckOutcome("pass", msg("check.image_present", name="memcached"))
FAIL = CheckOutcome("fail", msg("check.image_present", name="memcached"))


class Clock:
    """The writer's `time`: the run starts at START and ends two minutes later."""

    def __init__(self) -> None:
        self.now = START

    def time(self) -> float:
        return self.now


def call(at: float) -> dict:
    return {"time": at, "shell": "student", "method": "POST", "endpoint": "/images/create",
            "query": "fromImage=memcached", "action": "", "object": "memcached:latest",
            "decision": "forwarded", "status": 200}


def summary(lab: Lab, index: int, mode: RunMode) -> ev.StepSummary:
    """Task t1 or t2, done by the student in 30 s (interactive) or by the solution."""
    check = lab.steps[index].checks[0]
    opened = START + 10 + 40 * index
    attempt = Attempt(1, opened, opened + 30, "student" if mode == RunMode.INTERACTIVE
                      else "solution", engine_calls=(call(opened + 12),),
                      before=((check, FAIL),), checks=((check, PASS),))
    solution = "none" if mode == RunMode.INTERACTIVE else "run"
    result = task_result(TaskProgress(0, solution, [attempt]), 1, "none")
    return ev.StepSummary(lab.steps[index].id, f"Task {index + 1}", StepStatus.PASSED,
                          task=True, result=result)


def write_report(folder: Path, student: str, mode: RunMode, lab_file: Path,
                 monkeypatch) -> Path:
    lab, clock = Lab.model_validate(LAB_DATA), Clock()
    monkeypatch.setattr(json_report, "time", clock)
    profile = EngineProfile("linux", "unix:///x", "/var/lib/docker", "overlay2", "28.5.0",
                            False, engine_id=f"ENGINE-{student}", name="pc")
    path = folder / f"{student}.json"
    writer = JsonReport(path, "en", student=student)
    writer.on_event(ev.LabStarted(lab, "en", profile, "/tmp", str(lab_file), mode))
    steps = tuple(summary(lab, index, mode) for index in (0, 1))
    calls = tuple(call for step in steps for attempt in step.result.attempts
                  for call in attempt.engine_calls)
    clock.now = START + 120
    status = final_status(LabStatus.PASSED, steps, mode == RunMode.INTERACTIVE)
    writer.on_event(ev.LabFinished(lab, status, steps, 119.6, engine_calls=calls, mode=mode))
    assert grade_of(steps, 50, status).total == 2
    return path


@pytest.fixture
def lab_file(tmp_path) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(json.dumps(LAB_DATA), encoding="utf-8")
    return path


def test_an_honest_report_from_the_writer_is_read_and_not_flagged(tmp_path, lab_file,
                                                                    monkeypatch):
    report = read_report(write_report(tmp_path, "alice", RunMode.INTERACTIVE, lab_file,
                                      monkeypatch))
    assert isinstance(report, Report), report
    assert [task.credited for task in report.tasks] == [True, True]
    classroom = build_classroom([report], None, file_sha256(lab_file))
    (row,) = classroom.rows
    assert row.flags == [] and row.result is Result.PASSED


def test_an_unattended_report_from_the_writer_is_only_not_graded(tmp_path, lab_file,
                                                                 monkeypatch):
    report = read_report(write_report(tmp_path, "bot", RunMode.UNATTENDED, lab_file,
                                      monkeypatch))
    classroom = build_classroom([report], None, file_sha256(lab_file))
    assert classroom.rows[0].codes() == ["not_graded"]


def test_an_edit_to_a_writer_report_breaks_its_digest(tmp_path, lab_file, monkeypatch):
    path = write_report(tmp_path, "alice", RunMode.INTERACTIVE, lab_file, monkeypatch)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["host"] = "another-pc"
    path.write_text(json.dumps(data), encoding="utf-8")
    classroom = build_classroom([read_report(path)], None, file_sha256(lab_file))
    assert classroom.rows[0].codes() == ["digest"]


def test_a_writer_report_resealed_without_its_engine_calls_has_no_evidence(
        tmp_path, lab_file, monkeypatch):
    from runner.report.digest import report_digest

    path = write_report(tmp_path, "alice", RunMode.INTERACTIVE, lab_file, monkeypatch)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["engine_calls"] = []
    for step in data["steps"]:
        for attempt in step["result"]["attempts"]:
            attempt["engine_calls"] = []
    data["digest"] = report_digest(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    (row,) = build_classroom([read_report(path)], None, file_sha256(lab_file)).rows
    assert row.codes() == ["no_evidence"] and row.flags[0].params == {"tasks": "t1, t2"}

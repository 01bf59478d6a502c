"""A task's whole flow with a real bash and a scripted student (no Docker: `path` checks on
the lab's folder): the credit rule, hints, seeing and running the solution, quitting; the
JSON report of each run validates against schema/report.schema.json."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.report import Fanout
from runner.report.digest import report_digest
from runner.report.json_report import JsonReport
from runner.resources import data_dir
from runner.run import events as ev
from runner.run.lab_runner import LabRun, LabRunner
from runner.run.status import Decision, LabStatus
from runner.shell.student import StudentWork, with_exit_codes

pytestmark = pytest.mark.shell
PROFILE = EngineProfile("linux", "unix:///unused.sock", "/unused", "overlay2", "test", False)
SCHEMA = json.loads((data_dir("schema") / "report.schema.json").read_text(encoding="utf-8"))


def task(step_id: str, made: str, **task_keys) -> dict:
    """A task done by creating the file `made` in the lab's folder."""
    return {"id": step_id, "title": {"fr": step_id, "en": step_id},
            "explain": {"fr": "x", "en": "x"},
            "task": {"solution": f"touch {made}", **task_keys},
            "checks": [{"type": "path", "path": made, "state": "present"}]}


LAB = {"format": 2, "id": "files", "title": {"fr": "f", "en": "f"},
       "steps": [task("make-a", "a", hints=[{"fr": "touch", "en": "touch"},
                                             {"fr": "a", "en": "a"}]),
                 task("make-b", "b", points=2)]}


class Student:
    """Answers from a script: what to type at each opening of a task's shell (run in bash in
    the lab's folder), and what to answer before a step and after a failed task."""

    def __init__(self, typed: list[list[str]], before=(), after=()) -> None:
        self.typed, self.before, self.after = list(typed), list(before), list(after)

    def before_step(self, step, commands):
        return self.before.pop(0) if self.before else Decision.RUN

    def student_task(self, step, env, cwd) -> StudentWork:
        lines = self.typed.pop(0) if self.typed else []
        statuses = ["0 1.0 1"]
        for number, line in enumerate(lines, start=2):
            done = subprocess.run(["bash", "-c", line], cwd=cwd, check=False)
            statuses.append(f"{done.returncode} {number}.0 {number}")
        return StudentWork(list(lines), cwd, with_exit_codes(lines, statuses))

    def after_failed_task(self, step):
        return self.after.pop(0) if self.after else Decision.CONTINUE

    def confirm_destructive(self, step):
        return False

    def confirm_earlier_cleanup(self, pid):
        return True


def run(tmp_path: Path, student: Student, lab: dict = LAB, setup=()) -> tuple[dict, list]:
    tmp_path.mkdir(exist_ok=True)
    heard: list = []
    listener = type("Heard", (), {"on_event": lambda self, event: heard.append(event)})()
    path = tmp_path / "lab.yaml"
    path.write_text("# the lab\n", encoding="utf-8")
    report = tmp_path / "report.json"
    spec = LabRun(lab=Lab.model_validate({**lab, "setup": list(setup)}), lab_path=path,
                  profile=PROFILE, listener=Fanout(JsonReport(report, "en", "alice"), listener),
                  language="en", work_dir=tmp_path / "work", docker_factory=lambda: None,
                  environ={"PATH": "/usr/bin:/bin"}, pacer=student)
    LabRunner(spec).run()
    data = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    return data, heard


def results(data: dict) -> dict[str, dict]:
    return {step["id"]: step["result"] for step in data["steps"] if step["task"]}


def test_an_honest_student_gets_full_marks_and_every_command_is_recorded(tmp_path):
    data, _ = run(tmp_path, Student([["ls", "touch a"], ["false", "touch b"]]))
    assert data["status"] == LabStatus.PASSED and data["graded"] is True
    assert data["grade"] == {"earned": 3, "total": 3, "percent": 100.0, "pass_mark": 50,
                             "passed": True}
    a = results(data)["make-a"]
    assert (a["how"], a["credited"], a["earned"], a["reason"]) == ("student", True, 1, "")
    [attempt] = a["attempts"]
    assert [(c["text"], c["exit_code"]) for c in attempt["commands"]] == [("ls", 0),
                                                                        ("touch a", 0)]
    assert attempt["before"] == [{"type": "path", "status": "fail",
                                  "summary": attempt["before"][0]["summary"]}]
    assert [c["status"] for c in attempt["checks"]] == ["pass"]
    assert results(data)["make-b"]["attempts"][0]["commands"][0]["exit_code"] == 1
    assert data["student"] == "alice" and data["digest"] == report_digest(data)


def test_exit_at_once_where_the_state_already_holds_earns_nothing(tmp_path):
    data, _ = run(tmp_path, Student([["touch a"], []]), setup=["touch b"])
    b = results(data)["make-b"]
    assert (b["how"], b["credited"], b["earned"]) == ("student", False, 0)
    assert b["reason"].startswith("nothing to prove")
    assert data["status"] == LabStatus.INCOMPLETE
    assert (data["grade"]["earned"], data["grade"]["total"]) == (1, 3)


def test_a_hint_before_and_after_a_failure_then_a_retry(tmp_path):
    student = Student([["touch wrong"], ["touch a"], ["touch b"]], before=[Decision.HINT],
                      after=[Decision.HINT, Decision.HINT, Decision.RETRY])
    data, heard = run(tmp_path, student)
    hints = [(e.number, e.total) for e in heard if isinstance(e, ev.HintShown)]
    assert hints == [(1, 2), (2, 2), (2, 2)]  # the last one again: two hints counted
    a = results(data)["make-a"]
    assert (a["how"], a["hints"], a["credited"], len(a["attempts"])) == ("hints", 2, True, 2)
    assert data["status"] == LabStatus.PASSED


def test_seeing_the_solution_earns_the_labs_solution_points(tmp_path):
    student = Student([[], ["touch a"], ["touch b"]],
                      after=[Decision.SHOW_SOLUTION, Decision.RETRY])
    data, heard = run(tmp_path, student)
    assert [e.commands for e in heard if isinstance(e, ev.SolutionShown)] == [("touch a",)]
    a = results(data)["make-a"]
    assert (a["how"], a["solution"], a["credited"], a["earned"]) == ("solution", "shown",
                                                                     False, 0)
    assert data["status"] == LabStatus.INCOMPLETE and data["grade"]["earned"] == 2
    full = dict(LAB, grading={"solution_points": "full"})
    assert run(tmp_path / "full", Student([[], ["touch a"], ["touch b"]],
                                 after=[Decision.SHOW_SOLUTION, Decision.RETRY]),
               full)[0]["grade"]["earned"] == 3


def test_running_the_solution_is_an_attempt_by_the_solution(tmp_path):
    data, heard = run(tmp_path, Student([[], ["touch b"]], after=[Decision.RUN_SOLUTION]))
    assert any(isinstance(e, ev.SolutionRun) for e in heard)
    a = results(data)["make-a"]
    assert (a["how"], a["solution"], a["earned"]) == ("solution", "run", 0)
    assert [(t["by"], [c["text"] for c in t["commands"]]) for t in a["attempts"]] == [
        ("student", []), ("solution", ["touch a"])]
    assert data["steps"][0]["status"] == "passed" and data["status"] == LabStatus.INCOMPLETE
    assert [c["status"] for c in data["steps"][0]["checks"]] == ["pass"], "the solution's"


def test_quitting_after_the_first_task_is_graded_over_every_task(tmp_path):
    data, _ = run(tmp_path, Student([["touch a"]], before=[Decision.RUN, Decision.QUIT]))
    assert data["status"] == LabStatus.QUIT
    assert results(data)["make-b"]["how"] == "not_reached"
    assert data["grade"] == {"earned": 1, "total": 3, "percent": 33.3, "pass_mark": 50,
                             "passed": False}


def test_skipping_a_task_and_leaving_one_undone(tmp_path):
    data, _ = run(tmp_path, Student([[]], before=[Decision.SKIP]))
    assert [r["how"] for r in results(data).values()] == ["skipped", "skipped"]
    assert data["status"] == LabStatus.FAILED  # make-b was left failing
    assert data["grade"]["earned"] == 0


def test_labrunner_test_does_not_pre_check_a_precondition(tmp_path):
    lab = dict(LAB, steps=[dict(LAB["steps"][0], checks=[
        {"type": "path", "path": "a", "state": "present"},
        {"type": "path", "path": "base", "state": "present", "precondition": True}])])
    heard: list = []
    spec = LabRun(lab=Lab.model_validate({**lab, "setup": ["touch base"]}),
                  lab_path=tmp_path / "lab.yaml", profile=PROFILE,
                  listener=type("Heard", (), {"on_event": lambda s, e: heard.append(e)})(),
                  language="en", work_dir=tmp_path / "work", docker_factory=lambda: None,
                  environ={"PATH": "/usr/bin:/bin"}, pre_checks=True)
    LabRunner(spec).run()
    assert [e.check.path for e in heard if isinstance(e, ev.PreCheckEvaluated)] == ["a"]

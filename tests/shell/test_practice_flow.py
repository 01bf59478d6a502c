"""A practice step's whole flow with a real lab shell and a scripted student (no Docker: the
lab's `docker` is a shell function): preparation shown once, output checks reading the
commands typed last, graded hints, the solution after the preparation, one history file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.lab.practice import practice_lab
from runner.report import Fanout
from runner.report.json_report import JsonReport
from runner.run import events as ev
from runner.run.lab_runner import LabRun, LabRunner
from runner.run.status import Decision
from runner.shell.student import StudentWork, with_exit_codes

pytestmark = pytest.mark.shell


@pytest.fixture(autouse=True)
def no_engine_evidence(monkeypatch):
    """The lab's `docker` here is a shell function that never reaches an engine, so the
    engine_call checks practice adds could never pass: these tests are about the flow."""
    monkeypatch.setattr("runner.lab.practice.with_evidence", lambda checks, commands: checks)
PROFILE = EngineProfile("linux", "unix:///unused.sock", "/unused", "overlay2", "test", False)


def step(step_id: str, run: list[str], checks: list[dict]) -> dict:
    return {"id": step_id, "title": {"fr": step_id, "en": step_id},
            "explain": {"fr": "x", "en": "x"}, "run": run, "checks": checks}


HISTORY = step("history", ["echo ready > prepared.txt", "docker history web"],
               [{"type": "output", "exit_code": 0, "contains": "IMAGE"}])
TAG = step("tag", ["docker tag a b", "docker image ls"],
           [{"type": "output", "command": 1, "exit_code": 0},
            {"type": "output", "regex": "^b$"}])
# The lab's docker, for the solution: prints a history header, or its arguments.
SETUP = ["""docker() { if [ "$1" = history ]; then echo "IMAGE CREATED"; else echo "$@"; fi; }"""]


class Student:
    """Each opening of a task's shell: (typed lines, their outputs, their exit codes)."""

    def __init__(self, attempts, before=(), after=()) -> None:
        self.attempts, self.before, self.after = list(attempts), list(before), list(after)
        self.shells = []

    def before_step(self, step, commands):
        return self.before.pop(0) if self.before else Decision.RUN

    def student_task(self, step, env, cwd, shell=None) -> StudentWork:
        self.shells.append(shell)
        typed, outputs, codes = self.attempts.pop(0)
        shell.history.write_text("".join(f"{line}\n" for line in typed), encoding="utf-8")
        statuses = [f"{code} {n}.0 {n}" for n, code in enumerate([0, *codes], start=1)]
        return StudentWork(typed, cwd, with_exit_codes(typed, statuses), tuple(outputs))

    def after_failed_task(self, step):
        return self.after.pop(0) if self.after else Decision.CONTINUE

    def confirm_destructive(self, step):
        return False

    def confirm_earlier_cleanup(self, pid):
        return True


def run(tmp_path: Path, student: Student, steps: list[dict]) -> tuple[dict, list]:
    tmp_path.mkdir(exist_ok=True)
    heard: list = []
    listener = type("Heard", (), {"on_event": lambda self, event: heard.append(event)})()
    path = tmp_path / "lab.yaml"
    path.write_text("# the lab\n", encoding="utf-8")
    lab = Lab.model_validate({"format": 2, "id": "p", "title": {"fr": "p", "en": "p"},
                              "setup": SETUP, "steps": steps})
    report = tmp_path / "report.json"
    spec = LabRun(lab=practice_lab(lab), lab_path=path, profile=PROFILE,
                  listener=Fanout(JsonReport(report, "en", "bob"), listener), language="en",
                  work_dir=tmp_path / "work", docker_factory=lambda: None,
                  environ={"PATH": "/usr/bin:/bin"}, pacer=student)
    LabRunner(spec).run()
    return json.loads(report.read_text(encoding="utf-8")), heard


def result(data: dict, step_id: str) -> dict:
    return next(s["result"] for s in data["steps"] if s["id"] == step_id)


def test_a_wrong_command_two_hints_then_the_right_one_is_credited_with_hints(tmp_path):
    student = Student([(["docker histroy web"], ["unknown command"], [1]),
                       (["ls", "docker history web"], ["prepared.txt", "IMAGE  CREATED"],
                        [0, 0])],
                      after=[Decision.HINT, Decision.HINT, Decision.RETRY])
    data, heard = run(tmp_path, student, [HISTORY])
    hints = [e.text.en for e in heard if isinstance(e, ev.HintShown)]
    assert hints == ["You need a `docker history …` command here.",
                     "Fill in the blanks:\n\n    docker history ____"]
    history = result(data, "history")
    assert (history["how"], history["hints"], history["credited"]) == ("hints", 2, True)
    assert data["steps"][0]["status"] == "passed"
    # the preparation ran once, shown, before the shell first opened
    shown = [e.command for e in heard if isinstance(e, ev.CommandStarted)]
    assert shown == ["echo ready > prepared.txt"]
    first_open = next(i for i, e in enumerate(heard) if isinstance(e, ev.TaskOpened))
    assert any(isinstance(e, ev.CommandFinished) for e in heard[:first_open])
    assert (tmp_path / "work" / "prepared.txt").is_file()
    # one history file for both attempts, captured output asked for, removed at the end
    first, second = student.shells
    assert first.history == second.history and first.capture
    assert not first.history.parent.exists()


def test_the_wrong_command_alone_fails_the_output_check_with_its_exit_code(tmp_path):
    student = Student([(["docker histroy web"], ["unknown command"], [1])])
    data, _ = run(tmp_path, student, [HISTORY])
    [check] = data["steps"][0]["checks"]
    assert (check["status"], check["summary"]) == ("fail", "output of `docker histroy web`")
    assert [(p["expected"], p["actual"]) for p in check["problems"]] == [
        ("0", "1"), ("IMAGE", "unknown command")]
    assert result(data, "history")["how"] == "skipped"


def test_running_the_solution_runs_only_what_follows_the_preparation(tmp_path):
    student = Student([([], [], [])], after=[Decision.RUN_SOLUTION])
    data, heard = run(tmp_path, student, [HISTORY])
    shown = [e.command for e in heard if isinstance(e, ev.CommandStarted)]
    assert shown == ["echo ready > prepared.txt", "docker history web"]
    assert data["steps"][0]["status"] == "passed"
    assert result(data, "history")["how"] == "solution"


def test_output_checks_read_the_commands_typed_last_one_per_solution_command(tmp_path):
    explored = (["docker ps", "docker tag a b", "docker image ls"], ["", "", "a\nb"],
                [0, 0, 0])
    data, _ = run(tmp_path, Student([explored]), [TAG])
    assert [c["status"] for c in data["steps"][0]["checks"]] == ["pass", "pass"]
    data, _ = run(tmp_path / "short", Student([(["docker tag a b"], [""], [0])]), [TAG])
    assert data["steps"][0]["status"] == "failed"  # the listing was never typed


def test_what_the_preparation_leaves_earns_nothing_when_the_student_types_nothing(tmp_path):
    """A check the preparation already made true is a precondition: it proves nothing of the
    student's, so a student who types nothing is not credited (reviewer's finding)."""
    prepared = step("prepared", ["echo ready > prepared.txt", "docker history web"],
                    [{"type": "path", "path": "prepared.txt"}])
    student = Student([([], [], [])])
    data, _ = run(tmp_path, student, [prepared])
    outcome = result(data, "prepared")
    assert (outcome["how"], outcome["credited"], outcome["earned"]) == ("student", False, 0)

"""Scripted students on manage-images-exercise through the real CLI on a pseudo-terminal, on
the sandbox engine: the grade credits only a change the student made. An honest student gets
full marks; one who leaves every task at once earns nothing (the "remove both images" task
has nothing to prove: the images were never there); one who runs a task's solution gets the
lab's solution points for it and the status `incomplete` (exit 4); one interrupted after the
first task is graded over every task. Every report validates against its schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pexpect

from runner.report.digest import report_digest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
HONEST = {"pull-cache": ["docker pull -q memcached"], "pull-web": ["docker pull -q httpd:2-alpine"],
          "list": ["docker image ls"], "disk-space": ["docker system df"],
          "remove": ["docker image rm memcached httpd:2-alpine"], "verify": ["docker image ls"]}
TASKS = list(HONEST)


class Student:
    """A person at the terminal of `labrunner run manage-images-exercise`."""

    def __init__(self, engine: str, env: dict, tmp_path: Path) -> None:
        self.report = tmp_path / "report.json"
        self.child = pexpect.spawn(
            sys.executable, ["-m", "runner", "run", "manage-images-exercise", "--lang", "en",
                             "--reporter", "plain", "--engine", engine, "--student", "alice",
                             "--workdir", str(tmp_path / "work"), "--report", str(self.report)],
            cwd=str(ROOT), env=dict(env, HOME=str(tmp_path)), encoding="utf-8", timeout=90,
            dimensions=(40, 150))

    def open_task(self, task: str) -> None:
        self.child.expect_exact("Your turn: Enter opens a shell")
        self.child.sendline("")
        self.child.expect_exact(f"(task {task}")

    def type_and_leave(self, task: str, commands: list[str]) -> None:
        for command in commands:
            self.child.sendline(command)
            self.child.expect_exact(f"(task {task}")
        self.child.sendline("exit")

    def do(self, task: str, commands: list[str]) -> None:
        self.open_task(task)
        self.type_and_leave(task, commands)
        self.child.expect_exact("Task done by you: 1 of 1 point.")

    def finish(self) -> tuple[int, dict]:
        self.child.expect(pexpect.EOF)
        self.child.close()
        data = json.loads(self.report.read_text(encoding="utf-8"))
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
        assert data["digest"] == report_digest(data)
        return self.child.exitstatus, data


def results(data: dict) -> dict[str, dict]:
    return {step["id"]: step["result"] for step in data["steps"]}


def test_an_honest_student_gets_full_marks(sandbox_engine, clean_engine, docker_env, tmp_path):
    student = Student(sandbox_engine.docker_host, docker_env, tmp_path)
    for task, commands in HONEST.items():
        student.do(task, commands)
    student.child.expect_exact("Grade: 6 of 6 points (100 %), pass mark 50 %: passed.")
    code, data = student.finish()
    assert code == 0 and data["status"] == "passed"
    assert data["grade"] == {"earned": 6, "total": 6, "percent": 100.0, "pass_mark": 50,
                             "passed": True}
    assert {r["how"] for r in results(data).values()} == {"student"}
    assert (data["student"], data["mode"], data["graded"]) == ("alice", "interactive", True)
    assert data["engine"]["sandbox"] is True and data["engine"]["id"]
    pull = results(data)["pull-cache"]["attempts"][0]
    assert pull["before"][0]["status"] == "fail" and pull["checks"][0]["status"] == "pass"
    assert any(call["shell"] == "student" and call["method"] == "POST"
               and call["endpoint"].startswith("/images/create") for call in pull["engine_calls"])
    assert all(call["shell"] == "student" for call in pull["engine_calls"])


def test_leaving_every_task_at_once_earns_nothing(sandbox_engine, clean_engine, docker_env,
                                                 tmp_path):
    student = Student(sandbox_engine.docker_host, docker_env, tmp_path)
    for task in TASKS:
        student.open_task(task)
        student.type_and_leave(task, [])
        # The images were never there: "remove"'s state checks pass at once and prove
        # nothing (a lab that also asks for the engine's evidence fails it instead).
        if student.child.expect_exact(["Not yet. r: try again",
                                       "No credit for this task — nothing to prove"]) == 0:
            student.child.sendline("")  # Enter: go on
    code, data = student.finish()
    remove = results(data)["remove"]
    assert remove["credited"] is False and remove["earned"] == 0
    assert remove["attempts"][0]["commands"] == []
    [before] = [b for b in remove["attempts"][0]["before"] if b["type"] == "image"][:1]
    assert before["status"] == "pass", "the images were absent when the task opened"
    if data["steps"][TASKS.index("remove")]["status"] == "passed":
        assert (remove["how"], remove["reason"][:16]) == ("student", "nothing to prove")
    assert data["grade"]["earned"] == 0 and data["grade"]["passed"] is False
    assert code == 1 and data["status"] == "failed"


def test_running_the_solution_of_one_task_earns_its_solution_points(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    student = Student(sandbox_engine.docker_host, docker_env, tmp_path)
    student.open_task("pull-cache")
    student.type_and_leave("pull-cache", [])
    student.child.expect_exact("x: run the solution")
    student.child.sendline("x")
    student.child.expect_exact("Running the solution in the lab's shell")
    student.child.expect_exact("$ docker pull memcached")
    student.child.expect_exact("No credit for this task — done by the solution (0 points)")
    for task, commands in list(HONEST.items())[1:]:
        student.do(task, commands)
    student.child.expect_exact("Grade: 5 of 6 points (83.3 %)")
    code, data = student.finish()
    pull = results(data)["pull-cache"]
    assert (pull["how"], pull["solution"], pull["points"], pull["earned"]) == (
        "solution", "run", 1, 0)
    assert [a["by"] for a in pull["attempts"]] == ["student", "solution"]
    assert all(call["shell"] == "lab" for call in pull["attempts"][1]["engine_calls"])
    assert (data["grade"]["earned"], data["grade"]["total"]) == (5, 6)
    assert code == 4 and data["status"] == "incomplete"


def test_interrupted_after_the_first_task_is_graded_over_every_task(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    student = Student(sandbox_engine.docker_host, docker_env, tmp_path)
    student.do("pull-cache", HONEST["pull-cache"])
    student.child.expect_exact("Your turn: Enter opens a shell")
    student.child.sendline("q")  # the student stops here (Ctrl-C: test_run_endings_on_the_engine)
    code, data = student.finish()
    assert code == 5 and data["status"] == "quit"  # q; Ctrl-C would be 130, "interrupted"
    assert [r["how"] for r in results(data).values()] == ["student"] + ["not_reached"] * 5
    assert data["grade"] == {"earned": 1, "total": 6, "percent": 16.7, "pass_mark": 50,
                             "passed": False}

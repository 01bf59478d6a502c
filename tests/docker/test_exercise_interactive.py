"""A student doing the exercise through the real CLI on a terminal: Enter opens their own
shell, what they type there is checked from the real state, a failed task can be retried."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]


def test_a_student_does_a_task_fails_one_retries_and_gets_a_graded_report(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    report = tmp_path / "report.json"
    child = pexpect.spawn(
        sys.executable, ["-m", "runner", "run", "manage-images-exercise", "--lang", "en",
                         "--reporter", "plain", "--engine", sandbox_engine.docker_host,
                         "--workdir", str(tmp_path / "work"), "--report", str(report)],
        cwd=str(ROOT), env=dict(docker_env, HOME=str(tmp_path)), encoding="utf-8",
        timeout=60, dimensions=(40, 150))
    # Task 1: the solution is not shown; Enter opens the student's shell.
    child.expect_exact("Your turn: Enter opens a shell")
    assert "docker pull memcached" not in child.before
    child.sendline("")
    child.expect_exact("(task pull-cache")
    child.sendline("docker pull -q memcached")
    child.expect_exact("(task pull-cache")
    child.sendline("exit")
    child.expect_exact("PASS image memcached is present")
    # Task 2: the student pulls the wrong tag, is told, tries again.
    child.expect_exact("Your turn: Enter opens a shell")
    child.sendline("")
    child.expect_exact("(task pull-web")
    child.sendline("docker pull -q httpd:2")
    child.expect_exact("(task pull-web")
    child.sendline("exit")
    child.expect_exact("FAIL image httpd:2-alpine is present")
    child.expect_exact("r: try again")
    child.sendline("r")
    child.expect_exact("(task pull-web")
    child.sendline("docker pull -q httpd:2-alpine")
    child.expect_exact("(task pull-web")
    child.sendline("exit")
    child.expect_exact("PASS image httpd:2-alpine is present")
    # Then the student stops: cleanup runs, the report has the grade so far.
    child.expect_exact("Your turn: Enter opens a shell")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 5  # q: quit (130 is Ctrl-C)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["status"] == "quit"
    steps = {step["id"]: step for step in data["steps"]}
    [first] = steps["pull-cache"]["result"]["attempts"]
    assert [(c["text"], c["exit_code"]) for c in first["commands"]] == [
        ("docker pull -q memcached", 0)]
    assert len(steps["pull-web"]["result"]["attempts"]) == 2
    assert {c["status"] for c in steps["pull-web"]["checks"]} == {"pass"}, "last try counts"
    assert steps["list"]["status"] == "not_run"
    assert data["grade"] == {"earned": 2, "total": 6, "percent": 33.3, "pass_mark": 50,
                             "passed": False}

"""A student practises manage-images with --practice through a real terminal, in French and
in English: they type the demonstration's commands themselves, get a wrong one refused by
the checks, ask for two hints (the nudge, then the command with blanks), recall their wrong
command with the up arrow, type the right one, and the task is credited "with hints"."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pexpect
import pytest

from runner.i18n import t
from runner.lab.loader import load_lab, resolve_lab
from runner.lab.practice import practice_lab

ROOT = Path(__file__).resolve().parents[2]
UP = "\x1b[A"
CLEAR_LINE = "\x15"  # Ctrl-U


def history_hints(language: str) -> list[str]:
    lab = practice_lab(load_lab(resolve_lab("manage-images")))
    step = next(s for s in lab.steps if s.id == "history")
    return [hint.get(language).strip() for hint in step.task.hints]


def do_task(child: pexpect.spawn, language: str, step_id: str, *lines: str) -> None:
    """Enter at the task's prompt, type `lines` in the student's shell, leave it."""
    label = "(" + t("report.task_prompt_label", language, id=step_id)
    child.expect_exact(t("report.prompt_task_hints", language)[:20])
    child.sendline("")
    for line in lines:
        child.expect_exact(label)
        child.sendline(line)
    child.expect_exact(label)
    child.sendline("exit")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_student_practises_with_a_wrong_command_two_hints_then_the_right_one(
        language, sandbox_engine, clean_engine, docker_env, tmp_path):
    report, temp = tmp_path / "report.json", tmp_path / "t"
    temp.mkdir()
    child = pexpect.spawn(
        sys.executable, ["-m", "runner", "run", "manage-images", "--practice",
                         "--lang", language, "--reporter", "plain",
                         "--engine", sandbox_engine.docker_host,
                         "--workdir", str(tmp_path / "work"), "--report", str(report)],
        cwd=str(ROOT), env=dict(docker_env, HOME=str(tmp_path), TMPDIR=str(temp)), encoding="utf-8",
        timeout=90, dimensions=(40, 150))
    credited = t("report.task_credited", language, earned=1, points=1)
    do_task(child, language, "pull", "docker pull -q nginx")
    child.expect_exact(credited)
    do_task(child, language, "list", "docker image ls")
    child.expect_exact(credited)  # its output check read what the student's shell printed
    do_task(child, language, "history", "docker histroy nginx")
    child.expect_exact(t("report.prompt_task_failed_hints", language)[:20])
    nudge, blanks = history_hints(language)
    child.sendline("h")
    child.expect_exact(t("report.hint", language, number=1, total=2, text=nudge))
    child.sendline("h")
    child.expect_exact("docker history ____")
    assert "docker history nginx" not in child.before, "the solution stays behind v and x"
    child.sendline("r")
    child.expect_exact("(" + t("report.task_prompt_label", language, id="history"))
    child.send(UP)  # the first attempt's command comes back
    child.expect_exact("docker histroy nginx")
    child.send(CLEAR_LINE + "docker history nginx\r")
    child.expect_exact("(" + t("report.task_prompt_label", language, id="history"))
    child.sendline("exit")
    child.expect_exact(credited)
    child.expect_exact(t("report.prompt_task_hints", language)[:20])  # the tag step
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    data = json.loads(report.read_text(encoding="utf-8"))
    results = {step["id"]: step["result"] for step in data["steps"] if step.get("result")}
    history = results["history"]
    assert (history["how"], history["hints"], history["credited"]) == ("hints", 2, True)
    assert [[c["text"] for c in a["commands"]] for a in history["attempts"]] == [
        ["docker histroy nginx"], ["docker history nginx"]]
    assert [c["exit_code"] for a in history["attempts"] for c in a["commands"]] == [1, 0]
    assert (results["pull"]["how"], results["list"]["how"]) == ("student", "student")
    assert results["tag"]["how"] == "not_reached"
    assert not list(temp.glob("labrunner-task-*")), "the task shells' folders are removed"

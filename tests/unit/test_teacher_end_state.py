"""`labrunner check`'s verdict on one task from its end-state checks: credit needs a check
that passes and none that fails; a task whose checks were all skipped on this engine (a path
on a disk not visible from here) is not checked, with the reason, never credited."""

from __future__ import annotations

from runner.checks.base import CheckOutcome
from runner.lab.loader import load_lab, resolve_lab
from runner.messages import msg
from runner.run.status import CheckStatus
from runner.teacher.check_report import _step
from runner.teacher.end_state import StepEndState

LAB = load_lab(resolve_lab("build-image-exercise"))
TASK = next(step for step in LAB.steps if step.is_task)
CHECK = TASK.checks[0]


def outcome(status: CheckStatus, summary: str) -> CheckOutcome:
    return CheckOutcome(status, msg("teacher.not_in_end_state", checks=summary))


def step_of(*statuses: CheckStatus) -> dict:
    verdicts = tuple((CHECK, outcome(status, f"check {index}"))
                     for index, status in enumerate(statuses))
    return _step(StepEndState(TASK, True, verdicts), "en")


def test_end_state_checks_all_skipped_are_not_checked_and_say_why():
    step = step_of(CheckStatus.SKIP, CheckStatus.SKIP)
    result = step["result"]
    assert (step["status"], result["how"], result["credited"], result["points"]) == (
        "skipped", "not_checked", False, 0)
    assert result["reason"].startswith(
        "its end-state checks cannot be evaluated on this engine: ")
    assert "check 0" in result["reason"] and "check 1" in result["reason"]


def test_a_pass_beside_skips_is_credited_and_a_fail_is_not():
    held = step_of(CheckStatus.SKIP, CheckStatus.PASS)
    assert (held["status"], held["result"]["credited"]) == ("passed", True)
    failed = step_of(CheckStatus.PASS, CheckStatus.SKIP, CheckStatus.FAIL)
    assert (failed["status"], failed["result"]["how"], failed["result"]["credited"]) == (
        "failed", "checked", False)


def test_a_task_without_end_state_checks_is_still_not_checkable_from_outside():
    result = _step(StepEndState(TASK, True, ()), "en")["result"]
    assert result["how"] == "not_checked" and "no end-state check" in result["reason"]


def test_check_prints_why_a_task_was_not_checked(capsys):
    from runner.commands.check import _print

    skipped, plain = step_of(CheckStatus.SKIP), _step(StepEndState(TASK, True, ()), "en")
    report = {"lab": {"title": "Lab"}, "engine": {"name": "pc-12", "id": "x"},
              "student": "ana", "steps": [skipped, plain], "engine_calls": [],
              "grade": {"earned": 0, "total": 0, "percent": None}}
    _print(report, "en")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].endswith(": not checked: its end-state checks cannot be evaluated on "
                             "this engine: not in the end state: check 0")
    assert lines[2].endswith(": not checkable from outside")

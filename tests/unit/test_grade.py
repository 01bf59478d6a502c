"""The credit rule, how a task was done, the grade over every task and the status a run ends
with: one rule (runner/run/credit.py, runner/run/grade.py) for the summary and the report."""

from __future__ import annotations

import json

import pytest

from runner.checks.base import CheckOutcome
from runner.lab.model import Lab
from runner.messages import msg
from runner.report.json_report import JsonReport
from runner.report.text import grade_line, summary_line
from runner.run import events as ev
from runner.run.credit import (
    Attempt,
    How,
    SolutionUse,
    TaskProgress,
    credit_refusal,
    not_reached,
    task_result,
)
from runner.run.grade import final_status, grade_of
from runner.run.status import LabStatus, RunMode, StepStatus

LAB = Lab.model_validate({
    "format": 2, "id": "demo", "title": {"fr": "d", "en": "d"},
    "steps": [{"id": "t", "title": {"fr": "t", "en": "t"}, "explain": {"fr": "t", "en": "t"},
               "task": {"solution": "docker pull memcached"},
               "checks": [{"type": "image", "name": "memcached"},
                          {"type": "image", "name": "busybox", "precondition": True},
                          {"type": "image", "name": "alpine", "pre": "skip",
                           "pre_reason": {"fr": "r", "en": "r"}},
                          {"type": "typed", "regex": "docker"}]}],
})
IMAGE, PRECONDITION, PRE_SKIP, TYPED = LAB.steps[0].checks
PASS = CheckOutcome("pass", msg("check.image_present", name="memcached"))
FAIL = CheckOutcome("fail", msg("check.image_present", name="memcached"))
SKIP = CheckOutcome("skip", msg("check.image_present", name="memcached"))


def attempt(before, after, by: str = "student") -> Attempt:
    return Attempt(1, 100.0, 160.0, by, before=tuple(before), checks=tuple(after))


def progress(before, after, hints: int = 0, solution=SolutionUse.NONE) -> TaskProgress:
    return TaskProgress(hints, solution, [attempt(before, after)])


# --- the credit rule -----------------------------------------------------------------------------

def test_false_when_the_task_opened_and_true_when_it_closed_is_credited():
    assert credit_refusal([(IMAGE, FAIL), (TYPED, None)], [(IMAGE, PASS), (TYPED, PASS)]) is None


def test_a_check_that_already_held_when_the_task_opened_proves_nothing():
    refusal = credit_refusal([(IMAGE, PASS)], [(IMAGE, PASS)])
    assert refusal.key == "report.credit_nothing_to_prove"
    assert "already held when the task opened" in refusal.text("en")


@pytest.mark.parametrize("check", [PRECONDITION, PRE_SKIP], ids=["precondition", "pre: skip"])
def test_a_precondition_may_hold_at_the_opening_but_must_hold_at_the_close(check):
    before, after = [(IMAGE, FAIL), (check, PASS)], [(IMAGE, PASS), (check, PASS)]
    assert credit_refusal(before, after) is None
    refusal = credit_refusal(before, [(IMAGE, PASS), (check, FAIL)])
    assert refusal.key == "report.credit_not_done"


def test_a_failing_check_at_the_close_is_not_done():
    assert credit_refusal([(IMAGE, FAIL)], [(IMAGE, FAIL)]).key == "report.credit_not_done"


def test_only_preconditions_or_only_skipped_checks_prove_no_change():
    assert credit_refusal([(PRECONDITION, PASS)], [(PRECONDITION, PASS)]).key \
        == "report.credit_nothing_checked"
    assert credit_refusal([(IMAGE, SKIP)], [(IMAGE, SKIP)]).key == "report.credit_nothing_checked"


# --- how it was done and what it earns ----------------------------------------------------------

CHANGED = ([(IMAGE, FAIL)], [(IMAGE, PASS)])


@pytest.mark.parametrize(("work", "how", "credited", "earned"), [
    (progress(*CHANGED), How.STUDENT, True, 2),
    (progress(*CHANGED, hints=2), How.HINTS, True, 2),
    (progress(*CHANGED, solution=SolutionUse.SHOWN), How.SOLUTION, False, 0),
    (progress(*CHANGED, solution=SolutionUse.RUN), How.SOLUTION, False, 0),
    (progress([(IMAGE, FAIL)], [(IMAGE, FAIL)]), How.SKIPPED, False, 0),
    (progress([(IMAGE, PASS)], [(IMAGE, PASS)]), How.STUDENT, False, 0),
    (TaskProgress(), How.SKIPPED, False, 0),
])
def test_how_a_task_was_done_and_what_it_earns(work, how, credited, earned):
    result = task_result(work, points=2, solution_points="none")
    assert (result.how, result.credited, result.earned, result.points) == (how, credited,
                                                                           earned, 2)
    assert (result.reason is None) == credited


def test_the_lab_may_give_a_solution_its_full_points_when_it_changed_the_state():
    assert task_result(progress(*CHANGED, solution=SolutionUse.RUN), 3, "full").earned == 3
    nothing = progress([(IMAGE, PASS)], [(IMAGE, PASS)], solution=SolutionUse.RUN)
    assert task_result(nothing, 3, "full").earned == 0


def test_the_first_opening_is_the_before_of_the_rule_and_the_last_close_the_after():
    half_done = attempt([(IMAGE, FAIL)], [(IMAGE, FAIL)])
    finished = attempt([(IMAGE, PASS)], [(IMAGE, PASS)])  # done in between: held at reopening
    result = task_result(TaskProgress(attempts=[half_done, finished]), 1, "none")
    assert result.credited and len(result.attempts) == 2


def test_a_skipped_task_keeps_its_hints_and_a_task_not_reached_earns_nothing():
    skipped = task_result(TaskProgress(hints=1), 1, "none", skipped=True)
    assert (skipped.how, skipped.hints, skipped.earned) == (How.SKIPPED, 1, 0)
    assert (not_reached(4).how, not_reached(4).points, not_reached(4).earned) == (
        How.NOT_REACHED, 4, 0)


# --- the grade and the status -------------------------------------------------------------------

def summary(step_id: str, status: str, result=None, applies: bool = True) -> ev.StepSummary:
    return ev.StepSummary(step_id, step_id, status, task=result is not None, applies=applies,
                          result=result)


def credited(points: int = 1):
    return task_result(progress(*CHANGED), points, "none")


def test_the_total_counts_every_task_that_applies_reached_or_not():
    steps = (summary("a", "passed", credited(2)), summary("b", "not_run", not_reached(1)),
             summary("c", "skipped", task_result(TaskProgress(), 1, "none", skipped=True)),
             summary("d", "skipped", not_reached(5), applies=False), summary("e", "passed"))
    grade = grade_of(steps, 50, LabStatus.INTERRUPTED)
    assert (grade.earned, grade.total, grade.percent, grade.passed) == (2, 4, 50.0, True)
    assert grade_of(steps, 51, LabStatus.PASSED).passed is False


def test_a_lab_without_tasks_has_no_percent_and_passes_with_its_steps():
    steps = (summary("a", "passed"),)
    assert grade_of(steps, 50, LabStatus.PASSED).as_dict() == {
        "earned": 0, "total": 0, "percent": None, "pass_mark": 50, "passed": True}
    assert grade_of(steps, 50, LabStatus.FAILED).passed is False


@pytest.mark.parametrize(("results", "status", "graded", "final"), [
    ((credited(),), LabStatus.PASSED, True, LabStatus.PASSED),
    ((credited(), task_result(TaskProgress(), 1, "none", skipped=True)), LabStatus.PASSED,
     True, LabStatus.INCOMPLETE),
    ((task_result(progress(*CHANGED, solution=SolutionUse.RUN), 1, "none"),),
     LabStatus.PASSED, True, LabStatus.INCOMPLETE),
    ((task_result(progress(*CHANGED, solution=SolutionUse.RUN), 1, "none"),),
     LabStatus.PASSED, False, LabStatus.PASSED),  # unattended: a demonstration
    ((credited(),), LabStatus.FAILED, True, LabStatus.FAILED),
    ((not_reached(1),), LabStatus.INTERRUPTED, True, LabStatus.INTERRUPTED),
])
def test_the_status_tells_the_truth(results, status, graded, final):
    steps = tuple(summary(str(i), "passed", r) for i, r in enumerate(results))
    assert final_status(status, steps, graded) == final


def finished(status: str, *steps: ev.StepSummary, mode=RunMode.INTERACTIVE) -> ev.LabFinished:
    return ev.LabFinished(lab=LAB, status=status, steps=steps, mode=mode, pass_mark=60)


def test_the_text_says_points_and_pass_mark_or_not_graded():
    steps = (summary("a", "passed", credited(2)), summary("b", "skipped", not_reached(1)))
    assert grade_line(finished("incomplete", *steps), "en") == (
        "Grade: 2 of 3 points (66.7 %), pass mark 60 %: passed.")
    assert grade_line(finished("passed", *steps, mode=RunMode.UNATTENDED), "en").startswith(
        "Not graded: an unattended run")
    assert "2 points sur 3" in grade_line(finished("incomplete", *steps), "fr")
    assert grade_line(finished("passed", summary("a", "passed")), "en") is None
    closing = summary_line(finished("incomplete", *steps), {}, "en")
    assert closing.startswith("No step failed, but 1 of 2 tasks earned no credit")


def test_the_json_grade_is_the_same_rule(tmp_path):
    path = tmp_path / "report.json"
    steps = (summary("a", "passed", credited(2)), summary("b", "not_run", not_reached(2)))
    JsonReport(path, "en").on_event(finished(LabStatus.INTERRUPTED, *steps))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["grade"] == {"earned": 2, "total": 4, "percent": 50.0, "pass_mark": 60,
                             "passed": False}
    assert data["graded"] is True and data["steps"][1]["result"]["how"] == "not_reached"
    assert [s["status"] for s in data["steps"]] == [StepStatus.PASSED, StepStatus.NOT_RUN]


def test_every_status_has_its_exit_code_and_incomplete_is_distinct_from_passed_and_failed():
    from runner.commands.run import EXIT_BY_STATUS

    assert set(EXIT_BY_STATUS) == set(LabStatus)
    assert EXIT_BY_STATUS[LabStatus.INCOMPLETE] not in (EXIT_BY_STATUS[LabStatus.PASSED],
                                                       EXIT_BY_STATUS[LabStatus.FAILED])
    from runner.errors import EngineUnreachable, UsageError

    # Nor may it be taken for bad input (2) or an engine that does not answer (3).
    assert EXIT_BY_STATUS[LabStatus.INCOMPLETE] not in (UsageError.exit_code,
                                                       EngineUnreachable.exit_code)

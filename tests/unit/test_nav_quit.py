"""`q` has a status and an exit code of its own; the summary of a run that stopped early lists
every step; the JSON report keeps a step's latest verdicts when it ran again and marks the
steps that were only replayed, and still validates against its schema."""

from __future__ import annotations

import io
import json

import jsonschema
import pytest
from rich.console import Console

from runner.checks.base import CheckOutcome
from runner.engines.profile import EngineProfile
from runner.i18n import t
from runner.lab.model import Lab
from runner.messages import msg
from runner.report.console import RichReporter
from runner.report.json_report import JsonReport
from runner.report.plain import PlainReporter
from runner.resources import data_dir
from runner.run import events as ev
from runner.run.status import CheckStatus, LabStatus, RunMode, StepStatus
from runner.run.step_outcomes import StepOutcomes, summary_of

SCHEMA = json.loads((data_dir("schema") / "report.schema.json").read_text(encoding="utf-8"))
T = {"fr": "t", "en": "t"}
LAB = Lab.model_validate({"format": 2, "id": "demo", "title": T, "steps": [
    {"id": "one", "title": T, "explain": T, "run": "true"},
    {"id": "two", "title": T, "explain": T, "task": {"solution": "true", "points": 2}},
    {"id": "three", "title": T, "explain": T, "run": "true",
     "checks": [{"type": "output", "contains": "x"}]}]})
ONE, TWO, THREE = LAB.steps
PROFILE = EngineProfile("linux", "unix:///x.sock", "/var/lib/docker", "overlay2", "28.5.0",
                        True, sandbox=True, engine_id="ABCD:EFGH", name="pc-12")
# Taken: README "Exit codes" (4 incomplete; 129, 130, 141, 143 signals; 70 internal error).
TAKEN = {0, 1, 2, 3, 4, 70, 129, 130, 141, 143}


def test_quit_has_an_exit_code_of_its_own():
    from runner.commands.run import EXIT_BY_STATUS

    code = EXIT_BY_STATUS[LabStatus.QUIT]
    assert code == 5 and code not in TAKEN
    others = {status: value for status, value in EXIT_BY_STATUS.items() if status != "quit"}
    assert code not in others.values()


def test_every_step_is_in_the_summary_those_not_reached_as_not_run():
    outcomes = StepOutcomes("en")
    outcomes.record(1, summary_of(ONE, "en", StepStatus.PASSED, []))
    steps = outcomes.every_step([(ONE, True), (TWO, True), (THREE, True)], lambda _: None)
    assert [(s.step_id, s.status) for s in steps] == [
        ("one", "passed"), ("two", "not_run"), ("three", "not_run")]
    assert steps[1].result.how == "not_reached" and steps[1].result.points == 2


def test_a_replay_never_replaces_an_outcome_and_a_run_always_does():
    outcomes = StepOutcomes("en")
    outcomes.record(1, summary_of(ONE, "en", StepStatus.FAILED, []))
    outcomes.record_replayed(1, ONE)
    outcomes.record_replayed(2, TWO)
    assert outcomes.any_failed() and not outcomes.by_index[1].replayed
    assert outcomes.by_index[2].replayed and outcomes.by_index[2].result.earned == 0
    outcomes.record(1, summary_of(ONE, "en", StepStatus.PASSED, []))
    assert not outcomes.any_failed()


def quit_after_the_first_step() -> ev.LabFinished:
    outcomes = StepOutcomes("en")
    outcomes.record(1, summary_of(ONE, "en", StepStatus.PASSED, []))
    steps = outcomes.every_step([(ONE, True), (TWO, True), (THREE, True)], lambda _: None)
    return ev.LabFinished(LAB, LabStatus.QUIT, steps, 2.0, mode=RunMode.INTERACTIVE)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("kind", ["plain", "rich"])
def test_the_summary_after_quit_lists_every_step_and_says_the_person_quit(kind, language):
    stream = io.StringIO()
    reporter = (PlainReporter(stream, language) if kind == "plain" else
                RichReporter(stream, language, Console(file=stream, width=100)))
    reporter.on_event(quit_after_the_first_step())
    text = " ".join(stream.getvalue().split())
    assert all(f"{name}: t" in text for name in ("one", "two", "three")), text
    assert text.count(" ".join(t("report.status_not_run", language).split())) >= 2
    assert "report.final_quit" not in text and "0 of 0" not in text
    assert ("You quit: 1 of 3" if language == "en" else "Vous avez quitté le lab") in text


def check_outcome(status: str) -> CheckOutcome:
    return CheckOutcome(status, msg("check.contains", where="the output"))


def test_the_json_report_keeps_the_latest_verdicts_of_a_step_run_again(tmp_path):
    path = tmp_path / "report.json"
    report = JsonReport(path, "en", student="alice")
    report.on_event(ev.LabStarted(LAB, "en", PROFILE, str(tmp_path), "", RunMode.INTERACTIVE))
    check = THREE.checks[0]
    for status in (CheckStatus.FAIL, CheckStatus.PASS):  # run, then re-run (or back) and run
        report.on_event(ev.StepStarted(THREE, 3, 3))
        report.on_event(ev.CommandStarted(THREE, "true"))
        report.on_event(ev.CheckEvaluated(THREE, check, check_outcome(status)))
    outcomes = StepOutcomes("en")
    outcomes.record_replayed(1, ONE)
    outcomes.record_replayed(2, TWO)
    outcomes.record(3, summary_of(THREE, "en", StepStatus.PASSED, [check_outcome("pass")]))
    steps = outcomes.every_step([(ONE, True), (TWO, True), (THREE, True)], lambda _: None)
    report.on_event(ev.LabFinished(LAB, LabStatus.QUIT, steps, 1.0, mode=RunMode.INTERACTIVE))
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["status"] == "quit"
    assert [c["status"] for c in data["steps"][2]["checks"]] == ["pass"]
    assert [s.get("replayed", False) for s in data["steps"]] == [True, True, False]
    assert data["steps"][1]["result"]["how"] == "solution"
    assert (data["grade"]["earned"], data["grade"]["total"]) == (0, 2)

"""A step's verdict, with its commands run in a real bash: a failed or timed-out command
fails the step unless an output check names its exit code."""

from __future__ import annotations

import os

import pytest

from runner.lab.model import Step
from runner.run import events as ev
from runner.run.status import CheckStatus
from runner.run.step_runner import StepContext, StepRunner
from runner.shell.session import ShellSession

pytestmark = pytest.mark.shell


@pytest.fixture
def shell(tmp_path):
    session = ShellSession(env={"PATH": os.environ["PATH"]}, cwd=tmp_path)
    session.start()
    yield session
    session.close()


def run_step(shell, run: list[str], checks: list[dict] | None = None, timeout: float = 10):
    step = Step.model_validate({"id": "s", "title": {"fr": "t", "en": "t"},
                                "explain": {"fr": "e", "en": "e"}, "run": run,
                                "checks": checks or []})
    events: list[object] = []
    context = StepContext(shell, {}, None, lambda: None, events.append, None, {}, timeout,
                          lambda _: None)
    outcomes = StepRunner(context, step, run).run()
    return outcomes, [e for e in events if isinstance(e, ev.CheckEvaluated)]


def test_a_failing_command_fails_a_step_without_checks(shell):
    outcomes, evaluated = run_step(shell, ["true", "ls /no/such/place"])
    assert [o.status for o in outcomes] == [CheckStatus.FAIL]
    assert evaluated[0].outcome.summary.params["number"] == 2
    assert evaluated[0].check.type == "output"  # the JSON report names a type


def test_a_command_killed_at_its_timeout_fails_the_step(shell):
    outcomes, _ = run_step(shell, ["sleep 30"], timeout=1)
    assert [o.summary.key for o in outcomes] == ["check.command_timed_out"]


def test_an_exit_code_the_lab_expects_passes(shell):
    outcomes, _ = run_step(shell, ["ls /no/such/place"], [{"type": "output", "exit_code": 2}])
    assert [o.status for o in outcomes] == [CheckStatus.PASS]


def test_successful_commands_pass_a_step_without_checks(shell):
    assert run_step(shell, ["true", "echo hi"])[0] == []

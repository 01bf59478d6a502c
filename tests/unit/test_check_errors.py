"""A check that cannot look (the engine errs, the helper container is gone) fails, saying
why in the reader's language; it never ends the run as an internal error."""

from __future__ import annotations

import types

import pytest

import runner.checks as checks
from runner.checks.path import PathCheck
from runner.errors import LabError
from runner.run.status import CheckStatus


@pytest.fixture
def failing_module(monkeypatch):
    def use(error: Exception) -> None:
        def evaluate(check, ctx):
            raise error

        monkeypatch.setattr(checks, "check_module",
                            lambda name: types.SimpleNamespace(evaluate=evaluate))
    return use


def check() -> PathCheck:
    return PathCheck(type="path", path="/x")


def context():
    return types.SimpleNamespace(profile=types.SimpleNamespace(kind="linux", storage_driver="",
                                                               endpoint="unix:///x"),
                                 values={}, text=lambda value: value)


def test_a_labrunner_error_inside_a_check_is_a_failed_check(failing_module):
    failing_module(LabError("helper.gone", name="lr-helper", seconds=2))
    outcome = checks.evaluate(check(), context(), once=True)
    assert outcome.status == CheckStatus.FAIL
    assert [p.what.key for p in outcome.problems] == ["helper.gone"]
    assert not outcome.problems[0].conclusive
    assert "lr-helper" in outcome.problems[0].what.text("fr")


def test_a_bug_is_not_hidden_as_a_failed_check(failing_module):
    failing_module(KeyError("bug"))
    with pytest.raises(KeyError):
        checks.evaluate(check(), context(), once=True)

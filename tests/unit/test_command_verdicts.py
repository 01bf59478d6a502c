"""A failed or timed-out command fails its step unless an output check expects its code."""

from __future__ import annotations

from runner.checks.base import CheckOutcome
from runner.checks.output import OutputCheck
from runner.i18n import t
from runner.messages import msg
from runner.run.command_verdicts import unexpected_ends
from runner.run.status import CheckStatus
from runner.shell.session import CommandResult


def ran(command: str, code: int | None) -> CommandResult:
    return CommandResult(command, code, "", code is None, 0.1)


def output(status: CheckStatus = CheckStatus.PASS, **fields) -> tuple[OutputCheck, CheckOutcome]:
    check = OutputCheck.model_validate({"type": "output", **fields})
    return check, CheckOutcome(status, msg("check.output_summary", command="x"))


def test_a_step_without_checks_fails_on_a_failed_command():
    results = [ran("docker pull nginx", 0), ran("docker rmi nginx", 1)]
    [(check, outcome)] = unexpected_ends(results, [])
    assert outcome.status == CheckStatus.FAIL
    assert check.command == 2 and check.exit_code == 0
    assert t(outcome.summary.key, "en", **outcome.summary.params) == (
        "command 2 (`docker rmi nginx`) ended with exit code 1")
    assert (outcome.problems[0].expected, outcome.problems[0].actual) == ("0", "1")


def test_a_timeout_fails_even_without_checks():
    [(_, outcome)] = unexpected_ends([ran("sleep 99", None)], [])
    assert outcome.summary.key == "check.command_timed_out"
    assert outcome.problems[0].actual == "timeout"


def test_successful_commands_add_nothing():
    assert unexpected_ends([ran("true", 0), ran("echo hi", 0)], []) == []


def test_an_expected_exit_code_is_accepted_for_the_last_command_by_default():
    results = [ran("true", 0), ran("grep x /nope", 2)]
    assert unexpected_ends(results, [output(exit_code=2)]) == []


def test_an_expected_code_for_another_command_does_not_cover_this_one():
    results = [ran("false", 1), ran("true", 0)]
    [(check, _)] = unexpected_ends(results, [output(exit_code=1)])  # about command 2
    assert check.command == 1
    assert unexpected_ends(results, [output(command=1, exit_code=1)]) == []


def test_an_output_check_already_failing_on_the_code_is_not_doubled():
    results = [ran("false", 1)]
    assert unexpected_ends(results, [output(CheckStatus.FAIL, exit_code=0)]) == []


def test_an_output_check_without_exit_code_does_not_accept_a_failure():
    assert len(unexpected_ends([ran("false", 1)], [output(contains="x")])) == 1


def test_a_timeout_already_failed_by_an_output_check_is_said_once():
    assert unexpected_ends([ran("sleep 99", None)], [output(CheckStatus.FAIL)]) == []


def test_a_skipped_output_check_speaks_for_nothing():
    skipped = output(CheckStatus.SKIP, exit_code=1)
    assert len(unexpected_ends([ran("false", 1)], [skipped])) == 1

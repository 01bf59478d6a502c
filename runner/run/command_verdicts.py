"""A command that failed fails its step, unless the lab says that exit code is expected.

After a `run:` step (or a task's solution run unattended), each command killed at its
timeout, or ended with a non-zero code that no `output` check of the step names for it
(`exit_code: X`), adds a failed outcome of its own: a step with no checks whose command
failed is never reported "passed". An output check that already fails on that command's
end says it once; it is not said twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from runner.checks.base import CheckOutcome, Problem, unexamined
from runner.checks.output import OutputCheck, short_command
from runner.messages import msg
from runner.run.status import CheckStatus
from runner.shell.session import CommandResult

Evaluated = Sequence[tuple[object, CheckOutcome]]  # (a model check, its outcome)


def unexpected_ends(results: Sequence[CommandResult], evaluated: Evaluated
                    ) -> list[tuple[OutputCheck, CheckOutcome]]:
    """For each command whose end the step's output checks do not speak for: the implied
    check (`output`, that command, `exit_code: 0`) and its failed outcome."""
    failures = []
    for number, result in enumerate(results, start=1):
        if result.timed_out or result.exit_code != 0:
            covering = _output_checks_of(number, len(results), evaluated)
            if not _spoken_for(result, covering):
                failures.append((_implied_check(number), _failed(number, result)))
    return failures


def _output_checks_of(number: int, count: int, evaluated: Evaluated
                      ) -> list[tuple[OutputCheck, CheckOutcome]]:
    """The evaluated output checks about command `number` (the last when none is named)."""
    return [(check, outcome) for check, outcome in evaluated
            if isinstance(check, OutputCheck) and (check.command or count) == number
            and outcome.status != CheckStatus.SKIP]


def _spoken_for(result: CommandResult, covering: list[tuple[OutputCheck, CheckOutcome]]
                ) -> bool:
    """A timeout: an output check about it already failed on it. A non-zero code: a check
    names an exit code for this command (it accepts that code, or already fails on it)."""
    if result.timed_out:
        return any(outcome.status == CheckStatus.FAIL for _, outcome in covering)
    return any(check.exit_code is not None for check, _ in covering)


def _implied_check(number: int) -> OutputCheck:
    return OutputCheck.model_validate({"type": "output", "command": number, "exit_code": 0})


def _failed(number: int, result: CommandResult) -> CheckOutcome:
    command = short_command(result.command)
    if result.timed_out:
        summary = msg("check.command_timed_out", number=number, command=command)
        problem = unexamined(msg("check.timed_out"), "0", "timeout")
    else:
        summary = msg("check.command_failed", number=number, command=command,
                      code=result.exit_code)
        problem = Problem(msg("check.exit_code"), "0", str(result.exit_code))
    return CheckOutcome(CheckStatus.FAIL, summary, (problem,))

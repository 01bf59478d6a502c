"""output: the exit code and text printed by one of the step's own commands.

Passes when the command's exit code and output match; the output is taken as the terminal
finally shows it (colours dropped, Docker's progress redraws replayed: one final line per
layer). Not allowed in a task (the student types the commands in their own shell): use a
`probe`, or `typed`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt

from runner.checks.base import (
    CheckBase,
    CheckContext,
    CheckOutcome,
    Problem,
    TextMatch,
    outcome,
    text_problems,
    unexamined,
)
from runner.messages import msg
from runner.shell.session import strip_ansi


class OutputCheck(CheckBase, TextMatch):
    """The exit code and printed output of one of the step's commands (the last by default)."""

    type: Literal["output"]
    command: Annotated[StrictInt, Field(ge=1)] | None = Field(
        None, description="1-based index of the step's command to look at; default: the last."
    )
    exit_code: StrictInt | None = Field(None, description="The exit code it must end with.")


def evaluate(check: OutputCheck, ctx: CheckContext) -> CheckOutcome:
    index = (check.command or len(ctx.results)) - 1
    result = ctx.results[index] if 0 <= index < len(ctx.results) else None
    if result is None:
        summary = msg("check.output_summary", command=f"#{index + 1}")
        return outcome(summary, [unexamined(msg("check.command_not_run"), "", "")])
    summary = msg("check.output_summary", command=short_command(result.command))
    problems = exit_code_problems(check.exit_code, result.exit_code, result.timed_out)
    problems += text_problems(check, strip_ansi(result.output), ctx, msg("check.word_output"))
    return outcome(summary, problems)


def exit_code_problems(wanted: int | None, actual: int, timed_out: bool) -> list[Problem]:
    """Shared with `probe`: a timeout is reported as such, not as a strange exit code."""
    if timed_out:
        return [unexamined(msg("check.timed_out"), str(wanted or 0), "timeout")]
    if wanted is not None and actual != wanted:
        return [Problem(msg("check.exit_code"), str(wanted), str(actual))]
    return []


def short_command(command: str, width: int = 60) -> str:
    line = command.strip().splitlines()[0] if command.strip() else ""
    return line if len(line) <= width and "\n" not in command.strip() else line[:width] + "…"

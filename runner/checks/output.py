"""output: the exit code and text printed by one of the step's commands."""

from __future__ import annotations

import re

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.lab.model import OutputCheck
from runner.lab.variables import substitute
from runner.messages import msg
from runner.shell.session import strip_ansi

TAIL_LINES = 15  # enough of the output to see what went wrong, short enough for a projector


def evaluate(check: OutputCheck, ctx: CheckContext) -> CheckOutcome:
    index = (check.command or len(ctx.results)) - 1
    result = ctx.results[index] if 0 <= index < len(ctx.results) else None
    if result is None:
        summary = msg("check.output_summary", command=f"#{index + 1}")
        return outcome(summary, [Problem(msg("check.command_not_run"), "", "")])
    summary = msg("check.output_summary", command=_short(result.command))
    text = strip_ansi(result.output)
    problems = _exit_code_problems(check, result) + _text_problems(check, text, ctx)
    return outcome(summary, problems)


def _exit_code_problems(check: OutputCheck, result) -> list[Problem]:
    if result.timed_out:
        return [Problem(msg("check.timed_out"), str(check.exit_code or 0), "timeout")]
    if check.exit_code is not None and result.exit_code != check.exit_code:
        return [Problem(msg("check.exit_code"), str(check.exit_code), str(result.exit_code))]
    return []


def _text_problems(check: OutputCheck, text: str, ctx: CheckContext) -> list[Problem]:
    problems = []
    tail = _tail(text)
    for needle in _as_list(check.contains):
        needle = substitute(needle, ctx.values)
        if needle not in text:
            problems.append(Problem(msg("check.contains"), needle, tail))
    for needle in _as_list(check.not_contains):
        needle = substitute(needle, ctx.values)
        if needle in text:
            problems.append(Problem(msg("check.not_contains"), needle, _lines_with(text, needle)))
    if check.regex is not None:
        pattern = substitute(check.regex, ctx.values)
        if not re.search(pattern, text, re.MULTILINE):
            problems.append(Problem(msg("check.regex"), pattern, tail))
    return problems


def _short(command: str, width: int = 60) -> str:
    line = command.strip().splitlines()[0] if command.strip() else ""
    return line if len(line) <= width and "\n" not in command.strip() else line[:width] + "…"


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _tail(text: str) -> str:
    lines = text.rstrip("\n").splitlines()
    shown = "\n".join(lines[-TAIL_LINES:])
    return shown if len(lines) <= TAIL_LINES else f"…\n{shown}"


def _lines_with(text: str, needle: str) -> str:
    return "\n".join(line for line in text.splitlines() if needle in line)

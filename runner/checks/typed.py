"""typed: a command matching a pattern was run (typed by the student in a task, else the
step's own commands).

For teaching feedback on what leaves no state behind (`docker system df`, `docker image
ls`); the proof that the engine was asked is an `engine_call` check. Each line is read as
bash reads it (runner/checks/shell_words.py): only what runs as a command is matched, so a
comment, `echo docker images`, `: docker images` or quoted text never matches. `regex` is
matched from the start of each command, its words rejoined by single spaces (`sudo`, `env`,
`VAR=x` before it skipped). Passes when one command matches."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, StrictBool, StrictStr

from runner.checks.base import CheckBase, CheckContext, CheckOutcome, Problem, outcome
from runner.checks.shell_words import command_text, commands
from runner.messages import msg


class TypedCheck(CheckBase):
    """A command matching `regex` was run (in a task: what the student typed; elsewhere: the
    step's own commands). Feedback on a step that leaves no state behind, e.g. `system df`."""

    type: Literal["typed"]
    regex: StrictStr = Field(description="Python regex matched from the start of each "
                             "command run, e.g. docker\\s+system\\s+df.")
    ignore_case: StrictBool = Field(False, description="Match letters in either case.")


def evaluate(check: TypedCheck, ctx: CheckContext) -> CheckOutcome:
    pattern = ctx.pattern(check.regex)
    flags = re.IGNORECASE if check.ignore_case else 0
    summary = msg("check.typed", regex=pattern)
    typed = list(ctx.commands_typed)
    if any(_matches(pattern, command_text(words), flags)
           for line in typed for words in commands(line)):
        return outcome(summary, [])
    return outcome(summary, [Problem(msg("check.typed_none"), pattern,
                                     "\n".join(typed[-10:]) or "-")])


def _matches(pattern: str, command: str, flags: int) -> bool:
    """re.match, where a pattern that does not compile matches nothing (see base.searches)."""
    try:
        return re.match(pattern, command, flags) is not None
    except re.error:
        return False

"""typed: a command matching a pattern was typed (by the student in a task, else by the lab).

For what leaves no state behind (`docker system df`, `docker image ls`), the commands
themselves are the only evidence. Passes when one command typed matches `regex`."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, StrictBool, StrictStr

from runner.checks.base import CheckBase, CheckContext, CheckOutcome, Problem, outcome, searches
from runner.messages import msg


class TypedCheck(CheckBase):
    """The student typed a command matching `regex` (in a task: what they typed; elsewhere:
    the step's own commands). Proves a step that leaves no state behind, e.g. `system df`."""

    type: Literal["typed"]
    regex: StrictStr = Field(description="Python regex searched in each command typed.")
    ignore_case: StrictBool = Field(False, description="Match letters in either case.")


def evaluate(check: TypedCheck, ctx: CheckContext) -> CheckOutcome:
    pattern = ctx.pattern(check.regex)
    flags = re.IGNORECASE if check.ignore_case else 0
    summary = msg("check.typed", regex=pattern)
    typed = list(ctx.commands_typed)
    if any(searches(pattern, command, flags) for command in typed):
        return outcome(summary, [])
    return outcome(summary, [Problem(msg("check.typed_none"), pattern,
                                     "\n".join(typed[-10:]) or "-")])

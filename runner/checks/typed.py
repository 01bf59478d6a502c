"""typed: a command matching a pattern was typed (by the student in a task, else by the lab).

For what leaves no state behind (`docker system df`, `docker image ls`), the commands
themselves are the only evidence.
"""

from __future__ import annotations

import re

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.lab.model import TypedCheck
from runner.lab.variables import substitute
from runner.messages import msg


def evaluate(check: TypedCheck, ctx: CheckContext) -> CheckOutcome:
    pattern = substitute(check.regex, ctx.values)
    summary = msg("check.typed", regex=pattern)
    typed = list(ctx.commands_typed)
    if any(re.search(pattern, command) for command in typed):
        return outcome(summary, [])
    return outcome(summary, [Problem(msg("check.typed_none"), pattern,
                                     "\n".join(typed[-10:]) or "-")])

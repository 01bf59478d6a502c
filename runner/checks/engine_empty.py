"""engine_empty: no containers (running or not), no images, no volumes are left."""

from __future__ import annotations

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.engines.inventory import KIND_WORDS, take
from runner.lab.model import EngineEmptyCheck
from runner.messages import msg


def evaluate(check: EngineEmptyCheck, ctx: CheckContext) -> CheckOutcome:
    summary = msg("check.empty", objects=tuple(msg(KIND_WORDS[kind]) for kind in check.objects))
    inventory = take(ctx.docker.api)
    problems = []
    for kind in check.objects:
        left = inventory.names(kind)
        if left:
            problems.append(Problem(msg("check.empty_left", objects=msg(KIND_WORDS[kind])), "0",
                                    f"{len(left)}: " + "\n".join(left)))
    return outcome(summary, problems)

"""engine_empty: no containers (running or not), no images, no volumes are left.

Passes when the engine holds none of the kinds of objects listed (after a "remove everything"
step)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from runner.checks.base import CheckBase, CheckContext, CheckOutcome, Problem, outcome
from runner.engines.inventory import KIND_WORDS, take
from runner.messages import msg


class EngineEmptyCheck(CheckBase):
    """The engine holds none of these kinds of objects (after a `remove everything` step)."""

    type: Literal["engine_empty"]
    objects: Annotated[list[Literal["containers", "images", "volumes"]], Field(
        min_length=1, description="Any of `containers`, `images`, `volumes`.")]


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

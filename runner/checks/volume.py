"""volume: a named volume — present or absent, its driver and labels.

Passes when the volume is in that state and, when present, has the driver and labels asked."""

from __future__ import annotations

from typing import Literal

from runner.checks.base import CheckContext, CheckOutcome, outcome
from runner.checks.objects import NamedObjectCheck, inspected
from runner.messages import msg


class VolumeCheck(NamedObjectCheck):
    """A named volume (`docker volume inspect`)."""

    type: Literal["volume"]


def evaluate(check: VolumeCheck, ctx: CheckContext) -> CheckOutcome:
    summary = msg(f"check.volume_{check.state}", name=ctx.text(check.name))
    _, problems = inspected(check, ctx, ctx.docker.api.inspect_volume, msg("check.volume_state"))
    return outcome(summary, problems)

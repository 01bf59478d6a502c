"""volume: a named volume — present or absent, its driver and labels.

Passes when the volume is in that state and, when present, has the driver and labels asked."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictStr

from runner.checks.base import (
    CheckBase,
    CheckContext,
    CheckOutcome,
    Problem,
    absent_as_none,
    outcome,
)
from runner.messages import msg


class VolumeCheck(CheckBase):
    """A named volume (`docker volume inspect`)."""

    type: Literal["volume"]
    name: StrictStr = Field(description="The volume's name.")
    state: Literal["present", "absent"] = "present"
    driver: StrictStr | None = Field(None, description="e.g. local")
    labels: dict[StrictStr, StrictStr] | None = Field(
        None, description="Labels that must be set to these values.")


def evaluate(check: VolumeCheck, ctx: CheckContext) -> CheckOutcome:
    name = ctx.text(check.name)
    summary = msg(f"check.volume_{check.state}", name=name)
    details = absent_as_none(ctx.docker.api.inspect_volume, name)
    actual = "present" if details else "absent"
    if actual != check.state:
        return outcome(summary, [Problem(msg("check.volume_state"), check.state, actual)])
    return outcome(summary, attribute_problems(check, details or {}, ctx))


def attribute_problems(check, details: dict, ctx: CheckContext) -> list[Problem]:
    """Driver and labels, shared by volume and network checks."""
    problems = []
    if check.driver is not None and details.get("Driver") != ctx.text(check.driver):
        problems.append(Problem(msg("check.config_field", field="Driver"), ctx.text(check.driver),
                                str(details.get("Driver"))))
    labels = details.get("Labels") or {}
    for key, value in (getattr(check, "labels", None) or {}).items():
        if labels.get(key) != ctx.text(value):
            problems.append(Problem(msg("check.config_field", field="Labels"),
                                    f"{key}={ctx.text(value)}",
                                    f"{key}={labels[key]}" if key in labels else "-"))
    return problems

"""What the `volume` and `network` checks share: an engine object found by its name, present
or absent, with a driver and labels. Not a check type itself (see registry.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import Field, StrictStr

from runner.checks.base import CheckBase, CheckContext, Problem, absent_as_none, unexamined
from runner.messages import Message, msg


class NamedObjectCheck(CheckBase):
    """The keys of a named engine object's check."""

    name: StrictStr = Field(description="The object's name.")
    state: Literal["present", "absent"] = "present"
    driver: StrictStr | None = Field(None, description="Its driver, e.g. local or bridge.")
    labels: dict[StrictStr, StrictStr] | None = Field(
        None, description="Labels that must be set to these values.")


def inspected(check: NamedObjectCheck, ctx: CheckContext, inspect: Callable[[str], dict | None],
              kind: Message) -> tuple[dict | None, list[Problem]]:
    """(what the engine says of the object when it is present as expected, else None; the
    problems with its state, driver and labels). `kind` names the object in a problem."""
    details = absent_as_none(inspect, ctx.text(check.name))
    actual = "present" if details else "absent"
    if actual != check.state:
        looks_inside = actual == "absent" and any(
            getattr(check, key, None) for key in ("driver", "labels", "containers"))
        return None, [(unexamined if looks_inside else Problem)(kind, check.state, actual)]
    return details, _attribute_problems(check, details or {}, ctx)


def _attribute_problems(check: NamedObjectCheck, details: dict,
                        ctx: CheckContext) -> list[Problem]:
    problems = []
    if check.driver is not None and details.get("Driver") != ctx.text(check.driver):
        problems.append(Problem(msg("check.config_field", field="Driver"), ctx.text(check.driver),
                                str(details.get("Driver"))))
    labels = details.get("Labels") or {}
    for key, value in (check.labels or {}).items():
        if labels.get(key) != ctx.text(value):
            problems.append(Problem(msg("check.config_field", field="Labels"),
                                    f"{key}={ctx.text(value)}",
                                    f"{key}={labels[key]}" if key in labels else "-"))
    return problems

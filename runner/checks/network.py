"""network: a network — present or absent, its driver and labels, the containers on it.

Passes when the network is in that state and, when present, has the driver and labels asked
and every container listed is connected to it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictStr

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.checks.objects import NamedObjectCheck, inspected
from runner.messages import msg


class NetworkCheck(NamedObjectCheck):
    """A network (`docker network inspect`)."""

    type: Literal["network"]
    containers: list[StrictStr] | None = Field(
        None, description="Containers (names) that must be connected to it.")


def evaluate(check: NetworkCheck, ctx: CheckContext) -> CheckOutcome:
    summary = msg(f"check.network_{check.state}", name=ctx.text(check.name))
    details, problems = inspected(check, ctx, ctx.docker.api.inspect_network,
                                  msg("check.network_state"))
    if details is None:
        return outcome(summary, problems)
    connected = sorted(c.get("Name", "") for c in (details.get("Containers") or {}).values())
    for container in map(ctx.text, check.containers or []):
        if container not in connected and not _attached(ctx, container, details["Name"]):
            problems.append(Problem(msg("check.network_container", name=container), container,
                                    ", ".join(connected) or "-"))
    return outcome(summary, problems)


def _attached(ctx: CheckContext, container: str, network: str) -> bool:
    """A container that is not running is attached all the same (`docker network connect`,
    `docker create --network`), but the network lists running containers only."""
    from runner.checks.container import inspect_container

    details = inspect_container(ctx, container) or {}
    return network in ((details.get("NetworkSettings") or {}).get("Networks") or {})

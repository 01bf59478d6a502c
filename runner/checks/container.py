"""container: a container's state (running, exited, …, or absent)."""

from __future__ import annotations

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.lab.model import ContainerCheck
from runner.lab.variables import substitute
from runner.messages import msg


def evaluate(check: ContainerCheck, ctx: CheckContext) -> CheckOutcome:
    name = substitute(check.name, ctx.values)
    summary = msg(f"check.container_{check.state}", name=name)
    actual = container_state(ctx, name)
    wanted = check.state
    matches = actual == wanted or (wanted == "present" and actual != "absent")
    problems = [] if matches else [Problem(msg("check.container_state"), wanted, actual)]
    return outcome(summary, problems)


def container_state(ctx: CheckContext, name: str) -> str:
    details = inspect_container(ctx, name)
    return details["State"]["Status"] if details else "absent"


def inspect_container(ctx: CheckContext, name: str) -> dict | None:
    """`docker container inspect NAME` as a mapping, or None when there is no such container."""
    from docker.errors import NotFound

    try:
        return ctx.docker.api.inspect_container(name)
    except NotFound:
        return None

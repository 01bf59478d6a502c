"""image: an image reference is (or is not) in the engine's image store."""

from __future__ import annotations

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.lab.model import ImageCheck
from runner.lab.variables import substitute
from runner.messages import msg


def evaluate(check: ImageCheck, ctx: CheckContext) -> CheckOutcome:
    name = substitute(check.name, ctx.values)
    summary = msg(f"check.image_{check.state}", name=name)
    image_id = image_id_of(ctx, name)
    actual = "present" if image_id else "absent"
    problems = []
    if actual != check.state:
        problems.append(Problem(msg("check.image_state"), check.state, actual))
    if check.same_id_as and image_id:
        other = substitute(check.same_id_as, ctx.values)
        other_id = image_id_of(ctx, other)
        if other_id != image_id:
            problems.append(Problem(msg("check.same_id", other=other), image_id,
                                    other_id or "absent"))
    note = msg("check.image_id", id=image_id) if image_id else None
    return outcome(summary, problems, note)


def image_id_of(ctx: CheckContext, name: str) -> str | None:
    details = inspect_image(ctx, name)
    return details["Id"] if details else None


def inspect_image(ctx: CheckContext, name: str) -> dict | None:
    """`docker image inspect NAME` as a mapping, or None when there is no such image."""
    from docker.errors import ImageNotFound

    try:
        return ctx.docker.api.inspect_image(name)
    except ImageNotFound:
        return None


def layers_of(details: dict) -> list[str]:
    """RootFS.Layers: the image's layer digests (diff ids), bottom layer first."""
    return list((details.get("RootFS") or {}).get("Layers") or [])

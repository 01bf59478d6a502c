"""image_layers: an image's layers compared with another image's (a tag, a parent).

Never a layer count written in the lab: the other image's own RootFS.Layers, as the engine
reports them, is the reference, so the check holds on Docker Hub images and stand-ins alike.
"""

from __future__ import annotations

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.checks.image import inspect_image, layers_of
from runner.lab.model import ImageLayersCheck
from runner.lab.variables import substitute
from runner.messages import msg


def evaluate(check: ImageLayersCheck, ctx: CheckContext) -> CheckOutcome:
    name = substitute(check.image, ctx.values)
    other = substitute(check.same_as or check.extends or "", ctx.values)
    summary = _summary(check, name, other)
    details = inspect_image(ctx, name)
    if details is None:
        return outcome(summary, [Problem(msg("check.image_state"), "present", "absent")])
    layers = layers_of(details)
    if not other:
        return outcome(summary, [], msg("check.layers_count", count=len(layers)))
    reference = inspect_image(ctx, other)
    if reference is None:
        return outcome(summary, [Problem(msg("check.image_state_of", name=other), "present",
                                         "absent")])
    problems = _compare(check, layers, layers_of(reference))
    return outcome(summary, problems, msg("check.layers_lists", mine=_short(layers),
                                          other=_short(layers_of(reference))))


def _summary(check: ImageLayersCheck, name: str, other: str):
    if check.same_as:
        return msg("check.layers_same", name=name, other=other)
    if check.extends and check.new_layers:
        return msg("check.layers_extends_by", name=name, other=other, count=check.new_layers)
    if check.extends:
        return msg("check.layers_extends", name=name, other=other)
    return msg("check.layers_exist", name=name)


def _compare(check: ImageLayersCheck, layers: list[str], reference: list[str]) -> list[Problem]:
    if check.same_as:
        if layers == reference:
            return []
        return [Problem(msg("check.layers_differ"), _short(reference), _short(layers))]
    problems = []
    if layers[:len(reference)] != reference:
        problems.append(Problem(msg("check.layers_prefix"), _short(reference),
                                _short(layers[:len(reference)])))
    added = len(layers) - len(reference)
    wanted = check.new_layers
    if (wanted is not None and added != wanted) or (wanted is None and added < 1):
        problems.append(Problem(msg("check.layers_added"), str(wanted or "≥ 1"), str(added)))
    return problems


def _short(layers: list[str]) -> str:
    """sha256:0123456789ab… one per line: enough to compare by eye on a projector."""
    return "\n".join(layer.split(":")[-1][:12] for layer in layers) or "-"

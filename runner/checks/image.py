"""image: an image in the engine's store — present or absent, the same image as another tag,
its layers compared with another image's, and its config (CMD, ENV, EXPOSE…).

Never a layer count or an id written in the lab: the other image's own RootFS.Layers, as the
engine reports them, is the reference, so the check holds on Docker Hub images and stand-ins
alike. Everything is read through the engine API: it holds on every engine."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt, StrictStr, model_validator

from runner.checks.base import (
    CheckBase,
    CheckContext,
    CheckOutcome,
    Problem,
    absent_as_none,
    outcome,
    unexamined,
)
from runner.checks.config import ImageConfig, config_problems
from runner.lab.types import Strict, key_error
from runner.messages import msg


class Layers(Strict):
    """The image's layers (RootFS.Layers) compared with another image's."""

    same_as: StrictStr | None = Field(
        None, description="Another image with exactly the same layers (a tag, a re-pull).")
    extends: StrictStr | None = Field(
        None, description="A parent image: every one of its layers starts this image's list, "
        "in order (a derived image shares its parent's layers).")
    new: Annotated[StrictInt, Field(ge=1)] | None = Field(
        None, description="With extends: how many layers the image adds on top of its parent "
        "(`docker commit` adds exactly one). Default: at least one.")

    @model_validator(mode="after")
    def _one_reference(self) -> Layers:
        if self.same_as is not None and self.extends is not None:
            raise key_error("schema.exclusive_keys", keys="same_as, extends")
        if self.new is not None and self.extends is None:
            raise key_error("schema.key_needs", key="new", needs="extends")
        return self


class ImageCheck(CheckBase):
    """An image in the engine's image store, its layers and its config."""

    type: Literal["image"]
    name: StrictStr = Field(description="Image reference, e.g. nginx:latest")
    state: Literal["present", "absent"] = "present"
    same_as: StrictStr | None = Field(
        None, description="Another reference that must be the very same image (same id): a tag.")
    layers: Layers | None = None
    config: ImageConfig | None = None


def evaluate(check: ImageCheck, ctx: CheckContext) -> CheckOutcome:
    name = ctx.text(check.name)
    summary = _summary(check, name, ctx)
    details = inspect_image(ctx, name)
    actual = "present" if details else "absent"
    if actual != check.state:
        looks_inside = check.layers or check.config or check.same_as
        kind = unexamined if looks_inside and actual == "absent" else Problem
        return outcome(summary, [kind(msg("check.image_state"), check.state, actual)])
    if details is None:
        return outcome(summary, [])
    problems = _same_image_problems(check, details, ctx)
    note = msg("check.image_id", id=details["Id"])
    if check.layers is not None:
        layer_problems, note = _layer_problems(check.layers, details, ctx)
        problems += layer_problems
    if check.config is not None:
        problems += config_problems(check.config, details.get("Config") or {}, ctx)
    return outcome(summary, problems, note)


def _summary(check: ImageCheck, name: str, ctx: CheckContext):
    layers = check.layers
    if layers and layers.same_as:
        return msg("check.layers_same", name=name, other=ctx.text(layers.same_as))
    if layers and layers.extends and layers.new:
        return msg("check.layers_extends_by", name=name, other=ctx.text(layers.extends),
                   count=layers.new)
    if layers and layers.extends:
        return msg("check.layers_extends", name=name, other=ctx.text(layers.extends))
    if check.same_as:
        return msg("check.image_same_as", name=name, other=ctx.text(check.same_as))
    if check.config:
        return msg("check.image_config", name=name)
    return msg(f"check.image_{check.state}", name=name)


def _same_image_problems(check: ImageCheck, details: dict, ctx: CheckContext) -> list[Problem]:
    if not check.same_as:
        return []
    other = ctx.text(check.same_as)
    other_id = image_id_of(ctx, other)
    if other_id == details["Id"]:
        return []
    return [Problem(msg("check.same_id", other=other), details["Id"], other_id or "absent")]


def _layer_problems(layers: Layers, details: dict, ctx: CheckContext):
    mine = layers_of(details)
    other = ctx.text(layers.same_as or layers.extends or "")
    if not other:
        return [], msg("check.layers_count", count=len(mine))
    reference = inspect_image(ctx, other)
    if reference is None:
        return [unexamined(msg("check.image_state_of", name=other), "present", "absent")], None
    theirs = layers_of(reference)
    note = msg("check.layers_lists", mine=_short(mine), other=_short(theirs))
    return _compare(layers, mine, theirs), note


def _compare(layers: Layers, mine: list[str], theirs: list[str]) -> list[Problem]:
    if layers.same_as:
        return [] if mine == theirs else [Problem(msg("check.layers_differ"), _short(theirs),
                                                  _short(mine))]
    problems = []
    if mine[:len(theirs)] != theirs:
        problems.append(Problem(msg("check.layers_prefix"), _short(theirs),
                                _short(mine[:len(theirs)])))
    added, wanted = len(mine) - len(theirs), layers.new
    if (wanted is not None and added != wanted) or (wanted is None and added < 1):
        problems.append(Problem(msg("check.layers_added"), str(wanted or "≥ 1"), str(added)))
    return problems


def _short(layers: list[str]) -> str:
    """sha256:0123456789ab… one per line: enough to compare by eye on a projector."""
    return "\n".join(layer.split(":")[-1][:12] for layer in layers) or "-"


def image_id_of(ctx: CheckContext, name: str) -> str | None:
    details = inspect_image(ctx, name)
    return details["Id"] if details else None


def inspect_image(ctx: CheckContext, name: str) -> dict | None:
    """`docker image inspect NAME` as a mapping, or None when there is no such image."""
    return absent_as_none(ctx.docker.api.inspect_image, name)


def layers_of(details: dict) -> list[str]:
    """RootFS.Layers: the image's layer digests (diff ids), bottom layer first."""
    return list((details.get("RootFS") or {}).get("Layers") or [])

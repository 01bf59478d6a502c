"""container_layer: a container's writable layer — a path added, changed or deleted in it,
and its folders on the engine host.

runner/storage locates the layer on every engine whose files can be read (overlay2, the
containerd image store, Podman, vfs, btrfs…, root or rootless, or through a helper): the change
is read from the very folder the lab teaches, and the note says which folder and how it was
found. Where the files cannot be read (Docker Desktop without a helper, a remote engine) the
engine's `diff` API answers the same question from inside the engine.

`folders: true`: the writable layer, its work folder and every image layer the locator found
exist on the engine host, and the merged view exists exactly while the container runs
(skipped where the files cannot be read or the layer cannot be located)."""

from __future__ import annotations

import posixpath
from typing import Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from runner.checks.base import CheckBase, CheckContext, CheckOutcome, Problem, outcome, unexamined
from runner.checks.container import inspect_container
from runner.lab.types import key_error
from runner.messages import Message, msg
from runner.run.status import CheckStatus

DIFF_KINDS = {0: "changed", 1: "added", 2: "deleted"}  # the engine API's numbering


class ContainerLayerCheck(CheckBase):
    """A container's writable (read-write) layer: a change recorded in it, its folders."""

    type: Literal["container_layer"]
    name: StrictStr = Field(description="The container's name (or id).")
    path: StrictStr | None = Field(
        None, description="Absolute path inside the container, e.g. /MYFILE")
    change: Literal["added", "changed", "deleted"] = Field(
        "added", description="With path: the change the layer must record.")
    folders: StrictBool = Field(
        False, description="The layer's folders (writable layer, image layers, merged view "
        "while running) exist on the engine host.")

    @model_validator(mode="after")
    def _something_to_check(self) -> ContainerLayerCheck:
        if self.path is None and not self.folders:
            raise key_error("schema.one_of_keys", keys="path, folders")
        return self


def evaluate(check: ContainerLayerCheck, ctx: CheckContext) -> CheckOutcome:
    name = ctx.text(check.name)
    path = posixpath.normpath("/" + ctx.text(check.path).lstrip("/")) if check.path else None
    summary = _summary(check, name, path)
    details = inspect_container(ctx, name)
    if details is None:
        return outcome(summary, [unexamined(msg("check.container_state"), "present", "absent")])
    layer, files = _locate(details, ctx)
    problems: list[Problem] = []
    notes: list[Message] = []
    if path is not None:
        actual, note = _change(layer, files, name, path, ctx)
        notes.append(note)
        if actual != check.change:
            problems.append(Problem(msg("check.change_kind"), check.change, actual))
    if check.folders:
        folder_problems, note, skipped = _folders(layer, files, ctx)
        if skipped and path is None:
            return CheckOutcome(CheckStatus.SKIP, summary, note=note)
        problems += folder_problems
        notes.append(note)
    return outcome(summary, problems, notes[0] if len(notes) == 1 else msg(
        "check.notes", first=notes[0], second=notes[-1]))


def _summary(check: ContainerLayerCheck, name: str, path: str | None) -> Message:
    if path is None:
        return msg("storage.folders_summary", name=name)
    return msg("check.change", path=path, name=name, change=msg(f"check.word_{check.change}"))


def _locate(details: dict, ctx: CheckContext):
    """(the located layer, the host's files), or (None, None) where they cannot be read."""
    from runner.storage.host_files import files_for
    from runner.storage.locate import container_layer

    files = files_for(ctx.profile)
    if files is None:
        return None, None
    return container_layer(details, ctx.profile, files), files


def _change(layer, files, name: str, path: str, ctx: CheckContext) -> tuple[str, Message]:
    from runner.storage.changes import change_on_disk
    from runner.storage.explain import how_found

    if layer is not None and layer.found and files.is_dir(layer.writable):
        where = msg("storage.found_at", dir=layer.writable, how=how_found(layer))
        return change_on_disk(files, layer, path), msg("check.change_via_upperdir", dir=where)
    return _change_via_api(ctx, name, path), msg("check.change_via_api")


def _change_via_api(ctx: CheckContext, name: str, path: str) -> str:
    for entry in ctx.docker.api.diff(name) or []:
        if entry["Path"] == path:
            return DIFF_KINDS.get(entry["Kind"], "changed")
    return "none"


def _folders(layer, files, ctx: CheckContext) -> tuple[list[Problem], Message, bool]:
    """(problems, note, skipped): the located folders, where the engine host can be read."""
    from runner.storage.explain import how_found
    from runner.storage.folders import folder_problems, listing

    if files is None:
        return [], msg("check.docker_root_invisible", kind=ctx.profile.kind), True
    if not layer.found:
        return [], msg("storage.not_found", how=how_found(layer)), True
    note = msg("storage.layer_folders", dirs=listing(layer), how=how_found(layer))
    return folder_problems(layer, files), note, False

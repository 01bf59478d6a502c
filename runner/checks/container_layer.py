"""container_layer: a container's writable layer — a path added, changed or deleted in it,
and its folders on this machine.

Where the engine's files are visible (Linux, root or rootless, overlay2) the change is read
from the layer itself at GraphDriver.Data.UpperDir — the very folder the lab teaches — and
the report says so. Elsewhere (Docker Desktop, containerd image store, no permission) the
engine's `diff` API answers the same question from inside the engine.

`folders: true`: GraphDriver.Data's LowerDir (each), UpperDir and WorkDir exist on this
machine, and MergedDir exists exactly while the container runs (skipped where the Docker root
is not visible or the engine reports no GraphDriver folders)."""

from __future__ import annotations

import os
import posixpath
import stat
from typing import Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from runner.checks.base import CheckBase, CheckContext, CheckOutcome, Problem, outcome, unexamined
from runner.checks.container import inspect_container
from runner.lab.types import key_error
from runner.messages import Message, msg
from runner.run.status import CheckStatus

DIFF_KINDS = {0: "changed", 1: "added", 2: "deleted"}  # the engine API's numbering
FOLDERS = ("LowerDir", "UpperDir", "WorkDir", "MergedDir")


class ContainerLayerCheck(CheckBase):
    """A container's writable (read-write) layer: a change recorded in it, its folders."""

    type: Literal["container_layer"]
    name: StrictStr = Field(description="The container's name (or id).")
    path: StrictStr | None = Field(
        None, description="Absolute path inside the container, e.g. /MYFILE")
    change: Literal["added", "changed", "deleted"] = Field(
        "added", description="With path: the change the layer must record.")
    folders: StrictBool = Field(
        False, description="The layer's folders (GraphDriver.Data) exist on this machine.")

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
    problems: list[Problem] = []
    notes: list[Message] = []
    if path is not None:
        actual, note = _change(details, name, path, ctx)
        notes.append(note)
        if actual != check.change:
            problems.append(Problem(msg("check.change_kind"), check.change, actual))
    if check.folders:
        folder_problems, note, skipped = _folders(details, ctx)
        if skipped and path is None:
            return CheckOutcome(CheckStatus.SKIP, summary, note=note)
        problems += folder_problems
        notes.append(note)
    return outcome(summary, problems, notes[0] if len(notes) == 1 else msg(
        "check.notes", first=notes[0], second=notes[-1]))


def _summary(check: ContainerLayerCheck, name: str, path: str | None) -> Message:
    if path is None:
        return msg("check.storage", name=name)
    return msg("check.change", path=path, name=name, change=msg(f"check.word_{check.change}"))


def _change(details: dict, name: str, path: str, ctx: CheckContext) -> tuple[str, Message]:
    upper = _readable_upper_dir(details, ctx)
    if upper:
        return (_change_on_disk(upper, _lower_dirs(details), path),
                msg("check.change_via_upperdir", dir=upper))
    return _change_via_api(ctx, name, path), msg("check.change_via_api")


def _graph_data(details: dict) -> dict:
    return (details.get("GraphDriver") or {}).get("Data") or {}


def _readable_upper_dir(details: dict, ctx: CheckContext) -> str | None:
    upper = _graph_data(details).get("UpperDir")
    if upper and ctx.profile.host_paths_visible and os.access(upper, os.R_OK | os.X_OK):
        return upper
    return None


def _lower_dirs(details: dict) -> list[str]:
    return [d for d in (_graph_data(details).get("LowerDir") or "").split(":") if d]


def _change_on_disk(upper: str, lowers: list[str], path: str) -> str:
    """overlayfs semantics: a 0/0 character device in the upper layer is a deletion (whiteout)."""
    relative = path.lstrip("/")
    try:
        info = os.lstat(os.path.join(upper, relative))
    except FileNotFoundError:
        return "none"
    if stat.S_ISCHR(info.st_mode) and info.st_rdev == 0:
        return "deleted"
    in_image = any(os.path.lexists(os.path.join(lower, relative)) for lower in lowers)
    return "changed" if in_image else "added"


def _change_via_api(ctx: CheckContext, name: str, path: str) -> str:
    for entry in ctx.docker.api.diff(name) or []:
        if entry["Path"] == path:
            return DIFF_KINDS.get(entry["Kind"], "changed")
    return "none"


def _folders(details: dict, ctx: CheckContext) -> tuple[list[Problem], Message, bool]:
    """(problems, note, skipped): the GraphDriver folders, where this machine can see them."""
    if not ctx.profile.host_paths_visible:
        return [], msg("check.docker_root_invisible", kind=ctx.profile.kind), True
    data = _graph_data(details)
    if not data.get("UpperDir"):
        return [], msg("check.storage_no_graphdriver"), True
    running = (details.get("State") or {}).get("Running", False)
    problems = [problem for key in FOLDERS for problem in _folder_problems(key, data, running)]
    return problems, msg("check.storage_dirs", dirs=_listing(data)), False


def _folder_problems(key: str, data: dict, running: bool) -> list[Problem]:
    wanted = running or key != "MergedDir"
    problems = []
    for folder in (data.get(key) or "").split(":"):
        if folder and os.path.isdir(folder) != wanted:
            expected, actual = ("present", "absent") if wanted else ("absent", "present")
            problems.append(Problem(msg("check.storage_folder", field=key, dir=folder), expected,
                                    actual))
    if wanted and not data.get(key):
        problems.append(Problem(msg("check.storage_folder", field=key, dir="-"), "present",
                                "absent"))
    return problems


def _listing(data: dict) -> str:
    return "\n".join(f"{key}: {data.get(key, '-')}" for key in FOLDERS)

"""container_change: a path added, changed or deleted in a container's read-write layer.

Where the engine's files are visible (Linux, root or rootless, overlay2) we read the layer
itself at GraphDriver.Data.UpperDir — the very folder the lab teaches — and say so.
Elsewhere (Docker Desktop, containerd image store, no permission) we ask the engine's
`diff` API, which answers the same question from inside the engine.
"""

from __future__ import annotations

import os
import stat

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.checks.container import inspect_container
from runner.lab.model import ContainerChangeCheck
from runner.lab.variables import substitute
from runner.messages import msg

DIFF_KINDS = {0: "changed", 1: "added", 2: "deleted"}  # the engine API's numbering


def evaluate(check: ContainerChangeCheck, ctx: CheckContext) -> CheckOutcome:
    name = substitute(check.container, ctx.values)
    path = "/" + substitute(check.path, ctx.values).lstrip("/")
    summary = msg(f"check.change_{check.state}", path=path, name=name,
                  change=msg(f"check.word_{check.change}"))
    details = inspect_container(ctx, name)
    if details is None:
        return outcome(summary, [Problem(msg("check.container_state"), "present", "absent")])
    upper = _readable_upper_dir(details, ctx)
    if upper:
        actual = _change_on_disk(upper, _lower_dirs(details), path)
        note = msg("check.change_via_upperdir", dir=upper)
    else:
        actual = _change_via_api(ctx, name, path)
        note = msg("check.change_via_api")
    return outcome(summary, _problems(check, actual), note)


def _problems(check: ContainerChangeCheck, actual: str) -> list[Problem]:
    recorded = actual == check.change
    if recorded == (check.state == "present"):
        return []
    expected = check.change if check.state == "present" else f"not {check.change}"
    return [Problem(msg("check.change_kind"), expected, actual)]


def _readable_upper_dir(details: dict, ctx: CheckContext) -> str | None:
    data = (details.get("GraphDriver") or {}).get("Data") or {}
    upper = data.get("UpperDir")
    if upper and ctx.profile.host_paths_visible and os.access(upper, os.R_OK | os.X_OK):
        return upper
    return None


def _lower_dirs(details: dict) -> list[str]:
    lower = ((details.get("GraphDriver") or {}).get("Data") or {}).get("LowerDir") or ""
    return [d for d in lower.split(":") if d]


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

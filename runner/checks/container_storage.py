"""container_storage: a container's overlay2 folders, from GraphDriver.Data, exist here.

LowerDir (the image's layers, joined by ':'), UpperDir (the container's read-write layer) and
WorkDir (overlayfs's scratch folder) exist as long as the container does; MergedDir, the
unified view, only while it runs. Elsewhere (Desktop, remote, containerd) nothing to read.
"""

from __future__ import annotations

import os

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.checks.container import inspect_container
from runner.lab.model import ContainerStorageCheck
from runner.lab.variables import substitute
from runner.messages import msg

FOLDERS = ("LowerDir", "UpperDir", "WorkDir", "MergedDir")


def evaluate(check: ContainerStorageCheck, ctx: CheckContext) -> CheckOutcome:
    name = substitute(check.container, ctx.values)
    summary = msg("check.storage", name=name)
    if not ctx.profile.host_paths_visible:
        return CheckOutcome("skip", summary, note=msg("check.docker_root_invisible",
                                                      kind=ctx.profile.kind))
    details = inspect_container(ctx, name)
    if details is None:
        return outcome(summary, [Problem(msg("check.container_state"), "present", "absent")])
    data = (details.get("GraphDriver") or {}).get("Data") or {}
    if not data.get("UpperDir"):
        return CheckOutcome("skip", summary, note=msg("check.storage_no_graphdriver"))
    running = (details.get("State") or {}).get("Running", False)
    problems = [problem for key in FOLDERS for problem in _problems(key, data, running)]
    return outcome(summary, problems, msg("check.storage_dirs", dirs=_listing(data)))


def _problems(key: str, data: dict, running: bool) -> list[Problem]:
    wanted = running or key != "MergedDir"
    problems = []
    for folder in (data.get(key) or "").split(":"):
        if folder and os.path.isdir(folder) != wanted:
            expected, actual = ("exists", "absent") if wanted else ("absent", "exists")
            problems.append(Problem(msg("check.storage_dir", key=key, dir=folder), expected,
                                    actual))
    if wanted and not data.get(key):
        problems.append(Problem(msg("check.storage_dir", key=key, dir="-"), "exists", "absent"))
    return problems


def _listing(data: dict) -> str:
    return "\n".join(f"{key}: {data.get(key, '-')}" for key in FOLDERS)

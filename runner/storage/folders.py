"""A located layer's folders checked on the engine host: each exists, and the merged view
exists exactly while the container runs (it is unmounted when it stops)."""

from __future__ import annotations

from runner.checks.base import Problem
from runner.messages import msg
from runner.storage.host_files import HostFiles
from runner.storage.locate import ContainerLayer


def folder_problems(layer: ContainerLayer, files: HostFiles) -> list[Problem]:
    """Every folder that is not as it should be, named as overlay names them."""
    wanted = [("UpperDir", layer.writable)]
    wanted += [("WorkDir", layer.work)] if layer.work else []
    wanted += [("LowerDir", lower) for lower in layer.image_layers]
    problems = [_problem(field, folder, True) for field, folder in wanted
                if not files.is_dir(folder)]
    # The engine's own mount point (a rootless engine's view is reached through /proc here).
    merged = layer.merged_in_engine or layer.merged
    if merged and merged != layer.writable and files.is_dir(merged) != layer.running:
        problems.append(_problem("MergedDir", merged, layer.running))
    return problems


def _problem(field: str, folder: str, wanted: bool) -> Problem:
    expected, actual = ("present", "absent") if wanted else ("absent", "present")
    return Problem(msg("check.storage_folder", field=field, dir=folder), expected, actual)


def listing(layer: ContainerLayer) -> str:
    """The folders, one per line, as `where` and the check's note show them."""
    lines = [f"UpperDir: {layer.writable}"]
    lines += [f"WorkDir: {layer.work}"] if layer.work else []
    lines += [f"LowerDir: {':'.join(layer.image_layers) or '-'}"]
    lines += [f"MergedDir: {layer.merged}"] if layer.merged else []
    return "\n".join(lines)

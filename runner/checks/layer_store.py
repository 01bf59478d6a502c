"""layer_store: the engine's layer store on the engine host holds the image's layers as a chain.

Docker's graph drivers (overlay2, vfs…): under `<Docker root>/image/<driver>/layerdb/sha256/`
each folder is one layer, named by its *chain id*: the first layer's is its diff id, then
chain(n) = sha256(chain(n-1) + " " + diff(n)). A folder's `diff` file holds the layer's diff id
and its `parent` file the chain id below it: that is the tree the lab shows. Docker's
containerd image store keeps the same tree as containerd snapshots, one committed snapshot
per layer keyed by its chain id, its parent the chain id below (read in the snapshotter's
metadata.db, else asked of containerd with `ctr snapshots ls`). Podman keeps it in
`<driver>-layers/layers.json`.

Passes when every layer of the image is in the store with the parent below it (skipped where
the engine's files cannot be read, or containerd cannot be asked).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictStr

from runner.checks.base import CheckBase, CheckContext, CheckOutcome, outcome, unexamined
from runner.checks.image import inspect_image, layers_of
from runner.messages import Message, msg
from runner.run.status import CheckStatus
from runner.storage.layer_chain import chain_ids, links  # noqa: F401 - part of this check's API


class LayerStoreCheck(CheckBase):
    """The engine's layer store: one folder per layer, each naming its parent (a chain)."""

    type: Literal["layer_store"]
    name: StrictStr = Field(description="An image: every one of its layers must be in the store.")


def evaluate(check: LayerStoreCheck, ctx: CheckContext) -> CheckOutcome:
    from runner.storage.host_files import files_for
    from runner.storage.layout import storage_layout

    name = ctx.text(check.name)
    summary = msg("check.layerdb", name=name)
    files = files_for(ctx.profile)
    if files is None:
        return _skip(summary, msg("check.docker_root_invisible", kind=ctx.profile.kind))
    layout = storage_layout(ctx.profile, files)
    if layout.engine == "containerd" and not files.is_dir(layout.layer_root):
        return _skip(summary, msg("storage.snapshots_missing", dir=layout.layer_root))
    details = inspect_image(ctx, name)
    if details is None:
        return outcome(summary, [unexamined(msg("check.image_state"), "present", "absent")])
    return _in_store(summary, layout, files, layers_of(details))


def _in_store(summary: Message, layout, files, diff_ids: list[str]) -> CheckOutcome:
    from runner.storage import layer_chain

    if layout.engine == "containerd":
        snapshots = _snapshots(layout, files, diff_ids)
        if snapshots is None:
            return _skip(summary, msg("storage.snapshots_unreachable",
                                      dir=layout.containerd_root))
        return outcome(summary, layer_chain.snapshot_problems(snapshots, diff_ids),
                       msg("storage.snapshots", dir=layout.layer_root))
    if layout.engine == "podman":
        return outcome(summary, layer_chain.podman_problems(files, layout.layer_db, diff_ids),
                       msg("check.layerdb_folder", dir=layout.layer_db))
    folder = f"{layout.layer_db}/sha256"
    return outcome(summary, layer_chain.layerdb_problems(files, folder, diff_ids),
                   msg("check.layerdb_folder", dir=folder))


def _snapshots(layout, files, diff_ids: list[str]) -> dict[str, tuple[str, str]] | None:
    """{name: (parent, kind)} of the image's layers' snapshots: from the snapshotter's
    database, else from containerd itself (`ctr snapshots ls`) where it runs on this machine
    (through a helper, a local ctr would ask this machine's containerd: None then)."""
    from runner.storage.containerd_snapshots import list_snapshots
    from runner.storage.host_files import LocalFiles
    from runner.storage.snapshot_db import DB_LIMIT, read_snapshots

    index = read_snapshots(files.read_bytes(layout.layer_db, DB_LIMIT) or b"")
    if index:
        found = [index.get(chain) for chain in chain_ids(diff_ids)]
        return {s.name: (s.parent, s.kind) for s in found if s is not None}
    if not isinstance(files, LocalFiles):
        return None
    return list_snapshots(layout.driver, layout.containerd_root)


def _skip(summary: Message, note: Message) -> CheckOutcome:
    return CheckOutcome(CheckStatus.SKIP, summary, note=note)

"""layer_store: the engine's layer store on this machine holds the image's layers as a chain.

Under `<Docker root>/image/<driver>/layerdb/sha256/` each folder is one layer, named by its
*chain id*: the first layer's is its diff id, then chain(n) = sha256(chain(n-1) + " " +
diff(n)). A folder's `diff` file holds the layer's diff id and its `parent` file the chain id
below it: that is the tree the lab shows. The containerd image store has no such folder.

Passes when every layer of the image is in `<Docker root>/image/<driver>/layerdb/sha256/<chain
id>`, its `diff` file naming its diff id and its `parent` file the chain id below it (skipped
on the containerd image store and where the Docker root is not visible).
"""

from __future__ import annotations

import hashlib
import os
from typing import Literal

from pydantic import Field, StrictStr

from runner.checks.base import CheckBase, CheckContext, CheckOutcome, Problem, outcome, unexamined
from runner.checks.image import inspect_image, layers_of
from runner.messages import msg
from runner.run.status import CheckStatus


class LayerStoreCheck(CheckBase):
    """The engine's layer store: one folder per layer, each naming its parent (a chain)."""

    type: Literal["layer_store"]
    name: StrictStr = Field(description="An image: every one of its layers must be in the store.")


def evaluate(check: LayerStoreCheck, ctx: CheckContext) -> CheckOutcome:
    name = ctx.text(check.name)
    summary = msg("check.layerdb", name=name)
    skipped = _why_invisible(ctx)
    if skipped is not None:
        return CheckOutcome(CheckStatus.SKIP, summary, note=skipped)
    details = inspect_image(ctx, name)
    if details is None:
        return outcome(summary, [unexamined(msg("check.image_state"), "present", "absent")])
    folder = os.path.join(ctx.profile.docker_root, "image", ctx.profile.storage_driver,
                          "layerdb", "sha256")
    problems = [problem for index, (chain, diff, parent) in
                enumerate(links(layers_of(details)))
                for problem in _link_problems(folder, index, chain, diff, parent)]
    return outcome(summary, problems, msg("check.layerdb_folder", dir=folder))


def chain_ids(diff_ids: list[str]) -> list[str]:
    """The chain id of each layer (what the database's folders are named after)."""
    chains: list[str] = []
    for diff in diff_ids:
        if not chains:
            chains.append(diff)
        else:
            text = f"{chains[-1]} {diff}".encode()
            chains.append("sha256:" + hashlib.sha256(text).hexdigest())
    return chains


def links(diff_ids: list[str]) -> list[tuple[str, str, str | None]]:
    """(chain id, diff id, parent chain id or None) for each layer, bottom first."""
    chains = chain_ids(diff_ids)
    return [(chain, diff, chains[i - 1] if i else None)
            for i, (chain, diff) in enumerate(zip(chains, diff_ids, strict=True))]


def _link_problems(folder: str, index: int, chain: str, diff: str,
                   parent: str | None) -> list[Problem]:
    layer_dir = os.path.join(folder, chain.split(":")[-1])
    what = msg("check.layerdb_layer", index=index + 1, chain=chain.split(":")[-1][:12])
    if not os.path.isdir(layer_dir):
        return [Problem(what, layer_dir, "absent")]
    actual = (_read(layer_dir, "diff"), _read(layer_dir, "parent"))
    if actual == (diff, parent):
        return []
    return [Problem(what, f"diff {diff}\nparent {parent or '-'}",
                    f"diff {actual[0]}\nparent {actual[1] or '-'}")]


def _read(layer_dir: str, name: str) -> str | None:
    try:
        with open(os.path.join(layer_dir, name), encoding="ascii") as handle:
            return handle.read().strip()
    except OSError:
        return None


def _why_invisible(ctx: CheckContext):
    if ctx.profile.kind == "containerd":
        return msg("check.layerdb_containerd")
    if not ctx.profile.host_paths_visible:
        return msg("check.docker_root_invisible", kind=ctx.profile.kind)
    return None

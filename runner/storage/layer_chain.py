"""An image's layers in each engine's layer store, as a chain: each layer names its parent.

Docker's graph drivers: `<Docker root>/image/<driver>/layerdb/sha256/<chain id>/` with `diff`
(the layer's diff id) and `parent` (the chain id below). The containerd image store: one
committed snapshot per layer, keyed by chain id, whose parent is the chain id below. Podman:
`<driver>-layers/layers.json`, one entry per layer with its `diff-digest` and `parent` id.
A chain id: the first layer's is its diff id, then chain(n) = sha256(chain(n-1) + " " + diff(n)).
"""

from __future__ import annotations

import hashlib
import json

from runner.checks.base import Problem
from runner.messages import msg
from runner.storage.host_files import HostFiles


def chain_ids(diff_ids: list[str]) -> list[str]:
    """The chain id of each layer (what the layer database's folders are named after)."""
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


def layerdb_problems(files: HostFiles, folder: str, diff_ids: list[str]) -> list[Problem]:
    """Docker's layerdb: every layer's folder, its `diff` and `parent` files."""
    problems = []
    for index, (chain, diff, parent) in enumerate(links(diff_ids)):
        layer_dir = f"{folder}/{chain.split(':')[-1]}"
        what = _what(index, chain)
        if not files.is_dir(layer_dir):
            problems.append(Problem(what, layer_dir, "absent"))
            continue
        actual = (_read(files, f"{layer_dir}/diff"), _read(files, f"{layer_dir}/parent"))
        if actual != (diff, parent):
            problems.append(Problem(what, f"diff {diff}\nparent {parent or '-'}",
                                    f"diff {actual[0]}\nparent {actual[1] or '-'}"))
    return problems


def snapshot_problems(snapshots: dict[str, tuple[str, str]], diff_ids: list[str]
                      ) -> list[Problem]:
    """The containerd store: a committed snapshot per chain id, its parent the one below."""
    problems = []
    for index, (chain, _diff, parent) in enumerate(links(diff_ids)):
        wanted = f"{chain}\nparent {parent or '-'}"
        if chain not in snapshots:
            problems.append(Problem(_what(index, chain), wanted, "absent"))
        elif snapshots[chain][0] != (parent or ""):
            problems.append(Problem(_what(index, chain), wanted,
                                    f"{chain}\nparent {snapshots[chain][0] or '-'}"))
    return problems


def podman_problems(files: HostFiles, layers_json: str, diff_ids: list[str]) -> list[Problem]:
    """Podman: for each diff id, a layer with that diff-digest on top of the one found below."""
    entries = _entries(files, layers_json)
    problems, parent = [], ""
    for index, (chain, diff, _) in enumerate(links(diff_ids)):
        layer = next((e for e in entries if e.get("diff-digest") == diff
                      and (e.get("parent") or "") == parent), None)
        if layer is None:
            problems.append(Problem(_what(index, chain), f"diff {diff}\nparent {parent or '-'}",
                                    "absent"))
            break  # every layer above hangs on this one
        parent = layer.get("id", "")
    return problems


def _what(index: int, chain: str):
    return msg("check.layerdb_layer", index=index + 1, chain=chain.split(":")[-1][:12])


def _read(files: HostFiles, path: str) -> str | None:
    text = files.read_text(path, 4096)
    return text.strip() if text is not None else None


def _entries(files: HostFiles, path: str) -> list[dict]:
    try:
        value = json.loads(files.read_text(path, 64 << 20) or "[]")
    except ValueError:
        return []
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []

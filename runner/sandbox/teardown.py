"""`down`: stop what `up` recorded, by pid, remove what it made, delete its state.

Order matters: the engine first (dockerd stops the containers and their docker-proxy; see
flavour_engines for the others), then containerd, then the registry; then the network
interfaces (only those made after `up` began: a lab network can adopt an existing bridge),
mounts and cgroups that a killed daemon may have left; the state folder last,
and only if it carries the sandbox's marker.
The registry cache ($LABRUNNER_SANDBOX_CACHE) is outside the state folder and is kept.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from runner.sandbox import (
    api,
    daemon,
    flavour_engines,
    leftovers,
    network,
    processes,
    seal,
    state,
)
from runner.sandbox.flavours import Flavour, has_bridge
from runner.sandbox.paths import Layout
from runner.sandbox.state import MARKER

REGISTRY_GRACE = 5.0
ENGINE_BRIDGE = re.compile(r"br-[0-9a-f]{12}")  # what dockerd names a network's bridge


def stop(layout: Layout) -> None:
    """Stop and remove everything of this sandbox; harmless when nothing is there."""
    record = state.read(layout)
    ours = _interfaces_made(record, _bridges(layout, record.get("dockerd_pid", 0)))
    seal.stop(layout, record)  # no request reaches the engine while it stops
    flavour_engines.stop_engine(layout, record)
    leftovers.stop_shims(layout.containerd_socket)
    _stop_own(layout, record.get("registry_pid", 0), REGISTRY_GRACE)
    _stop_own(layout, record.get("push_registry_pid", 0), REGISTRY_GRACE)
    if record.get("bridge"):
        network.remove_rules(record["bridge"])
    network.remove_made(ours)
    leftovers.unmount_below(layout.state_dir, layout.run_dir)
    leftovers.remove_cgroups(daemon.cgroup_parent(layout))
    _remove_folders(layout)


def _interfaces_made(record: dict[str, Any], bridges: list[str]) -> dict[str, int]:
    """Our bridge and the engine's bridges (name -> ifindex, seen while the engine runs) that
    `up` or the engine made: never one the machine had at `up` (recorded then, see state)."""
    own = record.get("bridge") or ""
    names = [own, *bridges] if own else bridges
    now = network.interfaces()
    before = record.get("interfaces")
    if isinstance(before, dict) and before:
        return network.made_after(names, now, before)
    # No record of that moment (a sandbox started by an older labrunner): only the names that
    # are ours or that dockerd gives a network itself, br-<the network's id>.
    return {name: now[name] for name in names
            if name in now and (name == own or ENGINE_BRIDGE.fullmatch(name))}


def _bridges(layout: Layout, pid: int) -> list[str]:
    """The bridges of the engine's networks, to remove once it is gone. None for a flavour
    without a bridge of its own: what it reports is the machine's (docker0), never ours."""
    flavour = Flavour(layout.flavour)
    if not has_bridge(flavour):
        return []
    if flavour == Flavour.PODMAN:
        # Its lab networks' bridges are cni-podmanN, as the user's own podman names them: only
        # the names written in the sandbox's own CNI configs (read even if the service died).
        from runner.sandbox import podman

        return podman.lab_bridges(layout)
    if not (pid and processes.owned(pid, layout.daemon_folder)):
        return []
    return [name for name in api.bridge_names(layout.engine_socket) if name != "docker0"]


def _stop_own(layout: Layout, pid: int, grace: float) -> None:
    if _ours(layout, pid):
        processes.stop(pid, grace)


def _ours(layout: Layout, pid: int) -> bool:
    # A pid reused by another program (after a reboot, say) does not name our state folder.
    return bool(pid) and processes.owned(pid, layout.state_dir)


def _remove_folders(layout: Layout) -> None:
    if layout.run_dir.is_dir() and not _inside(layout.run_dir, layout.state_dir):
        shutil.rmtree(layout.run_dir, ignore_errors=True)
    if (layout.state_dir / MARKER).exists():
        shutil.rmtree(layout.state_dir, ignore_errors=True)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents

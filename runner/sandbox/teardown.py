"""`down`: stop what `up` recorded, by pid, remove what it made, delete its state.

Order matters: dockerd first (it stops the containers and their docker-proxy), then
containerd, then the registry; then the network interfaces, mounts and cgroups that a killed
daemon may have left; the state folder last, and only if it carries the sandbox's marker.
The registry cache ($LABRUNNER_SANDBOX_CACHE) is outside the state folder and is kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from runner.sandbox import api, daemon, leftovers, network, processes, state
from runner.sandbox.paths import Layout
from runner.sandbox.state import MARKER

DOCKERD_GRACE = 30.0  # its own shutdown gives containers daemon.SHUTDOWN_TIMEOUT seconds
CONTAINERD_GRACE = 10.0
REGISTRY_GRACE = 5.0


def stop(layout: Layout) -> None:
    """Stop and remove everything of this sandbox; harmless when nothing is there."""
    record = state.read(layout)
    bridges = _stop_dockerd(layout, record.get("dockerd_pid", 0))
    _stop_own(layout, record.get("containerd_pid", 0), CONTAINERD_GRACE)
    leftovers.stop_shims(layout.containerd_socket)
    _stop_own(layout, record.get("registry_pid", 0), REGISTRY_GRACE)
    if record.get("bridge"):
        network.remove_bridge(record["bridge"])
    network.remove_links([name for name in bridges if name != record.get("bridge")])
    leftovers.unmount_below(layout.state_dir, layout.run_dir)
    leftovers.remove_cgroups(daemon.cgroup_parent(layout))
    _remove_folders(layout)


def _stop_dockerd(layout: Layout, pid: int) -> list[str]:
    """Stop dockerd; return the bridges of its networks, to remove once it is gone."""
    if not _ours(layout, pid):
        return []
    bridges = api.bridge_names(layout.socket)
    processes.stop(pid, DOCKERD_GRACE)
    return bridges


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

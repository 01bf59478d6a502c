"""What a sandbox may leave behind when a daemon was killed: shims, mounts, cgroups.

After a clean shutdown there is nothing here to do; these run anyway, because `down` must
leave the machine as it was even after dockerd crashed or was killed.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from runner.sandbox import processes


def stop_shims(containerd_socket: Path) -> None:
    """Kill the shims of the sandbox's containerd, with their containers' first processes.

    A shim is recognised by the socket of *this* containerd on its command line (`-address`),
    never by its program name; killing a container's first process ends its pid namespace.
    """
    for shim in processes.processes_mentioning(f"-address {containerd_socket}"):
        for child in processes.children(shim):
            processes.kill_now(child)
        processes.stop(shim, grace=2)


def unmount_below(*folders: Path) -> None:
    """Unmount whatever is still mounted under these folders, deepest first."""
    prefixes = tuple(f"{folder}/" for folder in folders)
    points = [point for point in _mount_points() if point.startswith(prefixes)]
    for point in sorted(points, key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True)


def _mount_points() -> list[str]:
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    # /proc/mounts writes a space as \040 (and tab, newline, backslash likewise, in octal).
    return [re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), line.split()[1])
            for line in lines if len(line.split()) > 1]


def remove_cgroups(parent: str) -> None:
    """Remove the (by now empty) parent cgroup of the sandbox's containers, in every hierarchy."""
    for root in _cgroup_roots():
        top = Path(root) / parent.lstrip("/")
        if not top.is_dir():
            continue
        for folder, _, _ in sorted(os.walk(top), key=lambda entry: len(entry[0]), reverse=True):
            try:
                os.rmdir(folder)  # a cgroup folder holds only its control files: rmdir is enough
            except OSError:
                continue


def _cgroup_roots() -> list[str]:
    roots = []
    for line in Path("/proc/self/mounts").read_text().splitlines():
        fields = line.split()
        if len(fields) > 2 and fields[2] in ("cgroup", "cgroup2"):
            roots.append(fields[1])
    return roots

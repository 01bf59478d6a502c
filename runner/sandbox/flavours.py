"""The sandbox's flavours: which engine it runs, and where each flavour keeps its state.

- overlay2: Debian 12's dockerd 20.10 with overlay2 (the sandbox as it always was);
- containerd: dockerd 28.5 with the containerd image store, as Docker 29 installs by default;
- rootless: that same dockerd 28.5 run by an unprivileged user under rootlesskit;
- podman: `podman system service` answering the Docker API;
- vfs, fuse-overlayfs: the overlay2 flavour's dockerd 20.10 told to use that storage driver
  (`--storage-driver`), to show the lesson on the drivers students also meet.

Each flavour has a state folder of its own, so all of them can run at once side by side.
Standard library only: the CLI imports this to parse `--flavour`.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path


class Flavour(StrEnum):
    OVERLAY2 = "overlay2"
    CONTAINERD = "containerd"
    ROOTLESS = "rootless"
    PODMAN = "podman"
    VFS = "vfs"
    FUSE_OVERLAYFS = "fuse-overlayfs"


DEFAULT = Flavour.OVERLAY2
NAMES = tuple(flavour.value for flavour in Flavour)
# Flavours whose dockerd 28.5 and containerd 2.1 come from Debian unstable (see engine_packages).
NEW_DOCKER = (Flavour.CONTAINERD, Flavour.ROOTLESS)
# Flavours that are dockerd 20.10 with a storage driver asked for by name, not its default.
CHOSEN_DRIVER = {Flavour.VFS: "vfs", Flavour.FUSE_OVERLAYFS: "fuse-overlayfs"}
# What `up` and `status` say of the driver such a flavour chose (catalog keys; {docker_root}).
DRIVER_NOTE = {"vfs": "flavour.vfs_chosen", "fuse-overlayfs": "flavour.fuse_overlayfs_chosen"}


def parse(name: str | None) -> Flavour:
    """The flavour named `name` (None: the default); a UsageError (exit 2) for an unknown name."""
    if name is None:
        return DEFAULT
    try:
        return Flavour(name)
    except ValueError:
        from runner.errors import UsageError

        raise UsageError("flavour.unknown", name=name, names=", ".join(NAMES)) from None


def default_state_dir(flavour: Flavour) -> Path:
    """overlay2: the sandbox's folder as always (paths.default_state_dir); another flavour:
    `sandbox-FLAVOUR` beside it, or $LABRUNNER_SANDBOX_DIR-FLAVOUR when that is set."""
    from runner.sandbox import paths

    if flavour == Flavour.OVERLAY2:
        return paths.default_state_dir()
    if os.environ.get("LABRUNNER_SANDBOX_DIR"):
        return Path(f"{os.environ['LABRUNNER_SANDBOX_DIR']}-{flavour}")
    from runner.resources import state_home

    return state_home() / f"sandbox-{flavour}"


def has_bridge(flavour: Flavour) -> bool:
    """Whether the flavour's engine uses a bridge of ours on this machine. The rootless
    dockerd has a network namespace of its own, with its own docker0, reached through a veth
    link of ours instead (see rootless.py); its networks' bridges are never the machine's."""
    return flavour != Flavour.ROOTLESS


def has_own_containerd(flavour: Flavour) -> bool:
    """Whether `up` starts a containerd beside dockerd (rootless dockerd starts its own
    inside rootlesskit; podman has none)."""
    return flavour not in (Flavour.ROOTLESS, Flavour.PODMAN)


def chosen_driver(flavour: Flavour) -> str:
    """The storage driver `up` names on dockerd's command line ("": the engine's default)."""
    return CHOSEN_DRIVER.get(flavour, "")


def driver_message(flavour: Flavour, driver: str) -> str | None:
    """What to say of the engine's storage driver (a catalog key taking {docker_root}): a
    note for the driver the flavour chose, a warning for vfs the engine fell back to."""
    chosen = chosen_driver(flavour)
    if driver and driver == chosen:
        return DRIVER_NOTE[driver]
    return "flavour.vfs_warning" if driver == "vfs" else None

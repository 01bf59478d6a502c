"""The sandbox's flavours: which engine it runs, and where each flavour keeps its state.

- overlay2: Debian 12's dockerd 20.10 with overlay2 (the sandbox as it always was);
- containerd: dockerd 28.5 with the containerd image store, as Docker 29 installs by default;
- rootless: that same dockerd 28.5 run by an unprivileged user under rootlesskit;
- podman: `podman system service` answering the Docker API.

Each flavour has a state folder of its own, so all four can run at once side by side.
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


DEFAULT = Flavour.OVERLAY2
NAMES = tuple(flavour.value for flavour in Flavour)
# Flavours whose dockerd 28.5 and containerd 2.1 come from Debian unstable (see engine_packages).
NEW_DOCKER = (Flavour.CONTAINERD, Flavour.ROOTLESS)


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
    return flavour in (Flavour.OVERLAY2, Flavour.CONTAINERD)

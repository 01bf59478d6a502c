"""Which kind of Docker engine we face, from `docker info`, and what that means for paths.

Students run Linux engines as root, rootless engines (data under ~/.local/share/docker),
Docker Desktop (data inside a VM, invisible from the host) and Docker 29's containerd
image store (no overlay2 folder, no GraphDriver paths). Labs adapt through `only_on` and
`engine_notes`; checks on host paths skip, saying why, where the files cannot be seen.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runner.engines.identity import is_sandbox_info

LOCAL_SCHEMES = ("unix://", "npipe://")


@dataclass(frozen=True)
class EngineProfile:
    kind: str  # one of model.EngineKind
    endpoint: str
    docker_root: str
    storage_driver: str
    server_version: str
    host_paths_visible: bool  # the Docker root is on this machine and we may read it
    sandbox: bool = False  # labrunner's private engine: nothing of the user's is on it


def detect_profile(info: Mapping[str, Any], endpoint: str) -> EngineProfile:
    """Classify the engine from the `docker info` mapping (the API's /info answer)."""
    docker_root = str(info.get("DockerRootDir", ""))
    kind = engine_kind(info, endpoint)
    visible = kind in ("linux", "rootless") and _readable_dir(docker_root)
    return EngineProfile(
        kind=kind,
        endpoint=endpoint,
        docker_root=docker_root,
        storage_driver=str(info.get("Driver", "")),
        server_version=str(info.get("ServerVersion", "")),
        host_paths_visible=visible,
        sandbox=is_sandbox_info(info),
    )


def engine_kind(info: Mapping[str, Any], endpoint: str) -> str:
    if "Docker Desktop" in str(info.get("OperatingSystem", "")):
        return "desktop"
    # The containerd image store reports its snapshotter instead of a graph driver.
    driver_status = {str(k): str(v) for k, v in (info.get("DriverStatus") or [])}
    if driver_status.get("driver-type") == "io.containerd.snapshotter.v1":
        return "containerd"
    if not endpoint.startswith(LOCAL_SCHEMES):
        return "remote"
    if any("rootless" in str(option) for option in info.get("SecurityOptions") or []):
        return "rootless"
    return "linux"


def _readable_dir(path: str) -> bool:
    return bool(path) and os.path.isdir(path) and os.access(path, os.R_OK | os.X_OK)

"""Which kind of Docker engine we face, from `docker info`, and what that means for paths.

Students run Linux engines as root, rootless engines (data under ~/.local/share/docker),
Docker Desktop (data inside a VM, invisible from the host), Docker 29's containerd image
store (no overlay2 folder, no GraphDriver paths) and Podman's Docker-compatible API (data
under /var/lib/containers/storage). Labs adapt through `only_on`, `engine_notes` and
`variants`; runner/storage finds each engine's folders; checks on host paths skip, saying
why, where the files cannot be seen.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runner.engines.identity import is_sandbox_endpoint, is_sandbox_info

LOCAL_SCHEMES = ("unix://", "npipe://")
CONTAINERD_SNAPSHOTTER = "io.containerd.snapshotter.v1"  # DriverStatus driver-type of that store


@dataclass(frozen=True)
class EngineProfile:
    kind: str  # one of model.EngineKind
    endpoint: str
    docker_root: str  # DockerRootDir; Podman's graph root
    storage_driver: str
    server_version: str
    host_paths_visible: bool  # the Docker root is on this machine and we may read it
    sandbox: bool = False  # labrunner's private engine: nothing of the user's is on it
    containerd_store: bool = False  # images and layers in containerd (snapshots), on any kind
    rootless: bool = False  # the engine runs as a user: its data is under that user's home
    engine_id: str = ""  # `docker info` ID: names this engine in a report
    name: str = ""  # `docker info` Name: the engine's host name


def detect_profile(info: Mapping[str, Any], endpoint: str) -> EngineProfile:
    """Classify the engine from the `docker info` mapping (the API's /info answer)."""
    docker_root = str(info.get("DockerRootDir", ""))
    kind = engine_kind(info, endpoint)
    visible = kind in ("linux", "rootless", "containerd", "podman") and _local(endpoint) \
        and _readable_dir(docker_root)
    return EngineProfile(
        kind=kind,
        endpoint=endpoint,
        docker_root=docker_root,
        storage_driver=str(info.get("Driver", "")),
        server_version=str(info.get("ServerVersion", "")),
        host_paths_visible=visible,
        sandbox=is_sandbox_info(info) or is_sandbox_endpoint(endpoint),
        containerd_store=uses_containerd_store(info),
        rootless=is_rootless(info),
        engine_id=str(info.get("ID", "")),
        name=str(info.get("Name", "")),
    )


def engine_kind(info: Mapping[str, Any], endpoint: str) -> str:
    if "Docker Desktop" in str(info.get("OperatingSystem", "")):
        return "desktop"
    if is_podman(info):
        return "podman"
    # The containerd image store reports its snapshotter instead of a graph driver.
    if uses_containerd_store(info):
        return "containerd"
    if not _local(endpoint):
        return "remote"
    if is_rootless(info):
        return "rootless"
    return "linux"


def is_podman(info: Mapping[str, Any]) -> bool:
    """Podman's compat /info carries Buildah's version (Docker's never does); older or
    rebuilt ones may at least name podman somewhere."""
    if "BuildahVersion" in info:
        return True
    named = " ".join(str(info.get(key, "")) for key in ("ServerVersion", "OperatingSystem", "Name"))
    return "podman" in named.lower()


def uses_containerd_store(info: Mapping[str, Any]) -> bool:
    """Docker's containerd image store: DriverStatus has `driver-type` CONTAINERD_SNAPSHOTTER."""
    status = {str(pair[0]): str(pair[1]) for pair in info.get("DriverStatus") or []
              if isinstance(pair, list | tuple) and len(pair) == 2}
    return status.get("driver-type") == CONTAINERD_SNAPSHOTTER


def is_rootless(info: Mapping[str, Any]) -> bool:
    """Docker lists `name=rootless` in SecurityOptions; Podman answers `Rootless: true`."""
    if info.get("Rootless") is True:
        return True
    return any("rootless" in str(option) for option in info.get("SecurityOptions") or [])


def _local(endpoint: str) -> bool:
    return endpoint.startswith(LOCAL_SCHEMES)


def _readable_dir(path: str) -> bool:
    return bool(path) and os.path.isdir(path) and os.access(path, os.R_OK | os.X_OK)

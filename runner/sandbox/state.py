"""What a running sandbox is (SandboxInfo) and the record `up` leaves for `status` and `down`.

The record is written as each piece starts (registry pid, bridge, containerd pid…), not only
at the end, so that `down` can stop exactly what a failed or interrupted `up` left running.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from runner.sandbox import jsonfile
from runner.sandbox.paths import Layout

MARKER = ".labrunner-sandbox"  # only a folder holding this is ever removed by `down`


@dataclass(frozen=True)
class SandboxInfo:
    """A started sandbox: where to reach it and which processes are its own."""

    docker_host: str  # unix:///…/docker.sock
    docker_root: str  # the engine's DockerRootDir, as `docker info` says it
    registry: str  # 127.0.0.1:PORT, the engine's registry mirror
    dockerd_pid: int
    registry_pid: int
    state_dir: str
    containerd_pid: int = 0
    run_dir: str = ""
    bridge: str = ""  # empty: no bridge (ports are not published)
    subnet: str = ""
    flavour: str = "overlay2"  # see flavours.Flavour
    client_dir: str = ""  # the folder of the docker client matching the engine ("": the system's)
    storage_driver: str = ""  # `docker info` Driver
    # Where the engine pushes (stand-ins, imports) when its mirror is read-only (rootless:
    # see registry.py); "" and 0: it pushes to the mirror itself.
    push_registry: str = ""
    push_registry_pid: int = 0

    @property
    def pushes_to(self) -> str:
        return self.push_registry or self.registry


@dataclass(frozen=True)
class SandboxStatus:
    """What `labrunner sandbox status` says; `info` is None when nothing was ever recorded.

    `origins` tells, for each served image, where it comes from (see mirror.origins)."""

    running: bool
    info: SandboxInfo | None
    images: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)

    @property
    def docker_host(self) -> str:
        return self.info.docker_host if self.info else ""

    @property
    def registry(self) -> str:
        return self.info.registry if self.info else ""

    def origin(self, image: str) -> str:
        """"standin", "imported" or "other"."""
        return self.origins.get(image, "other")

    @property
    def pids(self) -> dict[str, int]:
        if self.info is None:
            return {}
        return {"dockerd": self.info.dockerd_pid, "containerd": self.info.containerd_pid,
                "registry": self.info.registry_pid}


def recorded_flavour(state_dir: Path) -> str | None:
    """The flavour `up` recorded in this state folder, None when there is no record."""
    flavour = read(Layout.for_state(state_dir)).get("flavour")
    return flavour if isinstance(flavour, str) else None


def read(layout: Layout) -> dict[str, Any]:
    """The raw record (possibly partial); {} when there is none."""
    return jsonfile.read(layout.record)


def update(layout: Layout, **values: Any) -> None:
    """Merge `values` into the record, written whole each time (small, rarely written).
    The first write of an `up` also keeps the machine's network interfaces of that moment
    (`interfaces`: name -> ifindex): `down` never deletes one of them."""
    record = read(layout) or _interfaces_before_up()
    jsonfile.write(layout.record, record | values)


def _interfaces_before_up() -> dict[str, Any]:
    from runner.sandbox import network

    interfaces = network.interfaces()
    return {"interfaces": interfaces} if interfaces else {}


def info(layout: Layout) -> SandboxInfo | None:
    """The SandboxInfo of a completed `up`, else None."""
    record = read(layout)
    if not record.get("complete"):
        return None
    try:
        return SandboxInfo(**{f.name: record[f.name] for f in fields(SandboxInfo)
                              if f.name in record})
    except TypeError:
        return None


def as_record(sandbox_info: SandboxInfo) -> dict[str, Any]:
    return asdict(sandbox_info) | {"complete": True}

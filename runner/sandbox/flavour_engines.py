"""Start and stop each flavour's engine; the registry and the bridge are the same for all.

Every pid is recorded (state.json) the moment it is spawned, as `dockerd_pid` for the engine
whatever it is (rootlesskit, `podman system service`) and `containerd_pid` when the flavour
runs one beside it, so `down` stops exactly those.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from runner.errors import SandboxError
from runner.sandbox import daemon, processes, state
from runner.sandbox.engine_packages import EnginePackages
from runner.sandbox.flavours import Flavour, has_own_containerd
from runner.sandbox.paths import Layout

Progress = Callable[[str, dict], None]
DOCKERD_GRACE = 30.0  # its own shutdown gives containers daemon.SHUTDOWN_TIMEOUT seconds
CONTAINERD_GRACE = 10.0
# `status` names the engine's process after what it is.
ENGINE_PROGRAM = {Flavour.OVERLAY2: "dockerd", Flavour.CONTAINERD: "dockerd",
                  Flavour.ROOTLESS: "dockerd (rootless)", Flavour.PODMAN: "podman",
                  Flavour.VFS: "dockerd", Flavour.FUSE_OVERLAYFS: "dockerd"}


def start(layout: Layout, address: str, network: tuple[str, str],
          packages: EnginePackages | None, progress: Progress) -> None:
    """Start the engine of `layout.flavour`; return once its API answers (else SandboxError)."""
    flavour = Flavour(layout.flavour)
    if flavour == Flavour.ROOTLESS:
        _start_rootless(layout, address, network[1], packages, progress)
    elif flavour == Flavour.PODMAN:
        _start_podman(layout, address, network)
    else:
        _start_dockerd(layout, address, network[0], packages)


def _start_dockerd(layout: Layout, address: str, bridge: str,
                   packages: EnginePackages | None) -> None:
    containerd_pid = daemon.spawn_containerd(layout, packages)
    state.update(layout, containerd_pid=containerd_pid)
    if not daemon.wait_containerd(layout, containerd_pid):
        raise SandboxError("sandbox.containerd_failed", seconds=int(daemon.CONTAINERD_TIMEOUT),
                           log=processes.log_tail(layout.file("containerd.log")))
    dockerd_pid = daemon.spawn_dockerd(layout, address, bridge, packages)
    state.update(layout, dockerd_pid=dockerd_pid)
    if not daemon.wait_dockerd(layout, dockerd_pid):
        raise SandboxError("sandbox.dockerd_failed", seconds=int(daemon.DOCKERD_TIMEOUT),
                           log=processes.log_tail(layout.file("dockerd.log")))


def _start_rootless(layout: Layout, address: str, subnet: str,
                    packages: EnginePackages | None, progress: Progress) -> None:
    from runner.sandbox import rootless
    from runner.sandbox.rootless_user import ensure_user

    user = ensure_user(progress)
    pid = rootless.spawn(layout, address, packages, user)
    state.update(layout, dockerd_pid=pid)
    if not (rootless.connect(layout, pid, subnet) and rootless.wait(layout, pid)):
        raise SandboxError("flavour.rootless_failed", seconds=int(rootless.START_TIMEOUT),
                           log=processes.log_tail(layout.file("dockerd.log")))


def _start_podman(layout: Layout, address: str, network: tuple[str, str]) -> None:
    from runner.sandbox import podman

    pid = podman.spawn(layout, address, *network)
    state.update(layout, dockerd_pid=pid)
    if not podman.wait(layout, pid):
        raise SandboxError("flavour.podman_failed", seconds=int(podman.START_TIMEOUT),
                           log=processes.log_tail(layout.file("podman.log")))


def owned_pids(layout: Layout, record: dict) -> list[tuple[int, Path]]:
    """(pid, the folder its command line names) of each daemon the flavour must have running."""
    pids = [(record.get("dockerd_pid", 0), layout.daemon_folder),
            (record.get("registry_pid", 0), layout.state_dir)]
    if has_own_containerd(Flavour(layout.flavour)):
        pids.append((record.get("containerd_pid", 0), layout.state_dir))
    if Flavour(layout.flavour) == Flavour.ROOTLESS:  # its mirror is read-only
        pids.append((record.get("push_registry_pid", 0), layout.state_dir))
    return pids


def stop_engine(layout: Layout, record: dict) -> None:
    """Stop the engine and its containerd (by recorded pid, if still theirs) and what they left."""
    engine = record.get("dockerd_pid", 0)
    if engine and processes.owned(engine, layout.daemon_folder):
        processes.stop(engine, DOCKERD_GRACE)
    containerd = record.get("containerd_pid", 0)
    if containerd and processes.owned(containerd, layout.state_dir):
        processes.stop(containerd, CONTAINERD_GRACE)
    flavour = Flavour(layout.flavour)
    if flavour == Flavour.ROOTLESS:
        from runner.sandbox import rootless

        rootless.cleanup(layout)
    elif flavour == Flavour.PODMAN:
        from runner.sandbox import podman

        podman.cleanup(layout)

"""`up`, step by step: registry, bridge, containerd, dockerd, stand-ins.

Each process is recorded the moment it is spawned, so that whatever happens next (a daemon
that does not come up, Ctrl-C) `down` knows exactly what to stop.
"""

from __future__ import annotations

from collections.abc import Callable

from runner.errors import SandboxError
from runner.sandbox import daemon, dockercli, network, processes, registry, standins, state
from runner.sandbox.paths import Layout
from runner.sandbox.state import MARKER, SandboxInfo

Progress = Callable[[str, dict], None]
REGISTRY_ATTEMPTS = 3  # another program may take the free port before the registry binds it


def start(layout: Layout, progress: Progress) -> SandboxInfo:
    """Start every piece of the sandbox and return its SandboxInfo (recorded in state.json)."""
    prepare_folders(layout)
    progress("sandbox.starting", {"dir": str(layout.state_dir)})
    address = _start_registry(layout)
    progress("sandbox.registry_up", {"registry": address})
    bridge, subnet = _start_bridge(layout)
    progress("sandbox.bridge_up", {"bridge": bridge, "subnet": subnet})
    _start_engine(layout, address, bridge)
    progress("sandbox.engine_up", {"docker_host": f"unix://{layout.socket}"})
    _load_standins(layout, address, progress)
    info = _completed(layout)
    state.update(layout, **state.as_record(info))
    return info


def _completed(layout: Layout) -> SandboxInfo:
    record = state.read(layout)
    return SandboxInfo(
        docker_host=f"unix://{layout.socket}", docker_root=daemon.docker_root(layout),
        registry=record["registry"], dockerd_pid=record["dockerd_pid"],
        registry_pid=record["registry_pid"], state_dir=str(layout.state_dir),
        containerd_pid=record["containerd_pid"], run_dir=str(layout.run_dir),
        bridge=record["bridge"], subnet=record["subnet"])


def prepare_folders(layout: Layout) -> None:
    """Create the folders; refuse a state folder that holds something that is not ours,
    because `down` deletes the state folder."""
    folder = layout.state_dir
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise SandboxError("sandbox.state_dir_not_ours", dir=str(folder))
    for path in (folder, layout.run_dir, layout.data_root):
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    (folder / MARKER).write_text("labrunner sandbox: `labrunner sandbox down` deletes this "
                                 "folder\n", encoding="utf-8")
    state.update(layout, state_dir=str(folder), run_dir=str(layout.run_dir))


def _start_registry(layout: Layout) -> str:
    for _ in range(REGISTRY_ATTEMPTS):
        pid, address = registry.spawn(layout.registry_storage, layout.file("registry.yml"),
                                      layout.file("registry.log"))
        state.update(layout, registry_pid=pid)
        if registry.wait_ready(pid, address):
            state.update(layout, registry=address)
            return address
        processes.stop(pid, grace=2)
    raise SandboxError("sandbox.registry_failed", seconds=int(registry.START_TIMEOUT),
                       log=processes.log_tail(layout.file("registry.log")))


def _start_bridge(layout: Layout) -> tuple[str, str]:
    """Our own bridge and its subnet. Without one the sandbox does not start: a dockerd given
    no bridge of its own (`--bridge none`) deletes the machine's `docker0` at start, the
    bridge another engine of the machine uses."""
    name = network.bridge_name(layout.tag)
    state.update(layout, bridge=name)  # before creating it: `down` must remove a half-made one
    subnet = network.create_bridge(name, layout.tag)
    state.update(layout, bridge=name if subnet else "", subnet=subnet)
    if not subnet:
        raise SandboxError("sandbox.no_bridge")
    return name, subnet


def _start_engine(layout: Layout, registry_address: str, bridge: str) -> None:
    containerd_pid = daemon.spawn_containerd(layout)
    state.update(layout, containerd_pid=containerd_pid)
    if not daemon.wait_containerd(layout, containerd_pid):
        raise SandboxError("sandbox.containerd_failed", seconds=int(daemon.CONTAINERD_TIMEOUT),
                           log=processes.log_tail(layout.file("containerd.log")))
    dockerd_pid = daemon.spawn_dockerd(layout, registry_address, bridge)
    state.update(layout, dockerd_pid=dockerd_pid)
    if not daemon.wait_dockerd(layout, dockerd_pid):
        raise SandboxError("sandbox.dockerd_failed", seconds=int(daemon.DOCKERD_TIMEOUT),
                           log=processes.log_tail(layout.file("dockerd.log")))


def _load_standins(layout: Layout, address: str, progress: Progress) -> None:
    storage = layout.registry_storage
    todo = standins.missing(registry.served_images(address), storage)
    if not todo:
        return
    docker = dockercli.runner(dockercli.env(layout))
    standins.load(docker, address, todo, storage, progress)

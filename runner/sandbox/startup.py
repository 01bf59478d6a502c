"""`up`, step by step: engine packages (when the flavour needs them), registry, bridge,
the flavour's engine (see flavour_engines), stand-ins.

Each process is recorded the moment it is spawned, so that whatever happens next (a daemon
that does not come up, Ctrl-C) `down` knows exactly what to stop.
"""

from __future__ import annotations

from collections.abc import Callable

from runner.engines import identity
from runner.errors import SandboxError
from runner.sandbox import (
    api,
    daemon,
    dockercli,
    flavour_engines,
    network,
    processes,
    registry,
    seal,
    standins,
    state,
)
from runner.sandbox.flavours import NEW_DOCKER, Flavour, driver_message
from runner.sandbox.paths import Layout
from runner.sandbox.state import MARKER, SandboxInfo

Progress = Callable[[str, dict], None]
REGISTRY_ATTEMPTS = 3  # another program may take the free port before the registry binds it


def start(layout: Layout, progress: Progress) -> SandboxInfo:
    """Start every piece of the sandbox and return its SandboxInfo (recorded in state.json)."""
    prepare_folders(layout)
    flavour = Flavour(layout.flavour)
    _say_starting(flavour, layout, progress)
    packages = _packages(flavour, progress)
    address, network_ = _start_registry_and_network(layout, flavour, progress)
    _start_engine(layout, address, network_, packages, progress)
    seal.start(layout)  # the public socket: every client's requests pass the seal
    push = _start_push_registry(layout) if flavour == Flavour.ROOTLESS else address
    identity.mark_socket_folder(str(layout.socket))  # Podman's `docker info` has no labels
    _say_engine_up(flavour, layout, progress)
    driver = _storage_driver(layout, progress)
    client_dir = packages.client_dir if packages else ""
    _load_standins(layout, address, push, progress, client_dir)
    info = _completed(layout, client_dir, driver)
    state.update(layout, **state.as_record(info))
    return info


def _say_starting(flavour: Flavour, layout: Layout, progress: Progress) -> None:
    if flavour == Flavour.OVERLAY2:
        progress("sandbox.starting", {"dir": str(layout.state_dir)})
    else:
        progress("flavour.starting", {"flavour": str(flavour), "dir": str(layout.state_dir)})


def _start_registry_and_network(layout: Layout, flavour: Flavour,
                                progress: Progress) -> tuple[str, tuple[str, str]]:
    """The registry's address and (bridge, subnet): our bridge, or for the rootless flavour
    the veth link the registry then listens on."""
    if flavour == Flavour.ROOTLESS:
        network_ = _start_link(layout)
        address = _start_registry(layout, network.gateway(network_[1]), readonly=True)
        progress("sandbox.registry_up", {"registry": address})
        progress("flavour.rootless_network", {"bridge": network_[0], "subnet": network_[1]})
        return address, network_
    address = _start_registry(layout)
    progress("sandbox.registry_up", {"registry": address})
    network_ = _start_bridge(layout)
    progress("sandbox.bridge_up", {"bridge": network_[0], "subnet": network_[1]})
    return address, network_


def _start_link(layout: Layout) -> tuple[str, str]:
    """The rootless sandbox's veth pair (see rootless.py), recorded as its bridge."""
    name = network.bridge_name(layout.tag)
    state.update(layout, bridge=name)
    subnet = network.create_link(name, network.peer_name(layout.tag), layout.tag)
    state.update(layout, bridge=name if subnet else "", subnet=subnet)
    if not subnet:
        raise SandboxError("sandbox.no_bridge")
    return name, subnet


def _start_engine(layout: Layout, address: str, network_: tuple[str, str], packages,
                  progress: Progress) -> None:
    """The flavour's engine, given the registry and the bridge made before it."""
    flavour_engines.start(layout, address, network_, packages, progress)


def _say_engine_up(flavour: Flavour, layout: Layout, progress: Progress) -> None:
    docker_host = f"unix://{layout.socket}"
    if flavour == Flavour.OVERLAY2:
        progress("sandbox.engine_up", {"docker_host": docker_host})
    else:
        progress("flavour.engine_up", {"engine": flavour_engines.ENGINE_PROGRAM[flavour],
                                       "docker_host": docker_host})


def _packages(flavour: Flavour, progress: Progress):
    """dockerd 28.5 and containerd 2.1 for the flavours that run them, else None."""
    if flavour not in NEW_DOCKER:
        return None
    from runner.sandbox import engine_packages

    return engine_packages.ensure(progress)


def _storage_driver(layout: Layout, progress: Progress) -> str:
    """The engine's storage driver, and what it means (flavours.driver_message): a note for
    the driver the flavour chose, a warning when the engine fell back to vfs unasked."""
    info = api.get_json(layout.engine_socket, "/info") or {}
    driver = str(info.get("Driver", ""))
    key = driver_message(Flavour(layout.flavour), driver)
    if key is not None:
        progress(key, {"docker_root": str(info.get("DockerRootDir", ""))})
    return driver


def _completed(layout: Layout, client_dir: str, driver: str) -> SandboxInfo:
    record = state.read(layout)
    return SandboxInfo(
        docker_host=f"unix://{layout.socket}", docker_root=daemon.docker_root(layout),
        registry=record["registry"], dockerd_pid=record["dockerd_pid"],
        registry_pid=record["registry_pid"], state_dir=str(layout.state_dir),
        containerd_pid=record.get("containerd_pid", 0), run_dir=str(layout.run_dir),
        bridge=record.get("bridge", ""), subnet=record.get("subnet", ""),
        flavour=layout.flavour, client_dir=client_dir, storage_driver=driver,
        push_registry=record.get("push_registry", ""),
        push_registry_pid=record.get("push_registry_pid", 0))


def prepare_folders(layout: Layout) -> None:
    """Create the folders; refuse a state folder that holds something that is not ours,
    because `down` deletes the state folder."""
    folder = layout.state_dir
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise SandboxError("sandbox.state_dir_not_ours", dir=str(folder))
    # The rootless flavour's run folder is in the user's HOME, made afresh by rootless.py.
    mine = [] if layout.home else [layout.run_dir, layout.engine_dir]
    for path in (folder, layout.data_root, *mine):
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    (folder / MARKER).write_text("labrunner sandbox: `labrunner sandbox down` deletes this "
                                 "folder\n", encoding="utf-8")
    state.update(layout, state_dir=str(folder), run_dir=str(layout.run_dir),
                 flavour=layout.flavour)


def _start_registry(layout: Layout, host: str = "127.0.0.1", readonly: bool = False) -> str:
    for _ in range(REGISTRY_ATTEMPTS):
        pid, address = registry.spawn(layout.registry_storage, layout.file("registry.yml"),
                                      layout.file("registry.log"), host, readonly)
        state.update(layout, registry_pid=pid)
        if registry.wait_ready(pid, address):
            state.update(layout, registry=address)
            return address
        processes.stop(pid, grace=2)
    raise SandboxError("sandbox.registry_failed", seconds=int(registry.START_TIMEOUT),
                       log=processes.log_tail(layout.file("registry.log")))


def _start_push_registry(layout: Layout) -> str:
    """The rootless engine's registry for pushes, on 127.0.0.1 of its own network namespace
    (its mirror, on the link, is read-only: see registry.py); its address."""
    from runner.sandbox import rootless

    log = layout.file("push-registry.log")
    for _ in range(REGISTRY_ATTEMPTS):  # the random port may be taken in there
        pid, address = registry.spawn_inside(layout.registry_storage,
                                             layout.file("push-registry.yml"), log,
                                             rootless.engine_pid(layout))
        state.update(layout, push_registry_pid=pid)
        if registry.wait_listening(pid, address):
            state.update(layout, push_registry=address)
            return address
        processes.stop(pid, grace=2)
    raise SandboxError("sandbox.registry_failed", seconds=int(registry.START_TIMEOUT),
                       log=processes.log_tail(log))


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


def _load_standins(layout: Layout, mirror: str, push: str, progress: Progress,
                   client_dir: str) -> None:
    """Build and push (to `push`) the stand-ins the mirror does not serve yet."""
    storage = layout.registry_storage
    todo = standins.missing(registry.served_images(mirror), storage)
    if not todo:
        return
    docker = dockercli.runner(dockercli.env(layout, client_dir))
    standins.load(docker, push, todo, storage, progress)

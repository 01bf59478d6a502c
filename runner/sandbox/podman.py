"""The Podman flavour's engine: `podman system service` answering the Docker API on the
sandbox's socket, with every file inside the sandbox (see podman_config).

Unlike dockerd, the service does not own its containers: each runs under its own conmon,
which outlives the service. `cleanup` therefore removes the containers (and their network
namespaces, mounts and CNI leases) with podman itself, then kills whatever conmon is left.
The Docker API gives no way to label a podman (its /info `Labels` is always null): a client
knows this one is the sandbox's by its socket, the sandbox's own.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from pathlib import Path

from runner.sandbox import api, leftovers, processes
from runner.sandbox.paths import Layout
from runner.sandbox.podman_config import NETWORK, PodmanPaths, write_all
from runner.sandbox.requirements import program

# Where podman would reach Docker Hub: a port nothing listens on, as for the sandbox's dockerd.
DEAD_PROXY = "http://127.0.0.1:0"
START_TIMEOUT = 30.0
REMOVE_TIMEOUT = 60.0  # for `podman rm --all --force` at cleanup
STOP_GRACE = 2  # seconds a container gets to stop at cleanup
# Variables through which a user's settings would reach the sandbox's podman.
FOREIGN_PREFIXES = ("CONTAINERS_", "BUILDAH_", "PODMAN_", "STORAGE_", "REGISTRIES_",
                    "XDG_", "DOCKER_", "TMPDIR")
# What the flavour runs, beside the registry and docker CLI every flavour needs.
PROGRAMS = ("podman", "conmon", "runc")
CNI_PLUGINS = (Path("/usr/lib/cni/bridge"), Path("/usr/lib/cni/host-local"))


def missing_requirement() -> str | None:
    """None when podman can start here, else the catalog key saying what to install."""
    if any(program(name) is None for name in PROGRAMS):
        return "podman_engine.missing_podman"
    if not all(plugin.is_file() for plugin in CNI_PLUGINS):
        return "podman_engine.missing_cni"
    return None


def spawn(layout: Layout, registry_address: str, bridge: str, subnet: str) -> int:
    """Write the configuration and start the service; return its pid at once (see wait)."""
    paths = PodmanPaths(layout)
    write_all(paths, registry_address, bridge, subnet)
    layout.engine_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    command = [*podman_command(paths), "system", "service", "--time=0",
               f"unix://{layout.engine_socket}"]  # the seal serves layout.socket
    return processes.spawn(command, log_file(layout), podman_env(paths))


def log_file(layout: Layout) -> Path:
    """The service's log (its tail goes into the error when it does not start)."""
    return layout.file("podman.log")


def wait(layout: Layout, pid: int) -> bool:
    """True once the Docker-compatible API answers on the sandbox's socket."""
    return processes.wait_for(pid, lambda: api.answers(layout.engine_socket), START_TIMEOUT,
                              interval=0.1)


def podman_command(paths: PodmanPaths) -> list[str]:
    """`podman` with the sandbox's store on its command line: `down` recognises the service
    by its state folder there (the socket may live outside it, see paths.Layout)."""
    return [program("podman") or "podman", "--root", str(paths.graphroot),
            "--runroot", str(paths.runroot), "--tmpdir", str(paths.tmp_dir)]


def podman_env(paths: PodmanPaths) -> dict[str, str]:
    """The service's environment: its own config files and home, no setting of the user's."""
    env = {name: value for name, value in processes.daemon_env().items()
           if not name.upper().startswith(FOREIGN_PREFIXES)}
    runtime_dir = paths.layout.run_dir / "xdg"
    runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return env | {
        "CONTAINERS_CONF": str(paths.containers_conf),
        "CONTAINERS_STORAGE_CONF": str(paths.storage_conf),
        "HOME": str(paths.home), "XDG_CONFIG_HOME": str(paths.home / ".config"),
        "XDG_DATA_HOME": str(paths.home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(runtime_dir), "TMPDIR": str(paths.temp),
        "HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY, "NO_PROXY": "127.0.0.1,localhost",
    }


def cleanup(layout: Layout) -> None:
    """Remove every container of the sandbox's podman, then unmount what is left under the
    sandbox's folders. Call it after stopping the service; harmless when nothing is there."""
    paths = PodmanPaths(layout)
    if paths.containers_conf.is_file() and paths.graphroot.is_dir():
        _remove_containers(paths)
    for conmon in processes.processes_mentioning(f"{paths.graphroot}/overlay-containers/"):
        for child in processes.children(conmon):
            processes.kill_now(child)
        processes.stop(conmon, grace=2)
    leftovers.unmount_below(layout.state_dir, layout.run_dir, paths.runroot)
    if not paths.runroot.is_relative_to(layout.run_dir):  # the short one in /tmp
        shutil.rmtree(paths.runroot, ignore_errors=True)


def _remove_containers(paths: PodmanPaths) -> None:
    """`podman rm --all --force`: stops the containers, tears their networks down (CNI DEL,
    network namespace) and unmounts their layers, as the service would have."""
    command = [*podman_command(paths), "rm", "--all", "--force", "--time", str(STOP_GRACE)]
    # What podman could not remove (it failed, or took too long) cleanup kills and unmounts.
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(command, env=podman_env(paths), capture_output=True,
                       timeout=REMOVE_TIMEOUT, stdin=subprocess.DEVNULL)


def lab_bridges(layout: Layout) -> list[str]:
    """Bridges of the networks a lab created (`docker network create`: podman names them
    cni-podmanN), to delete at `down` once the containers are gone; never the sandbox's own.
    Read from the sandbox's own CNI configs alone: never a name pattern, which the user's
    podman shares."""
    names = []
    for conflist in sorted(PodmanPaths(layout).networks.glob("*.conflist")):
        if conflist.stem == NETWORK:
            continue
        try:
            plugins = json.loads(conflist.read_text(encoding="utf-8")).get("plugins", [])
        except (OSError, ValueError, AttributeError):
            continue
        names += [plugin["bridge"] for plugin in plugins
                  if isinstance(plugin, dict) and plugin.get("type") == "bridge"
                  and isinstance(plugin.get("bridge"), str)]
    return names

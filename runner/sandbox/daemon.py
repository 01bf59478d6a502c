"""The sandbox's containerd and dockerd processes, each with every path inside the sandbox.

dockerd 20.10 would use a system containerd whenever /run/containerd/containerd.sock exists,
sharing its "moby" namespace with the user's own engine; so the sandbox starts its own
containerd (state and sockets in the run folder, data in the data root) and points
dockerd at it with --containerd.

The containerd flavour runs dockerd 28.5 and containerd 2.1 (see engine_packages) the same
way, with the containerd image store switched on, as Docker 29 does by default; containerd's
root is then `<data root>/containerd/daemon`, where dockerd would put its own containerd's.
The vfs and fuse-overlayfs flavours are the overlay2 one with `--storage-driver`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from runner.engines import identity
from runner.sandbox import api, processes
from runner.sandbox.flavours import Flavour, chosen_driver
from runner.sandbox.paths import Layout
from runner.sandbox.requirements import program, search_path

if TYPE_CHECKING:
    from runner.sandbox.engine_packages import EnginePackages

CONTAINERD_CONFIG = """version = 2
root = "{data}"
state = "{state}"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "{socket}"

[ttrpc]
  address = "{socket}.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "{data}/opt"
"""
# containerd 2.x: schema version 3. The Kubernetes CRI plugins are off (as in version 2), and
# so is NRI, which would listen on /var/run/nri/nri.sock, a path shared with the machine.
CONTAINERD_CONFIG_V3 = CONTAINERD_CONFIG.replace("version = 2", "version = 3").replace(
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images",\n'
    '                    "io.containerd.cri.v1.runtime", "io.containerd.nri.v1.nri"]')
# The containerd image store, as a fresh Docker 29 installation has it.
CONTAINERD_STORE = {"features": {"containerd-snapshotter": True}}
# Where dockerd would reach Docker Hub: a port nothing can listen on, so a pull that the mirror
# cannot serve fails at once instead of leaving this machine (127.0.0.1 itself is not proxied).
DEAD_PROXY = "http://127.0.0.1:0"
CONTAINERD_TIMEOUT = 20.0
DOCKERD_TIMEOUT = 60.0
SHUTDOWN_TIMEOUT = 5  # seconds dockerd gives a container to stop when the sandbox goes down


def spawn_containerd(layout: Layout, packages: EnginePackages | None = None) -> int:
    """Start the sandbox's own containerd; return its pid at once (wait_containerd waits).
    With `packages`: containerd 2.1 from them, else the machine's."""
    layout.containerd_dir.mkdir(parents=True, exist_ok=True)
    config = layout.file("containerd.toml")
    template, data = CONTAINERD_CONFIG, layout.data_root / "containerd"
    if packages is not None:
        template, data = CONTAINERD_CONFIG_V3, data / "daemon"
    config.write_text(template.format(data=data, state=layout.containerd_dir,
                                      socket=layout.containerd_socket), encoding="utf-8")
    command = [_program("containerd", packages), "--config", str(config)]
    return processes.spawn(command, layout.file("containerd.log"), _env(packages))


def wait_containerd(layout: Layout, pid: int) -> bool:
    return processes.wait_for(pid, layout.containerd_socket.is_socket, CONTAINERD_TIMEOUT)


def spawn_dockerd(layout: Layout, registry: str, bridge: str,
                  packages: EnginePackages | None = None) -> int:
    """Start the sandbox's dockerd; return its pid at once (wait_dockerd waits for its API).
    With `packages`: dockerd 28.5 from them, with the containerd image store."""
    # Our own config file (/etc/docker/daemon.json belongs to the user's engine), which also
    # moves the engine's identity key out of /etc/docker/key.json.
    config = {"deprecated-key-path": str(layout.file("key.json"))}
    if packages is not None:  # dockerd 28 makes no identity key: nothing to move
        config = dict(CONTAINERD_STORE)
    layout.file("daemon.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    layout.engine_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = _env(packages) | {"HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY,
                            "NO_PROXY": "127.0.0.1,localhost"}
    command = dockerd_command(layout, registry, bridge)
    command[0] = _program("dockerd", packages)
    return processes.spawn(command, layout.file("dockerd.log"), env)


def _program(name: str, packages: EnginePackages | None) -> str:
    if packages is not None:
        return packages.program(name)
    return program(name) or name


def _env(packages: EnginePackages | None) -> dict[str, str]:
    """The daemons' environment; the packages' programs first in PATH (containerd 2.1 finds
    its own shim there, dockerd 28.5 its docker-proxy)."""
    if packages is None:
        return processes.daemon_env()
    return processes.daemon_env(PATH=":".join([*packages.bin_dirs(), search_path()]))


def wait_dockerd(layout: Layout, pid: int) -> bool:
    return processes.wait_for(pid, lambda: api.answers(layout.engine_socket), DOCKERD_TIMEOUT,
                              interval=0.1)


def dockerd_command(layout: Layout, registry: str, bridge: str) -> list[str]:
    """dockerd's arguments: nothing shared with the user's engine, no iptables rule; the
    storage driver when the flavour names one (vfs, fuse-overlayfs: see flavours)."""
    return [*_base_command(layout, registry, bridge), *_driver_option(layout)]


def _driver_option(layout: Layout) -> list[str]:
    # Named, dockerd uses that driver or does not start: it never falls back to another one.
    driver = chosen_driver(Flavour(layout.flavour))
    return ["--storage-driver", driver] if driver else []


def _base_command(layout: Layout, registry: str, bridge: str) -> list[str]:
    return [
        program("dockerd") or "dockerd",
        "--config-file", str(layout.file("daemon.json")),
        "--data-root", str(layout.data_root),
        "--exec-root", str(layout.exec_root),
        "--pidfile", str(layout.file("dockerd.pid")),
        "--host", f"unix://{layout.engine_socket}",  # the seal serves layout.socket
        "--containerd", str(layout.containerd_socket),
        "--registry-mirror", f"http://{registry}",
        "--insecure-registry", registry,
        "--bridge", bridge,  # never "none": that dockerd would delete the machine's docker0
        # docker-proxy publishes ports, on 127.0.0.1 unless a lab names another address;
        # no iptables rule, no masquerading, and the host's ip_forward setting is left alone.
        "--iptables=false", "--ip-masq=false", "--ip-forward=false", "--ip", "127.0.0.1",
        "--cgroup-parent", cgroup_parent(layout),
        "--shutdown-timeout", str(SHUTDOWN_TIMEOUT),
        # Any client can tell this engine is a sandbox: the label is in `docker info`.
        "--label", identity.LABEL,
    ]


def cgroup_parent(layout: Layout) -> str:
    """The containers' parent cgroup: not the /docker one a user's engine may use."""
    return f"/labrunner-{layout.tag}"


def docker_root(layout: Layout) -> str:
    """The engine's DockerRootDir, as `docker info` reports it."""
    info = api.get_json(layout.engine_socket, "/info") or {}
    return info.get("DockerRootDir") or str(layout.data_root)

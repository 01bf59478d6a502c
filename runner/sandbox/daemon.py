"""The sandbox's containerd and dockerd processes, each with every path inside the sandbox.

dockerd 20.10 would use a system containerd whenever /run/containerd/containerd.sock exists,
sharing its "moby" namespace with the user's own engine; so the sandbox starts its own
containerd (state and sockets in the run folder, data in the data root) and points
dockerd at it with --containerd.
"""

from __future__ import annotations

import json

from runner.engines import identity
from runner.sandbox import api, processes
from runner.sandbox.paths import Layout
from runner.sandbox.requirements import program

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
# Where dockerd would reach Docker Hub: a port nothing can listen on, so a pull that the mirror
# cannot serve fails at once instead of leaving this machine (127.0.0.1 itself is not proxied).
DEAD_PROXY = "http://127.0.0.1:0"
CONTAINERD_TIMEOUT = 20.0
DOCKERD_TIMEOUT = 60.0
SHUTDOWN_TIMEOUT = 5  # seconds dockerd gives a container to stop when the sandbox goes down


def spawn_containerd(layout: Layout) -> int:
    """Start the sandbox's own containerd; return its pid at once (wait_containerd waits)."""
    layout.containerd_dir.mkdir(parents=True, exist_ok=True)
    config = layout.file("containerd.toml")
    config.write_text(CONTAINERD_CONFIG.format(
        data=layout.data_root / "containerd", state=layout.containerd_dir,
        socket=layout.containerd_socket), encoding="utf-8")
    command = [program("containerd") or "containerd", "--config", str(config)]
    return processes.spawn(command, layout.file("containerd.log"))


def wait_containerd(layout: Layout, pid: int) -> bool:
    return processes.wait_for(pid, layout.containerd_socket.is_socket, CONTAINERD_TIMEOUT)


def spawn_dockerd(layout: Layout, registry: str, bridge: str) -> int:
    """Start the sandbox's dockerd; return its pid at once (wait_dockerd waits for its API)."""
    # Our own config file (/etc/docker/daemon.json belongs to the user's engine), which also
    # moves the engine's identity key out of /etc/docker/key.json.
    config = {"deprecated-key-path": str(layout.file("key.json"))}
    layout.file("daemon.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    env = processes.daemon_env(HTTP_PROXY=DEAD_PROXY, HTTPS_PROXY=DEAD_PROXY,
                               NO_PROXY="127.0.0.1,localhost")
    return processes.spawn(dockerd_command(layout, registry, bridge), layout.file("dockerd.log"),
                           env)


def wait_dockerd(layout: Layout, pid: int) -> bool:
    return processes.wait_for(pid, lambda: api.answers(layout.socket), DOCKERD_TIMEOUT,
                              interval=0.1)


def dockerd_command(layout: Layout, registry: str, bridge: str) -> list[str]:
    """dockerd's arguments: nothing shared with the user's engine, no iptables rule."""
    return [
        program("dockerd") or "dockerd",
        "--config-file", str(layout.file("daemon.json")),
        "--data-root", str(layout.data_root),
        "--exec-root", str(layout.exec_root),
        "--pidfile", str(layout.file("dockerd.pid")),
        "--host", f"unix://{layout.socket}",
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
    info = api.get_json(layout.socket, "/info") or {}
    return info.get("DockerRootDir") or str(layout.data_root)

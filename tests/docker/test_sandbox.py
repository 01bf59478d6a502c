"""The sandbox engine itself: offline pulls, fast stops, its own registry, network and cleanup."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from runner.engines.identity import LABEL, is_sandbox_info
from runner.sandbox import Sandbox
from runner.sandbox.api import get_json
from runner.sandbox.paths import DEEPEST_SOCKET, SOCKET_MAX
from runner.sandbox.processes import alive, processes_mentioning

ROOT = Path(__file__).resolve().parents[2]
# rtnetlink (linux/netlink.h, linux/rtnetlink.h): ask for a route, read the error answer.
RTM_GETROUTE, NLM_F_REQUEST, NLMSG_ERROR = 26, 1, 2
RTA_DST, RTA_SRC, RTA_IIF = 1, 2, 3
STAND_INS = ["alpine:latest", "busybox:latest", "httpd:2-alpine", "memcached:latest",
             "nginx:alpine", "nginx:latest", "python:3.9"]


def docker(env: dict[str, str], *args: str, check: bool = True) -> str:
    return subprocess.run(["docker", *args], env=env, check=check, capture_output=True,
                          text=True, timeout=60).stdout.strip()


def labrunner(state_dir: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LABRUNNER_SANDBOX_DIR=state_dir, LABRUNNER_LANG="en")
    return subprocess.run([sys.executable, "-m", "runner", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_up_reports_the_engine_it_started(sandbox_engine, docker_env):
    info = sandbox_engine
    assert info.docker_host.startswith("unix://") and Path(info.docker_host[7:]).is_socket()
    assert docker(docker_env, "info", "-f", "{{.DockerRootDir}}") == info.docker_root
    assert info.docker_root.startswith(info.state_dir + "/")
    assert all(alive(pid) for pid in (info.dockerd_pid, info.containerd_pid, info.registry_pid))
    assert Sandbox(Path(info.state_dir)).is_running()
    assert Sandbox.can_start() is None


def test_eval_of_sandbox_env_then_docker_pull_nginx_works_offline(sandbox_engine, clean_engine):
    # Through a real shell, as the README says: eval "$(labrunner sandbox env)".
    script = (f'eval "$({sys.executable} -m runner sandbox env)"; '
              'docker pull -q nginx >/dev/null && '
              'docker image inspect -f "{{json .RootFS.Layers}} {{json .Config.Labels}}" nginx')
    env = dict(os.environ, LABRUNNER_SANDBOX_DIR=sandbox_engine.state_dir)
    env.pop("DOCKER_HOST", None)
    done = subprocess.run(["bash", "-c", script], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    layers, labels = (json.loads(part) for part in done.stdout.split(" ", 1))
    assert len(layers) >= 3
    assert labels["io.labrunner.standin"] == "true"
    assert "labrunner offline stand-in for nginx" in labels["org.opencontainers.image.description"]


def test_stand_ins_stop_at_once(sandbox_engine, clean_engine, docker_env):
    for image in ("nginx", "nginx:alpine", "httpd:2-alpine", "memcached"):
        docker(docker_env, "run", "-d", "--name", "www", image)
        started = time.monotonic()
        docker(docker_env, "stop", "www")
        assert time.monotonic() - started < 3, f"{image} ignores SIGTERM"
        docker(docker_env, "rm", "www")


def test_docker_info_says_the_engine_is_a_sandbox(sandbox_engine, docker_env):
    assert LABEL in docker(docker_env, "info", "--format", "{{json .Labels}}")
    assert is_sandbox_info(get_json(Path(sandbox_engine.docker_host[7:]), "/info"))


def test_nginx_stand_in_serves_on_a_published_loopback_port_and_stops_at_once(
        sandbox_engine, clean_engine, docker_env):
    container = docker(docker_env, "run", "-d", "-p", "127.0.0.1::80", "nginx")
    assert docker(docker_env, "inspect", "-f", "{{json .Config.Cmd}} {{.Config.StopSignal}}",
                  container) == '["nginx","-g","daemon off;"] SIGQUIT'
    page = _fetch_when_up(docker(docker_env, "port", container, "80"))
    assert "Welcome to nginx!" in page
    started = time.monotonic()
    docker(docker_env, "stop", container)
    assert time.monotonic() - started < 2, "the nginx stand-in ignores its stop signal"


def test_a_from_nginx_alpine_dockerfile_builds_and_serves(sandbox_engine, clean_engine,
                                                          docker_env, tmp_path):
    (tmp_path / "index.html").write_text("<h1>my lab page</h1>\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(
        'FROM nginx:alpine\nCOPY index.html /usr/share/nginx/html/index.html\n'
        'CMD ["nginx", "-g", "daemon off;"]\n', encoding="utf-8")
    env = {name: value for name, value in docker_env.items() if name != "DOCKER_BUILDKIT"}
    docker(env, "build", "-t", "mysite", str(tmp_path))  # whatever builder the CLI picks
    container = docker(env, "run", "-d", "-p", "127.0.0.1::80", "mysite")
    assert "my lab page" in _fetch_when_up(docker(env, "port", container, "80"))
    assert "ID=alpine" in docker(env, "exec", container, "cat", "/etc/os-release")
    started = time.monotonic()
    docker(env, "stop", container)
    assert time.monotonic() - started < 2


def test_removing_nginx_latest_deletes_its_own_layers_and_keeps_nginx_alpine(
        sandbox_engine, clean_engine, docker_env):
    docker(docker_env, "pull", "-q", "nginx:alpine")
    docker(docker_env, "pull", "-q", "nginx:latest")
    ids = {tag: docker(docker_env, "image", "inspect", "-f", "{{.Id}}", tag)
           for tag in ("nginx:alpine", "nginx:latest")}
    assert ids["nginx:alpine"] != ids["nginx:latest"]
    removed = docker(docker_env, "rmi", "nginx:latest")
    assert f"Deleted: {ids['nginx:latest']}" in removed
    assert removed.count("Deleted: ") >= 3, "nginx:latest has layers of its own"
    assert docker(docker_env, "images", "-q", "nginx:alpine")


def test_exec_touch_lands_in_the_upper_dir_on_the_host(sandbox_engine, clean_engine, docker_env):
    docker(docker_env, "run", "-d", "--name", "www", "nginx")
    docker(docker_env, "exec", "www", "touch", "MYFILE")
    upper = docker(docker_env, "inspect", "-f", "{{.GraphDriver.Data.UpperDir}}", "www")
    assert upper.startswith(sandbox_engine.docker_root + "/overlay2/")
    assert Path(upper, "MYFILE").is_file()


def test_published_ports_bind_to_loopback_and_serve_the_page(sandbox_engine, clean_engine,
                                                            docker_env):
    if not sandbox_engine.bridge:
        pytest.skip("this sandbox has no bridge: ports are not published (see the README)")
    docker(docker_env, "run", "-d", "--name", "www", "-p", "127.0.0.1:0:80", "nginx")
    docker(docker_env, "run", "-d", "--name", "www2", "-p", "80", "nginx")
    host, port = docker(docker_env, "port", "www", "80").rsplit(":", 1)  # 127.0.0.1:PORT
    assert host == "127.0.0.1"
    assert docker(docker_env, "port", "www2", "80").startswith("127.0.0.1:"), "-p without an IP"
    page = _fetch(f"http://127.0.0.1:{port}/")
    assert "Welcome to nginx!" in page and "labrunner offline stand-in" in page


def test_containers_cannot_reach_beyond_this_machine(sandbox_engine):
    if not sandbox_engine.bridge:
        pytest.skip("no bridge: containers have no network at all")
    subnet_host = sandbox_engine.subnet.rsplit(".", 1)[0] + ".2"
    # The kernel's routing decision for what a container would send out, asked, never sent
    # (198.51.100.1 is TEST-NET-2). Where the host forwards (another Docker engine turns that
    # on) the bridge's `unreachable` rule answers ENETUNREACH; a host that forwards nothing
    # answers EHOSTUNREACH before any rule. Either way, no route: nothing leaves.
    refusal = _input_route_error("198.51.100.1", subnet_host, sandbox_engine.bridge)
    assert refusal in (errno.ENETUNREACH, errno.EHOSTUNREACH), errno.errorcode.get(refusal)
    # What keeps it so once the host forwards: every packet coming in on the bridge meets the
    # rule (without it, the main table's default route would take the packet out).
    rules = json.loads(subprocess.run(["ip", "-j", "rule", "show", "iif", sandbox_engine.bridge],
                                      capture_output=True, text=True, check=True).stdout)
    assert [rule.get("action") for rule in rules] == ["unreachable"], rules


def test_a_pull_the_mirror_cannot_serve_fails_at_once_without_leaving_the_machine(
        sandbox_engine, docker_env):
    started = time.monotonic()
    done = subprocess.run(["docker", "pull", "redis"], env=docker_env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "127.0.0.1:0" in done.stderr  # the dead proxy dockerd was given for Docker Hub
    assert time.monotonic() - started < 5


def test_status_and_env_through_the_cli(sandbox_engine):
    status = labrunner(sandbox_engine.state_dir, "sandbox", "status")
    assert status.returncode == 0, status.stderr
    for text in [sandbox_engine.docker_host, sandbox_engine.registry,
                 str(sandbox_engine.dockerd_pid), str(sandbox_engine.registry_pid), *STAND_INS]:
        assert text in status.stdout
    exported = labrunner(sandbox_engine.state_dir, "sandbox", "env")
    assert exported.stdout == f"export DOCKER_HOST={sandbox_engine.docker_host}\n"
    served = Sandbox(Path(sandbox_engine.state_dir)).status()
    assert served.running and set(STAND_INS) <= set(served.images)


def test_registry_listens_on_loopback_only_on_a_port_chosen_at_start(sandbox_engine):
    host, port = sandbox_engine.registry.split(":")
    assert host == "127.0.0.1" and int(port) not in (5000, 443, 80)
    listening = _listening_addresses(int(port))
    assert listening == {"0100007F"}, f"registry port {port} bound on {listening}"
    with urllib.request.urlopen(f"http://{sandbox_engine.registry}/v2/", timeout=5) as answer:
        assert answer.headers["Docker-Distribution-Api-Version"] == "registry/2.0"


def test_up_is_idempotent(sandbox_engine):
    assert Sandbox(Path(sandbox_engine.state_dir)).up() == sandbox_engine
    again = labrunner(sandbox_engine.state_dir, "sandbox", "up")
    assert again.returncode == 0 and "already runs" in again.stdout
    assert "Building" not in again.stdout


def test_a_second_sandbox_coexists_recovers_from_a_crash_and_goes_down_cleanly(
        sandbox_engine, docker_env, tmp_path):
    # tmp_path is usually deep: the second sandbox's sockets then go to a short folder.
    second = Sandbox(tmp_path / "second")
    info = second.up()
    env = dict(os.environ, **second.env())
    assert docker(env, "images", "-aq") == "", "a sandbox engine starts empty"
    assert len(info.run_dir) + DEEPEST_SOCKET <= SOCKET_MAX, "sockets must fit in 108 bytes"
    assert info.docker_host != sandbox_engine.docker_host
    assert info.registry != sandbox_engine.registry
    assert (info.bridge, info.subnet) != (sandbox_engine.bridge, sandbox_engine.subnet)
    container = docker(env, "run", "-d", "--name", "memcached", "memcached")
    assert docker(docker_env, "images", "-q", "memcached") == "", "the first engine saw it"

    # A crash: every daemon killed, the container and its shim left running. The next `up`
    # must clean that up and start afresh.
    for pid in (info.dockerd_pid, info.containerd_pid, info.registry_pid):
        os.kill(pid, signal.SIGKILL)
    assert not second.is_running()
    restarted = second.up()
    assert restarted.dockerd_pid != info.dockerd_pid and second.is_running()
    assert processes_mentioning(container) == [], "the crashed engine's shim still runs"

    down = labrunner(str(tmp_path / "second"), "sandbox", "down")
    assert down.returncode == 0 and "stopped" in down.stdout, down.stderr
    for pid in (restarted.dockerd_pid, restarted.containerd_pid, restarted.registry_pid):
        assert not alive(pid)
    assert not (tmp_path / "second").exists() and not Path(restarted.run_dir).exists()
    stopped = labrunner(str(tmp_path / "second"), "sandbox", "status")
    assert stopped.returncode == 1 and "not running" in stopped.stdout
    assert not _link_exists(restarted.bridge) and not _link_exists(info.bridge)
    assert not [line for line in Path("/proc/mounts").read_text().splitlines()
                if str(tmp_path) in line or restarted.run_dir in line]
    assert all(alive(pid) for pid in (sandbox_engine.dockerd_pid, sandbox_engine.registry_pid))
    assert docker(docker_env, "info", "-f", "{{.ID}}"), "the first sandbox must still answer"


def test_down_keeps_a_bridge_that_existed_before_up_even_when_a_lab_network_used_it(
        sandbox_engine, tmp_path):
    subprocess.run(["ip", "link", "delete", "lrtestbr0"], capture_output=True)  # an old run's
    subprocess.run(["ip", "link", "add", "lrtestbr0", "type", "bridge"], check=True)
    index = socket.if_nametoindex("lrtestbr0")
    third = Sandbox(tmp_path / "third")
    try:
        third.up()
        env = dict(os.environ, **third.env())
        docker(env, "network", "create", "-o", "com.docker.network.bridge.name=lrtestbr0",
               "adopted")
        own = "br-" + docker(env, "network", "create", "made")[:12]
        assert _link_exists(own), "the engine made a bridge for its own network"
        third.down()
        assert _link_exists("lrtestbr0"), "down deleted a bridge it had not created"
        assert socket.if_nametoindex("lrtestbr0") == index
        assert not _link_exists(own), "down must still remove the bridges its engine made"
    finally:
        third.down()
        subprocess.run(["ip", "link", "delete", "lrtestbr0"], capture_output=True)


def _fetch_when_up(address: str) -> str:
    """The page at http://ADDRESS/ (127.0.0.1:PORT), once the server in the container listens."""
    assert address.startswith("127.0.0.1:"), address
    for _ in range(50):
        try:
            return _fetch(f"http://{address}/")
        except OSError:
            time.sleep(0.1)
    return _fetch(f"http://{address}/")


def _fetch(url: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as answer:
        return answer.read().decode()


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (kernel hex) of TCP sockets listening on `port`, IPv4 and IPv6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def _input_route_error(destination: str, source: str, interface: str) -> int:
    """The errno with which the kernel refuses to route a packet from `source` arriving on
    `interface` to `destination` (0: it would route it). A netlink question: nothing is sent."""
    def attribute(kind: int, data: bytes) -> bytes:  # struct rtattr, padded to 4 bytes
        return struct.pack("HH", 4 + len(data), kind) + data + b"\0" * (-len(data) % 4)

    # struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
    question = struct.pack("BBBBBBBBI", socket.AF_INET, 32, 32, 0, 0, 0, 0, 0, 0)
    question += attribute(RTA_DST, socket.inet_aton(destination))
    question += attribute(RTA_SRC, socket.inet_aton(source))
    question += attribute(RTA_IIF, struct.pack("I", socket.if_nametoindex(interface)))
    header = struct.pack("IHHII", 16 + len(question), RTM_GETROUTE, NLM_F_REQUEST, 1, 0)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as netlink:
        netlink.send(header + question)
        answer = netlink.recv(65536)
    (kind,) = struct.unpack_from("H", answer, 4)
    return -struct.unpack_from("i", answer, 16)[0] if kind == NLMSG_ERROR else 0


def _link_exists(name: str) -> bool:
    return bool(name) and subprocess.run(["ip", "link", "show", "dev", name],
                                         capture_output=True).returncode == 0

"""The sandbox is sealed where requests reach its engine: its public socket is served by the
seal (runner/guard/seal_server.py), the engine's own socket sits in a 0700 folder, and through
the seal host networking and a mounted engine socket are refused while every published port
lands on 127.0.0.1. A lab still runs through it; the podman and rootless flavours have it too.
Nothing here sends traffic to any address but 127.0.0.1: what is bound elsewhere is read from
/proc/net/tcp*. Run with -s to see the speed figures."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.engines.api import UnixConnection
from runner.guard.guard import Guard
from runner.sandbox import Sandbox, processes, state

HOST_NETWORK = "labrunner's sandbox refuses host networking (--network host)"
ENGINE_MOUNT = "labrunner's sandbox refuses to mount {source} into a container"
LISTEN = "0A"


def docker_on(host: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    def docker(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, DOCKER_HOST=host))
    return docker


@pytest.fixture
def docker(sandbox_engine, clean_engine):
    return docker_on(sandbox_engine.docker_host)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """The local addresses of every TCP socket listening on `port` on this machine, from
    /proc/net/tcp and tcp6 (hex, as the kernel writes them: 0100007F is 127.0.0.1)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, _, hex_port = fields[1].rpartition(":")
            if fields[3] == LISTEN and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_public_socket_is_the_seals_and_the_engines_own_is_closed(sandbox_engine):
    sandbox = Sandbox(Path(sandbox_engine.state_dir))
    record = state.read(sandbox.layout)
    assert sandbox_engine.docker_host == f"unix://{sandbox.layout.socket}"
    assert processes.owned(record["seal_pid"], sandbox.layout.state_dir)
    assert "runner.guard.seal_server" in processes.command_line(record["seal_pid"])
    assert sandbox.layout.engine_socket.is_socket()
    assert sandbox.layout.engine_dir.stat().st_mode & 0o777 == 0o700


def test_host_networking_is_refused_with_a_message(docker):
    refused = docker("run", "--rm", "--network", "host", "busybox", "true")
    assert refused.returncode != 0 and HOST_NETWORK in refused.stderr
    assert docker("ps", "-aq").stdout == ""


def test_a_build_on_the_host_network_is_refused(docker, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM busybox\nRUN true\n")
    refused = docker("build", "--network", "host", "-t", "hostnet", str(tmp_path))
    assert refused.returncode != 0
    assert "refuses a build on the host's network" in refused.stderr


def test_swarm_mode_is_refused(docker):
    refused = docker("swarm", "init", "--advertise-addr", "127.0.0.1")
    assert refused.returncode != 0 and "refuses swarm mode" in refused.stderr
    assert docker("info", "-f", "{{.Swarm.LocalNodeState}}").stdout.strip() == "inactive"


@pytest.mark.parametrize("mount", ["-v", "--mount"])
def test_the_machines_docker_socket_is_never_mounted(docker, mount):
    spec = ("/var/run/docker.sock:/var/run/docker.sock" if mount == "-v"
            else "type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock")
    refused = docker("run", "--rm", mount, spec, "busybox", "true")
    assert refused.returncode != 0
    assert ENGINE_MOUNT.format(source="/var/run/docker.sock") in refused.stderr


def test_a_sandbox_socket_folder_is_never_mounted(docker, sandbox_engine, tmp_path):
    run_dir = sandbox_engine.run_dir
    (tmp_path / "link").symlink_to(run_dir)
    for source in (run_dir, str(tmp_path / "link"), str(Path(run_dir).parent)):
        refused = docker("run", "--rm", "-v", f"{source}:/x", "busybox", "true")
        assert refused.returncode != 0 and ENGINE_MOUNT.format(source=source) in refused.stderr
    volume = docker("volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt",
                    f"device={run_dir}", "sneaky")
    assert volume.returncode != 0 and ENGINE_MOUNT.format(source=run_dir) in volume.stderr


def raw_post(host: str, target: str, body: bytes) -> tuple[int, str]:
    """POST `body` as sent, bytes and all, to the engine at `host` (a unix:// URL)."""
    connection = UnixConnection(host.removeprefix("unix://"))
    connection.request("POST", target, body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, response.read().decode(errors="replace")


@pytest.mark.parametrize("body", [
    b'{"Image":"busybox","Labels":{"x":"\xff"},"HostConfig":{"NetworkMode":"host"}}',
    b'{"Image":"busybox","HostConfig":{"NetworkMode":"bridge"}} x',
    b'{"Image":"busybox","hostconfig":{"networkmode":"host"}}',
])
def test_a_body_go_reads_but_python_would_not_never_reaches_the_engine(docker, sandbox_engine,
                                                                      body):
    status, answer = raw_post(sandbox_engine.docker_host, "/v1.41/containers/create", body)
    assert status == 403, answer
    assert "exactly one JSON object" in answer or "--network host" in answer
    assert docker("ps", "-aq").stdout == ""


def test_a_pre_1_24_start_carrying_a_host_config_is_refused(docker, sandbox_engine):
    made = docker("create", "busybox", "sleep", "60")
    assert made.returncode == 0, made.stderr
    started = b'{"NetworkMode":"host","Binds":["/run/docker.sock:/s"]}'
    status, answer = raw_post(sandbox_engine.docker_host,
                              f"/v1.23/containers/{made.stdout.strip()}/start", started)
    assert status == 403 and "version 1.23" in answer
    state_now = docker("inspect", "-f", "{{.State.Status}} {{.HostConfig.NetworkMode}}",
                       made.stdout.strip()).stdout.split()
    assert state_now[0] == "created" and state_now[1] != "host"


@pytest.mark.parametrize("flags", ["rbind", "ro,rbind", None])
def test_a_local_volume_on_run_is_refused_whatever_its_o(docker, flags):
    opts = ["--opt", "type=none", "--opt", "device=/run"]
    opts += ["--opt", f"o={flags}"] if flags else []
    refused = docker("volume", "create", *opts, "sneaky")
    assert refused.returncode != 0 and ENGINE_MOUNT.format(source="/run") in refused.stderr
    inline = docker("run", "--rm", "--mount", "type=volume,target=/x,volume-driver=local,"
                    "volume-opt=type=none,volume-opt=o=rbind,volume-opt=device=/run",
                    "busybox", "true")
    assert inline.returncode != 0 and ENGINE_MOUNT.format(source="/run") in inline.stderr
    assert "sneaky" not in docker("volume", "ls", "-q").stdout


def test_an_ordinary_folder_is_still_mounted(docker, tmp_path):
    (tmp_path / "hello.txt").write_text("hello\n")
    done = docker("run", "--rm", "-v", f"{tmp_path}:/data:ro", "busybox", "cat",
                  "/data/hello.txt")
    assert done.returncode == 0 and done.stdout == "hello\n"


@pytest.mark.parametrize("asked", ["0.0.0.0:{port}:80", "{port}:80", "[::]:{port}:80"])
def test_a_port_published_on_every_address_lands_on_loopback_only(docker, asked):
    port = free_port()
    run = docker("run", "-d", "--name", "web", "-p", asked.format(port=port), "nginx")
    assert run.returncode == 0, run.stderr
    assert docker("port", "web", "80/tcp").stdout.split() == [f"127.0.0.1:{port}"]
    bound = docker("inspect", "-f", "{{json .HostConfig.PortBindings}}", "web").stdout
    assert bound.strip() == f'{{"80/tcp":[{{"HostIp":"127.0.0.1","HostPort":"{port}"}}]}}'
    assert _get(f"http://127.0.0.1:{port}/").startswith("<!DOCTYPE html>")
    assert listening_addresses(port) == {"0100007F"}


def test_publish_all_lands_on_loopback_only(docker):
    run = docker("run", "-d", "--name", "web", "-P", "--expose", "9000", "nginx")
    assert run.returncode == 0, run.stderr
    ports = docker("port", "web").stdout.splitlines()
    assert {line.split(" -> ")[0] for line in ports} == {"80/tcp", "9000/tcp"}
    for line in ports:
        address, _, port = line.split(" -> ")[1].rpartition(":")
        assert address == "127.0.0.1"
        assert listening_addresses(int(port)) == {"0100007F"}


def _get(url: str, attempts: int = 50) -> str:
    """The page at `url` (on 127.0.0.1), waiting for the stand-in to start serving."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=2) as page:
                return page.read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered at {url}")


def test_a_dead_seal_is_started_again_by_up(sandbox_engine):
    sandbox = Sandbox(Path(sandbox_engine.state_dir))
    before = state.read(sandbox.layout)
    processes.stop(before["seal_pid"], grace=5)
    assert not sandbox.is_running()
    sandbox.up()
    after = state.read(sandbox.layout)
    assert after["seal_pid"] != before["seal_pid"] and sandbox.is_running()
    assert after["dockerd_pid"] == before["dockerd_pid"]  # the engine went on running
    assert docker_on(sandbox_engine.docker_host)("version").returncode == 0


def test_a_bundled_lab_passes_through_the_seal(sandbox_engine, clean_engine, tmp_path):
    from runner.engines.connect import profile_at
    from runner.engines.endpoint import docker_client
    from runner.lab.loader import bundled_labs, load_lab
    from runner.messages import msg
    from runner.report.selftest_text import verdict_lines
    from runner.run.selftest import SelfTest

    path = next(lab for lab in bundled_labs() if lab.stem == "image-commit")
    profile = profile_at(sandbox_engine.docker_host, msg("engine.source_sandbox"))
    verdict = SelfTest(load_lab(path, lambda notice: None), path, "en", profile,
                       lambda: docker_client(profile.endpoint), tmp_path / "work",
                       dict(os.environ)).run()
    assert verdict.passed, "\n".join(verdict_lines(verdict, "en"))


def test_the_podman_flavour_is_sealed(flavour_engines):
    docker = docker_on(flavour_engines("podman").docker_host)
    port = free_port()
    made = docker("create", "--name", "sealed-web", "-p", f"0.0.0.0:{port}:80", "nginx")
    try:
        assert made.returncode == 0, made.stderr
        bound = docker("inspect", "-f", "{{json .HostConfig.PortBindings}}", "sealed-web")
        assert '"HostIp":"127.0.0.1"' in bound.stdout and "0.0.0.0" not in bound.stdout
    finally:
        docker("rm", "-f", "sealed-web")


def test_podmans_own_api_is_sealed_too(flavour_engines):
    host = flavour_engines("podman").docker_host
    refused = subprocess.run(["podman", "--url", host, "run", "--rm", "--network", "host",
                              "busybox", "true"], capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and HOST_NETWORK in refused.stderr


@pytest.mark.parametrize(("mode", "podman_cli"), [
    ("slirp4netns:allow_host_loopback=true", True), ("ns:/proc/1/ns/net", True),
    ("pasta:--map-gw", False)])  # the podman client checks pasta's options itself
def test_podmans_network_modes_reaching_the_host_are_refused(flavour_engines, mode,
                                                             podman_cli):
    host = flavour_engines("podman").docker_host
    body = {"Image": "busybox", "Cmd": ["true"], "HostConfig": {"NetworkMode": mode}}
    status, answer = raw_post(host, "/v1.41/containers/create", json.dumps(body).encode())
    assert status == 403 and f"refuses the network mode {mode}" in answer
    if not podman_cli:
        return
    own = subprocess.run(["podman", "--url", host, "run", "--rm", "--network", mode,
                          "busybox", "true"], capture_output=True, text=True, timeout=120)
    assert own.returncode != 0 and "refuses the network mode" in own.stderr


def test_the_rootless_flavour_is_sealed(flavour_engines):
    docker = docker_on(flavour_engines("rootless").docker_host)
    refused = docker("run", "--rm", "--network", "host", "busybox", "true")
    assert refused.returncode != 0 and HOST_NETWORK in refused.stderr


# Speed: the seal, and the run's guard chained in front of it

CALLS = 200


def median_ping(path: str) -> float:
    """Median seconds of GET /_ping on a kept-alive connection (after 20 to warm up)."""
    connection, times = UnixConnection(path), []
    for _ in range(CALLS + 20):
        started = time.perf_counter()
        connection.request("GET", "/_ping")
        connection.getresponse().read()
        times.append(time.perf_counter() - started)
    connection.close()
    return statistics.median(times[20:])


def test_the_seal_and_a_chained_guard_are_not_felt(sandbox_engine, clean_engine):
    sandbox = Sandbox(Path(sandbox_engine.state_dir))
    with Guard(sandbox_engine.docker_host, sandbox=True) as guard:
        chained = str(guard.start())
        engine = median_ping(str(sandbox.layout.engine_socket))
        seal = median_ping(str(sandbox.layout.socket))
        both = median_ping(chained)
    print(f"\nGET /_ping, median of {CALLS}: engine {engine * 1000:.3f} ms, through the seal "
          f"{seal * 1000:.3f} ms (+{(seal - engine) * 1000:.3f}), through the run's guard and "
          f"the seal {both * 1000:.3f} ms (+{(both - engine) * 1000:.3f})")
    assert seal - engine <= 0.001 and both - engine <= 0.002


def test_a_pull_through_the_seal_takes_about_as_long_as_direct(sandbox_engine, clean_engine):
    engine = docker_on(f"unix://{Sandbox(Path(sandbox_engine.state_dir)).layout.engine_socket}")
    sealed = docker_on(sandbox_engine.docker_host)

    def pulls(docker) -> float:
        times = []
        for _ in range(5):
            engine("rmi", "-f", "nginx")
            started = time.perf_counter()
            assert docker("pull", "nginx").returncode == 0
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    engine("pull", "nginx")
    direct, through = pulls(engine), pulls(sealed)
    print(f"\ndocker pull nginx (stand-in), median of 5: direct {direct:.3f} s, through the "
          f"seal {through:.3f} s")
    assert through <= direct * 1.25 + 0.1

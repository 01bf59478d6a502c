"""The Podman flavour's engine (runner/sandbox/podman.py) through the Docker SDK: it pulls from
the harness sandbox's mirror, runs, execs, shows the writable layer on the host, stops fast,
and leaves nothing mounted once stopped by pid. Real podman, never mocked; CI never skips."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from runner.sandbox import network, podman, processes
from runner.sandbox.paths import Layout
from runner.sandbox.podman_config import PodmanPaths
from runner.sandbox.state import SandboxInfo

# Bridges a podman would make by default: the sandbox's podman must use its own instead.
PODMAN_DEFAULT_BRIDGES = ("podman0", "cni-podman0")


@dataclass
class Podman:
    layout: Layout
    pid: int
    bridge: str
    subnet: str

    @property
    def paths(self) -> PodmanPaths:
        return PodmanPaths(self.layout)

    def client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=f"unix://{self.layout.engine_socket}", timeout=60)

    def stop(self) -> None:
        """What `down` does for this flavour: stop the service by pid, clean, drop the bridge."""
        if processes.owned(self.pid, self.layout.state_dir):
            processes.stop(self.pid, grace=20)
        podman.cleanup(self.layout)
        network.remove_links(podman.lab_bridges(self.layout))
        network.remove_bridge(self.bridge)
        if not _mounts_below(self.layout):  # never delete through a mount
            shutil.rmtree(self.layout.state_dir, ignore_errors=True)
            shutil.rmtree(self.layout.run_dir, ignore_errors=True)


def start_podman(registry: str) -> Podman:
    """A podman in a fresh temporary sandbox folder with a bridge of its own."""
    reason = podman.missing_requirement() or (None if os.geteuid() == 0 else "needs root")
    if reason is not None:  # conftest turns this skip into a failure in CI
        pytest.skip(f"podman cannot start here: {reason}")
    layout = Layout.for_state(Path(tempfile.mkdtemp(prefix="lrp-")))
    for folder in (layout.run_dir, layout.data_root):
        folder.mkdir(parents=True, exist_ok=True)
    bridge = network.bridge_name(layout.tag)
    subnet = network.create_bridge(bridge, layout.tag)
    assert subnet, "no bridge of its own for the podman"
    engine = Podman(layout, podman.spawn(layout, registry, bridge, subnet), bridge, subnet)
    if not podman.wait(layout, engine.pid):
        engine.stop()
        pytest.fail(f"podman did not start: {processes.log_tail(podman.log_file(layout))}")
    return engine


@pytest.fixture(scope="module")
def engine(sandbox_engine: SandboxInfo) -> Iterator[Podman]:
    started = start_podman(sandbox_engine.registry)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def www(engine: Podman) -> Iterator[docker.models.containers.Container]:
    """nginx (the mirror's stand-in) running as `www`, with /MYFILE created by exec."""
    client = engine.client()
    client.images.pull("nginx", tag="latest")
    container = client.containers.run("nginx", name="www", detach=True)
    assert container.exec_run(["touch", "/MYFILE"]).exit_code == 0
    yield container
    container.remove(force=True)


def test_info_says_podman_with_overlay_in_the_sandbox(engine: Podman, sandbox_engine):
    client = engine.client()
    info = client.info()
    assert info["Driver"] == "overlay"
    assert info["DockerRootDir"] == str(engine.paths.graphroot)
    assert info["CgroupDriver"] == "cgroupfs"
    # No engine label on podman: the sandbox is known by its socket instead.
    assert not info["Labels"]
    mirrors = info["RegistryConfig"]["IndexConfigs"]["docker.io"]["Mirrors"]
    assert mirrors == [sandbox_engine.registry]
    names = [part["Name"] for part in client.version()["Components"]]
    assert "Podman Engine" in names


def test_nothing_of_a_default_podman_network_is_made(engine: Podman, www):
    www.reload()
    address = www.attrs["NetworkSettings"]["Networks"]["podman"]["IPAddress"]
    assert address.startswith(engine.subnet.rsplit(".", 1)[0] + ".")
    for name in PODMAN_DEFAULT_BRIDGES:
        assert not Path(f"/sys/class/net/{name}").exists()
    assert Path(f"/sys/class/net/{engine.bridge}/brif").is_dir()
    assert any(Path(f"/sys/class/net/{engine.bridge}/brif").iterdir())  # www's veth


def test_pull_comes_from_the_mirror_and_keeps_docker_hub_names(engine: Podman, www):
    image = engine.client().images.get("nginx:latest")
    assert "docker.io/library/nginx:latest" in image.tags
    assert image.labels.get("io.labrunner.standin") == "true"


def test_exec_writes_to_the_writable_layer_seen_on_the_host(engine: Podman, www):
    www.reload()
    assert www.status == "running"
    upper = Path(www.attrs["GraphDriver"]["Data"]["UpperDir"])
    assert upper.parent.parent == engine.paths.graphroot / "overlay"
    assert upper.name == "diff"
    assert (upper / "MYFILE").is_file()
    changes = {(change["Path"], change["Kind"]) for change in www.diff()}
    assert ("/MYFILE", 1) in changes  # Kind 1: added


def test_containers_get_limits_the_host_allows(engine: Podman, www):
    result = www.exec_run(["sh", "-c", "ulimit -n"])
    assert result.exit_code == 0 and result.output.decode().strip() == "1024"


def test_stop_is_fast_and_rm_removes_the_layer(engine: Podman):
    client = engine.client()
    container = client.containers.run("nginx", name="stopme", detach=True)
    upper = Path(container.attrs["GraphDriver"]["Data"]["UpperDir"])
    started = time.monotonic()
    container.stop()
    assert time.monotonic() - started < 5
    container.reload()
    assert container.status == "exited"
    container.remove()
    assert "stopme" not in [c.name for c in client.containers.list(all=True)]
    assert not upper.exists()


def test_stopped_by_pid_it_leaves_nothing_mounted_nor_running(sandbox_engine: SandboxInfo):
    own = start_podman(sandbox_engine.registry)
    try:
        client = own.client()
        client.containers.run("nginx", name="left", detach=True)
        graphroot = own.paths.graphroot
        assert _mounts_below(own.layout), "a running container mounts its layers"
    finally:
        own.stop()
    assert not processes.alive(own.pid)
    assert _mounts_below(own.layout) == []
    assert processes.processes_mentioning(f"{graphroot}/overlay-containers/") == []
    assert not Path(f"/sys/class/net/{own.bridge}").exists()


def _mounts_below(layout: Layout) -> list[str]:
    prefixes = (f"{layout.state_dir}/", f"{layout.run_dir}/")
    return [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()
            if line.split()[1].startswith(prefixes)]


def test_the_containers_do_not_inherit_the_dead_proxy(engine: Podman, www):
    env = www.exec_run(["env"]).output.decode()
    assert "127.0.0.1:0" not in env
    config = json.loads(engine.paths.networks.joinpath("podman.conflist").read_text())
    assert config["plugins"][0]["bridge"] == engine.bridge

"""The sandbox flavours, started side by side: each is the engine it claims to be (with the
storage driver it claims), serves the stand-ins offline, shows a container's new file on the
host in its driver's folder, and `down` stops exactly its own processes (and mounts). One
sandbox per flavour for the whole module (all of them run at once)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner.errors import SandboxError
from runner.sandbox import Sandbox, SandboxInfo
from runner.sandbox.api import get_json
from runner.sandbox.flavours import NAMES
from runner.sandbox.processes import alive, processes_mentioning

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTTER = ["driver-type", "io.containerd.snapshotter.v1"]
DRIVER = {"overlay2": "overlay2", "containerd": "overlayfs", "rootless": "overlayfs",
          "podman": "overlay", "vfs": "vfs", "fuse-overlayfs": "fuse-overlayfs"}
# dockerd 20.10's flavours: the folder (under its Docker root) holding each layer's files.
DRIVER_FOLDER = {"overlay2": "overlay2", "vfs": "vfs/dir", "fuse-overlayfs": "fuse-overlayfs"}


def in_ci() -> bool:
    """As conftest.in_ci: in CI, a flavour that cannot start is a failure, never a skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "false", "0")


def state_dir(base: Path, flavour: str) -> Path:
    """Where `labrunner sandbox --flavour F` puts F with LABRUNNER_SANDBOX_DIR=base."""
    return base if flavour == "overlay2" else Path(f"{base}-{flavour}")


@pytest.fixture(scope="module")
def base() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="lr-f-"))  # short: sockets live below it
    yield folder
    for flavour in NAMES:
        shutil.rmtree(state_dir(folder, flavour), ignore_errors=True)


@pytest.fixture(scope="module")
def docker0() -> Iterator[None]:
    """A docker0 bridge, as the user's engine makes: no flavour may delete it."""
    made = subprocess.run(["ip", "link", "show", "docker0"], capture_output=True).returncode != 0
    if made:
        subprocess.run(["ip", "link", "add", "docker0", "type", "bridge"], check=True)
    yield
    if made:
        subprocess.run(["ip", "link", "delete", "docker0"], capture_output=True)


@pytest.fixture(scope="module")
def sandboxes(base: Path, docker0: None) -> Iterator[dict[str, SandboxInfo]]:
    """Every flavour up at once; the registry storage shared, so stand-ins are built once."""
    cache = base / "cache"
    started: dict[str, Sandbox] = {}
    infos: dict[str, SandboxInfo] = {}
    try:
        for flavour in NAMES:
            sandbox = Sandbox(state_dir(base, flavour), cache, flavour)
            started[flavour] = sandbox
            infos[flavour] = _up(sandbox, flavour)
        yield infos
    finally:
        for sandbox in started.values():
            sandbox.down()


def _up(sandbox: Sandbox, flavour: str) -> SandboxInfo:
    from runner.i18n import t

    reason = Sandbox.can_start(flavour)
    if reason is not None:
        message = f"the {flavour} sandbox cannot start here: {t(reason, 'en')}"
        if in_ci():
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    try:
        return sandbox.up()
    except SandboxError as error:
        pytest.fail(f"the {flavour} sandbox did not start: {error.message('en')}", pytrace=False)


def docker(info: SandboxInfo, *args: str) -> str:
    """The docker client matching the flavour's engine (its own, or the system's)."""
    path = os.pathsep.join(filter(None, [info.client_dir, os.environ.get("PATH", "")]))
    env = dict(os.environ, DOCKER_HOST=info.docker_host, PATH=path)
    done = subprocess.run(["docker", *args], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, f"docker {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def engine_info(info: SandboxInfo) -> dict:
    return get_json(Path(info.docker_host.removeprefix("unix://")), "/info")


@pytest.mark.parametrize("flavour", NAMES)
def test_each_flavour_is_the_engine_it_claims_to_be(sandboxes, flavour):
    info = engine_info(sandboxes[flavour])
    status = [list(pair) for pair in info.get("DriverStatus") or []]
    security = info.get("SecurityOptions") or []
    assert info["Driver"] == DRIVER[flavour] == sandboxes[flavour].storage_driver
    assert (SNAPSHOTTER in status) == (flavour in ("containerd", "rootless"))
    assert ("name=rootless" in security) == (flavour == "rootless")
    version = get_json(Path(sandboxes[flavour].docker_host[7:]), "/version")
    names = [part.get("Name") for part in version.get("Components") or []]
    assert ("Podman Engine" in names) == (flavour == "podman")
    if flavour in ("containerd", "rootless"):
        assert version["Version"].startswith("28.5"), version["Version"]
    if flavour in DRIVER_FOLDER:
        assert version["Version"].startswith("20.10"), version["Version"]


def test_the_rootless_engine_runs_as_an_unprivileged_user_with_data_in_its_home(sandboxes):
    info = sandboxes["rootless"]
    assert info.docker_root.endswith("/.local/share/docker")
    uid = Path(f"/proc/{info.dockerd_pid}").stat().st_uid
    assert uid != 0 and Path(info.docker_root).stat().st_uid == uid


def test_the_rootless_engine_is_offline_with_only_its_link_to_this_machine(sandboxes):
    info = sandboxes["rootless"]
    child = (Path(info.run_dir) / "rootlesskit" / "child_pid").read_text().strip()
    routes = subprocess.run(["nsenter", "--target", child, "--net", "ip", "-4", "route"],
                            capture_output=True, text=True, check=True).stdout
    assert "default" not in routes
    assert info.subnet.split("/")[0] in routes  # the link the mirror listens on
    assert info.registry.startswith(info.subnet.rsplit(".", 1)[0] + ".")


def test_the_rootless_mirror_on_its_link_refuses_pushes(sandboxes):
    """The mirror listens on an address others may reach: read-only. The engine pushes to a
    registry on 127.0.0.1 of its own network namespace, which this machine cannot reach."""
    import urllib.error
    import urllib.request

    info = sandboxes["rootless"]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    upload = urllib.request.Request(f"http://{info.registry}/v2/library/x/blobs/uploads/",
                                    method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(upload, timeout=5)
    assert refused.value.code in (405, 503)
    assert info.push_registry.startswith("127.0.0.1:") and info.push_registry_pid
    with pytest.raises(urllib.error.URLError):  # not this machine's 127.0.0.1
        opener.open(f"http://{info.push_registry}/v2/", timeout=2)


@pytest.mark.parametrize("flavour", NAMES)
def test_pull_run_and_find_the_container_s_new_file_on_the_host(sandboxes, flavour):
    info = sandboxes[flavour]
    docker(info, "pull", "-q", "nginx")  # offline: from the flavour's own mirror
    name = f"www-{flavour}"
    docker(info, "run", "-d", "--name", name, "nginx")
    try:
        docker(info, "exec", name, "touch", "/MYFILE")
        assert "A /MYFILE" in docker(info, "diff", name).splitlines()
        layer = writable_layer(info, name)
        assert (layer / "MYFILE").is_file()
        if flavour in DRIVER_FOLDER:
            assert Path(info.docker_root) / DRIVER_FOLDER[flavour] in layer.parents, layer
    finally:
        docker(info, "rm", "-f", name)


def writable_layer(info: SandboxInfo, name: str) -> Path:
    """The container's upper dir: GraphDriver's where it says (overlay2, fuse-overlayfs,
    podman); for vfs its layer's own full copy, named in the layer database; else the
    `upperdir=` of its root mount (the containerd store gives no GraphDriver data)."""
    found = json.loads(docker(info, "inspect", name))[0]
    upper = ((found.get("GraphDriver") or {}).get("Data") or {}).get("UpperDir")
    if upper:
        return Path(upper)
    if info.storage_driver == "vfs":
        root = Path(info.docker_root)
        mount = root / "image/vfs/layerdb/mounts" / found["Id"] / "mount-id"
        return root / "vfs/dir" / mount.read_text().strip()
    mounts = Path(f"/proc/{found['State']['Pid']}/mountinfo").read_text().splitlines()
    root = next(line for line in mounts if line.split()[4] == "/")
    return Path(root.split("upperdir=")[1].split(",")[0])


def test_all_run_at_once_each_with_its_own_pieces(sandboxes):
    infos = list(sandboxes.values())
    for field in ("docker_host", "registry", "bridge", "subnet", "dockerd_pid", "state_dir"):
        values = [getattr(info, field) for info in infos]
        assert len(set(values)) == len(values), field
    assert all(Sandbox(Path(info.state_dir)).is_running() for info in infos)


@pytest.mark.parametrize(("flavour", "note"), [
    ("containerd", ""),
    ("vfs", "Storage driver vfs, as this flavour asks"),
    ("fuse-overlayfs", "Storage driver fuse-overlayfs, as this flavour asks")])
def test_status_names_the_flavour_and_the_driver_it_chose(sandboxes, base, flavour, note):
    env = dict(os.environ, LABRUNNER_SANDBOX_DIR=str(base), LABRUNNER_LANG="en")
    done = subprocess.run([sys.executable, "-m", "runner", "sandbox", "status", "--flavour",
                           flavour], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"Flavour: {flavour} (storage driver {DRIVER[flavour]})" in done.stdout
    assert sandboxes[flavour].docker_host in done.stdout
    assert ("Storage driver" in done.stdout) == bool(note) and note in done.stdout
    assert "Warning" not in done.stdout  # vfs was asked for: no fallback warning


def test_rootless_down_stops_the_daemons_whose_pid_it_lost_before_deleting_their_home(base):
    """A record without the engine's pid (an `up` interrupted right after the spawn): `down`
    still stops the rootless user's processes naming this sandbox's HOME, and only those."""
    import pwd

    from runner.sandbox import state

    sandbox = Sandbox(Path(f"{base}-rootless-lost"), base / "cache", "rootless")
    try:
        _up(sandbox, "rootless")
        home = sandbox.layout.daemon_folder
        uid = pwd.getpwnam("labrunner-rootless").pw_uid
        strays = [pid for pid in processes_mentioning(f"{home}/")
                  if Path(f"/proc/{pid}").stat().st_uid == uid]
        assert len(strays) >= 3  # rootlesskit, its child, dockerd, containerd
        state.update(sandbox.layout, dockerd_pid=0)
        sandbox.down()
        assert not any(alive(pid) for pid in strays)
        assert not home.exists()
    finally:
        sandbox.down()


def test_podman_down_deletes_its_lab_bridges_by_its_own_configs_only(base, docker0):
    """A lab's `docker network create` on the Podman flavour makes a cni-podmanN bridge, a name
    the user's own podman uses too: `down` deletes the one its CNI configs name, even once
    the service died, and leaves the user's."""
    users = "cni-podman9"
    subprocess.run(["ip", "link", "add", users, "type", "bridge"], check=True)
    sandbox = Sandbox(Path(f"{base}-podman-nets"), base / "cache", "podman")
    try:
        info = _up(sandbox, "podman")
        docker(info, "network", "create", "labnet")
        docker(info, "run", "-d", "--network", "labnet", "--name", "on-labnet", "nginx")
        conflist = Path(info.state_dir) / "podman" / "networks" / "labnet.conflist"
        bridge = json.loads(conflist.read_text())["plugins"][0]["bridge"]
        assert bridge != users and Path(f"/sys/class/net/{bridge}").is_dir()
        os.kill(info.dockerd_pid, 9)  # the service died: its API can name no bridge any more
        sandbox.down()
        assert not Path(f"/sys/class/net/{bridge}").exists()
        assert Path(f"/sys/class/net/{users}").is_dir()
    finally:
        sandbox.down()
        subprocess.run(["ip", "link", "delete", users], capture_output=True)


def test_down_stops_exactly_its_own_processes_and_leaves_docker0(sandboxes):
    remaining = dict(sandboxes)
    # A container left running: fuse-overlayfs mounts its layers through a process of its own.
    docker(sandboxes["fuse-overlayfs"], "run", "-d", "--name", "left", "nginx")
    for flavour in ("rootless", "podman", "fuse-overlayfs", "vfs", "containerd", "overlay2"):
        info = remaining.pop(flavour)
        Sandbox(Path(info.state_dir)).down()
        assert not any(alive(pid) for pid in own_pids(info)), flavour
        assert not Path(info.state_dir).exists()
        assert f"{info.state_dir}/" not in Path("/proc/self/mounts").read_text(), flavour
        assert not processes_mentioning(f"{info.state_dir}/"), flavour
        for other in remaining.values():
            assert all(alive(pid) for pid in own_pids(other)), (flavour, other.flavour)
            assert engine_info(other) is not None
        assert subprocess.run(["ip", "link", "show", "docker0"],
                              capture_output=True).returncode == 0, flavour


def own_pids(info: SandboxInfo) -> list[int]:
    return [pid for pid in (info.dockerd_pid, info.containerd_pid, info.registry_pid,
                            info.push_registry_pid) if pid]

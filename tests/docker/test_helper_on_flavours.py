"""The helper on every other engine a student may have, each reached through tcp://127.0.0.1
so that its files are out of reach, as on Docker Desktop or another host: the containerd image
store (Desktop's default today; inspect names no folder, the layer is found from the
container's mountinfo), rootless (the engine in its user namespace: the helper enters the
namespace of its runtime's shim) and Podman (conmon). Each time MYFILE is found in the folder
that engine really uses, through the helper and by the student's command."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import in_ci
from tcp_forward import tcp_to_unix

from runner.engines.endpoint import engine_info
from runner.engines.profile import detect_profile
from runner.errors import SandboxError
from runner.sandbox import Sandbox
from runner.storage.helper_command import host_shell_command
from runner.storage.helper_files import start_for
from runner.storage.locate import Method, container_layer
from runner.storage.variables import storage_values

# flavour -> how its layer is found, and a piece of the folder it must be in
EXPECTED = {
    "containerd": (Method.MOUNTINFO, "/io.containerd.snapshotter.v1.overlayfs/snapshots/"),
    "rootless": (Method.MOUNTINFO, "/io.containerd.snapshotter.v1.overlayfs/snapshots/"),
    "podman": (Method.GRAPH_DRIVER, "/overlay/"),
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def flavour_engine(request) -> Iterator[tuple[str, str]]:
    """(flavour, unix:// URL) of a sandbox of this module's own; stopped after its tests."""
    from runner.i18n import t

    flavour = request.param
    reason = Sandbox.can_start(flavour)
    if reason is not None:
        message = f"the {flavour} sandbox cannot start here: {t(reason, 'en')}"
        if in_ci():
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    sandbox = Sandbox(Path(tempfile.mkdtemp(prefix="lr-h-")), None, flavour)
    try:
        yield flavour, sandbox.up().docker_host
    except SandboxError as error:
        pytest.fail(f"the {flavour} sandbox did not start: {error.message('en')}",
                    pytrace=False)
    finally:
        sandbox.down()


@pytest.fixture
def remote_url(flavour_engine) -> Iterator[str]:
    with tcp_to_unix(flavour_engine[1]) as url:
        yield url


@pytest.fixture
def www(remote_url) -> Iterator[dict]:
    """nginx running as www with /MYFILE created in it: its `docker inspect`."""
    import docker

    client = docker.DockerClient(base_url=remote_url)
    container = client.containers.run("nginx", name="www", detach=True)
    container.exec_run(["touch", "/MYFILE"])
    yield client.api.inspect_container("www")
    container.remove(force=True)
    client.close()


def test_myfile_is_found_through_the_helper_and_by_the_students_command(flavour_engine,
                                                                       remote_url, www):
    method, folder = EXPECTED[flavour_engine[0]]
    profile = detect_profile(engine_info(remote_url), remote_url)
    assert not profile.host_paths_visible
    files = start_for(profile)
    try:
        layer = container_layer(www, profile, files)
        values = storage_values(profile, files)
        found = files.glob(f"{values['layer_files']}/MYFILE")
        command = host_shell_command(f"ls -d {values['layer_files']}/MYFILE", files.rights,
                                     files.access)
    finally:
        files.close()
    assert (layer.method, folder in layer.writable) == (method, True), layer
    assert found == [f"{layer.writable}/MYFILE"]
    done = subprocess.run(["bash", "-c", command], env=dict(os.environ, DOCKER_HOST=remote_url),
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == found, done.stderr

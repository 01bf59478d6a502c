"""Docker Desktop's default today: the containerd image store, its files out of reach. The
containerd-store sandbox reached through tcp://127.0.0.1: inspect names no folder, so the
writable layer is found from the container's mountinfo read through the helper, MYFILE is in
that snapshot, and the student's command finds it there too."""

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


@pytest.fixture(scope="module")
def containerd_engine() -> Iterator[str]:
    """A containerd-store sandbox of this module's own (unix:// URL); stopped at the end."""
    from runner.i18n import t

    reason = Sandbox.can_start("containerd")
    if reason is not None:
        message = f"the containerd sandbox cannot start here: {t(reason, 'en')}"
        if in_ci():
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    sandbox = Sandbox(Path(tempfile.mkdtemp(prefix="lr-h-")), None, "containerd")
    try:
        yield sandbox.up().docker_host
    except SandboxError as error:
        pytest.fail(f"the containerd sandbox did not start: {error.message('en')}",
                    pytrace=False)
    finally:
        sandbox.down()


@pytest.fixture
def remote_url(containerd_engine) -> Iterator[str]:
    with tcp_to_unix(containerd_engine) as url:
        yield url


@pytest.fixture
def www(remote_url) -> Iterator[dict]:
    import docker

    client = docker.DockerClient(base_url=remote_url)
    container = client.containers.run("nginx", name="www", detach=True)
    container.exec_run(["touch", "/MYFILE"])
    yield client.api.inspect_container("www")
    container.remove(force=True)
    client.close()


def test_myfile_is_found_in_the_containerd_snapshot_through_the_helper(remote_url, www):
    profile = detect_profile(engine_info(remote_url), remote_url)
    assert (profile.containerd_store, profile.host_paths_visible) == (True, False)
    assert not (www.get("GraphDriver") or {}).get("Data")  # no folder named by inspect
    files = start_for(profile)
    try:
        layer = container_layer(www, profile, files)
        values = storage_values(profile, files)
        found = files.glob(f"{values['layer_files']}/MYFILE")
        command = host_shell_command(f"ls -d {values['layer_files']}/MYFILE", files.rights,
                                     files.access)
    finally:
        files.close()
    assert layer.method == Method.MOUNTINFO and layer.writable.endswith("/fs")
    assert "io.containerd.snapshotter.v1.overlayfs/snapshots/" in layer.writable
    assert found == [f"{layer.writable}/MYFILE"]
    done = subprocess.run(["bash", "-c", command], env=dict(os.environ, DOCKER_HOST=remote_url),
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == found, done.stderr

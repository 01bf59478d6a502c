"""A STOPPED container on the containerd image store, its engine reached through tcp (its
files out of reach, as on Docker Desktop): its layer is found in containerd's snapshot
database read through the helper, never by asking this machine's containerd (ctr)."""

from __future__ import annotations

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
from runner.storage import containerd_snapshots
from runner.storage.helper_files import start_for
from runner.storage.host_files import FileKind
from runner.storage.layer_chain import chain_ids
from runner.storage.layout import storage_layout
from runner.storage.locate import Method, container_layer
from runner.storage.snapshot_db import DB_LIMIT, read_snapshots


@pytest.fixture(scope="module")
def remote_url() -> Iterator[str]:
    """tcp://127.0.0.1:PORT to a containerd-store sandbox of this module's own."""
    from runner.i18n import t

    reason = Sandbox.can_start("containerd")
    if reason is not None:
        message = f"the containerd sandbox cannot start here: {t(reason, 'en')}"
        if in_ci():
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    sandbox = Sandbox(Path(tempfile.mkdtemp(prefix="lr-hs-")), None, "containerd")
    try:
        with tcp_to_unix(sandbox.up().docker_host) as url:
            yield url
    except SandboxError as error:
        pytest.fail(f"the containerd sandbox did not start: {error.message('en')}",
                    pytrace=False)
    finally:
        sandbox.down()


@pytest.fixture(scope="module")
def stopped(remote_url) -> Iterator[tuple[dict, list[str]]]:
    """nginx with /MYFILE, stopped: its `docker inspect` and its image's diff ids."""
    import docker

    client = docker.DockerClient(base_url=remote_url)
    container = client.containers.run("nginx", name="stopped-www", detach=True)
    container.exec_run(["touch", "/MYFILE"])
    container.stop(timeout=2)
    image = client.api.inspect_image("nginx")
    yield client.api.inspect_container("stopped-www"), image["RootFS"]["Layers"]
    container.remove(force=True)
    client.close()


def _no_local_ctr(*args, **kwargs):
    pytest.fail("ctr was run against this machine's containerd")


def test_a_stopped_containers_layer_is_found_through_the_helper(remote_url, stopped,
                                                               monkeypatch):
    monkeypatch.setattr(containerd_snapshots, "_ctr", _no_local_ctr)
    details, diff_ids = stopped
    profile = detect_profile(engine_info(remote_url), remote_url)
    assert not profile.host_paths_visible and not details["State"]["Running"]
    files = start_for(profile)
    try:
        layer = container_layer(details, profile, files)
        myfile = files.kind(f"{layer.writable}/MYFILE")
        index = read_snapshots(files.read_bytes(storage_layout(profile, files).layer_db,
                                                DB_LIMIT) or b"")
    finally:
        files.close()
    assert layer.method == Method.SNAPSHOT_DB, layer
    assert "/io.containerd.snapshotter.v1.overlayfs/snapshots/" in layer.writable
    assert myfile == FileKind.FILE
    assert index is not None and all(index.get(chain) for chain in chain_ids(diff_ids))

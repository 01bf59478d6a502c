"""The helper container reads an engine's files when they are not on this machine.

The sandbox engine is reached through tcp://127.0.0.1:PORT (a small forwarder to its unix
socket), so labrunner sees a remote engine, as with Docker Desktop or another host: the find-
MYFILE lesson must still work through the helper, and the helper must be gone afterwards.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import time
from collections.abc import Iterator

import pytest
from tcp_forward import tcp_to_unix

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.path import PathCheck
from runner.engines.endpoint import engine_info
from runner.engines.profile import detect_profile
from runner.run.status import CheckStatus
from runner.storage import helper_container, helper_session
from runner.storage.helper_command import host_shell_command, host_shell_prefix
from runner.storage.helper_container import HelperError
from runner.storage.helper_files import HelperFiles, needs_helper, start_for
from runner.storage.host_files import FileKind, files_for
from runner.storage.locate import container_layer
from runner.storage.variables import storage_values

# One engine connection, one www and one helper for the whole module (each costs seconds);
# the tests only add to them. The module leaves the session's sandbox empty, as clean_engine.


@pytest.fixture(scope="module")
def remote_url(sandbox_engine) -> Iterator[str]:
    """tcp://127.0.0.1:PORT leading to the sandbox engine; stopped after the module."""
    with tcp_to_unix(sandbox_engine.docker_host) as url:
        yield url


@pytest.fixture(scope="module")
def client(remote_url):
    import docker

    client = docker.DockerClient(base_url=remote_url, timeout=60)
    yield client
    for container in client.containers.list(all=True):
        container.remove(force=True, v=True)
    for image in client.images.list():
        client.images.remove(image.id, force=True)
    client.close()


@pytest.fixture(scope="module")
def www(client):
    """nginx running as www, with /MYFILE created in it and one image file deleted."""
    container = client.containers.run("nginx", name="www", detach=True)
    container.exec_run(["sh", "-c", "touch /MYFILE && echo bonjour > /NOTE"
                                    " && rm /usr/share/nginx/html/index.html"])
    container.reload()
    return container


@pytest.fixture(scope="module")
def helper(client) -> Iterator[HelperFiles]:
    with HelperFiles.start(client) as files:
        yield files


def test_through_tcp_the_engine_looks_remote_and_its_files_invisible(remote_url):
    profile = detect_profile(engine_info(remote_url), remote_url)
    assert (profile.kind, profile.host_paths_visible) == ("remote", False)


def test_the_helper_finds_myfile_in_the_containers_writable_layer(client, www, helper):
    upper = www.attrs["GraphDriver"]["Data"]["UpperDir"]
    root = client.info()["DockerRootDir"]
    assert helper.kind(upper) == FileKind.DIR
    assert helper.kind(f"{upper}/MYFILE") == FileKind.FILE
    assert helper.glob(f"{root}/overlay2/*/diff/MYFILE") == [f"{upper}/MYFILE"]
    assert helper.exists(f"{upper}/MYFILE") and not helper.exists(f"{upper}/NOFILE")


def test_a_deleted_image_file_is_a_whiteout_in_the_writable_layer(www, helper):
    upper = www.attrs["GraphDriver"]["Data"]["UpperDir"]
    assert helper.kind(f"{upper}/usr/share/nginx/html/index.html") == FileKind.WHITEOUT
    assert helper.kinds([f"{upper}/MYFILE", f"{upper}/usr", f"{upper}/none"]) == [
        FileKind.FILE, FileKind.DIR, FileKind.MISSING]


def test_the_helper_lists_folders_and_reads_files(www, helper):
    upper = www.attrs["GraphDriver"]["Data"]["UpperDir"]
    assert {"MYFILE", "NOTE", "usr"} <= set(helper.listdir(upper))
    assert helper.listdir(f"{upper}/none") == []
    assert helper.read_text(f"{upper}/NOTE") == "bonjour\n"
    assert helper.read_text(f"{upper}/NOTE", limit=3) == "bon"
    assert helper.read_text(upper) is None and helper.read_text(f"{upper}/none") is None


def test_odd_names_come_back_intact(www, helper):
    upper = www.attrs["GraphDriver"]["Data"]["UpperDir"]
    www.exec_run(["sh", "-c", "touch '/a b' \"$(printf 'new\\nline')\" '/.hidden'"])
    assert {"a b", "new\nline", ".hidden"} <= set(helper.listdir(upper))
    assert helper.glob(f"{upper}/a *") == [f"{upper}/a b"]


def test_registered_for_the_engine_the_lookup_and_the_path_check_read_through_it(
        remote_url, client, www, tmp_path):
    profile = detect_profile(engine_info(remote_url), remote_url)
    upper = www.attrs["GraphDriver"]["Data"]["UpperDir"]
    check = PathCheck(type="path", path="{layer_files}/MYFILE")
    assert needs_helper(profile)
    files = start_for(profile)
    try:
        assert files_for(profile) is files and not needs_helper(profile)
        layer = container_layer(client.api.inspect_container("www"), profile, files)
        assert layer.writable == upper
        values = {**storage_values(profile, files), "docker_root": profile.docker_root}
        ctx = CheckContext([], profile, values, lambda: client, cwd=str(tmp_path))
        verdict = evaluate(check, ctx)
        assert verdict.status == CheckStatus.PASS, verdict
        assert f"{upper}/MYFILE" in verdict.note.text("en")
    finally:
        files.close()
    assert needs_helper(profile)
    assert evaluate(check, ctx).status == CheckStatus.SKIP  # no helper: said, not guessed


def test_a_path_with_a_newline_is_asked_by_an_exec_of_its_own(www, helper):
    upper = www.attrs["GraphDriver"]["Data"]["UpperDir"]
    www.exec_run(["sh", "-c", "touch \"$(printf '/new\\nline')\""])
    assert helper.kind(f"{upper}/new\nline") == FileKind.FILE
    assert helper.kind(f"{upper}/MYFILE") == FileKind.FILE  # the session still answers


def test_a_helper_removed_under_our_feet_is_a_clear_error(client, monkeypatch):
    monkeypatch.setattr(helper_session, "PATIENCE", 0.2)  # silence before asking: shorter
    files = HelperFiles.start(client)
    assert files.kind("/") == FileKind.DIR
    files.container.remove(force=True)
    with pytest.raises(HelperError) as raised:
        files.kind("/")
    assert raised.value.key == "helper.gone" and raised.value.exit_code == 3
    files.close()


def test_no_image_to_be_had_is_a_clear_error_and_starts_nothing(client):
    before = helpers(client)
    with pytest.raises(HelperError) as raised:
        HelperFiles.start(client, image="labrunner-no-such-image:1")
    assert raised.value.key == "helper.no_image"
    assert "labrunner-no-such-image:1" in raised.value.message("en")
    assert helpers(client) == before


def test_a_helper_that_cannot_see_the_engines_files_is_removed_at_once(client):
    before = helpers(client)
    with pytest.raises(HelperError) as raised:
        HelperFiles.start(client, must_see="/no/such/docker/root")
    assert raised.value.key == "helper.blind"
    assert helpers(client) == before


def test_the_helper_is_gone_after_close(client):
    files = HelperFiles.start(client)
    assert files.kind("/") == FileKind.DIR
    assert files.container.id in helpers(client)
    files.close()
    files.close()  # twice is fine
    assert files.container.id not in helpers(client)


def test_a_helper_whose_labrunner_died_is_a_leftover_and_a_live_one_is_not(client, helper):
    labels = {helper_container.LABEL: "host-files",
              helper_container.OWNER_LABEL: f"{socket.gethostname()}:{_dead_pid()}"}
    orphan = client.containers.run("busybox:latest", ["sleep", "60"], labels=labels,
                                   detach=True)
    assert [c.id for c in helper_container.leftovers(client)] == [orphan.id]
    assert helper_container.remove_leftovers(client) == 1
    assert helper.kind("/") == FileKind.DIR  # ours still answers


def test_starting_a_helper_removes_a_dead_runs_helper_but_not_a_live_ones(client, helper):
    dead = {helper_container.LABEL: "host-files",
            helper_container.OWNER_LABEL: f"{socket.gethostname()}:{_dead_pid()}"}
    orphan = client.containers.run("busybox:latest", ["sleep", "60"], labels=dead, detach=True)
    with HelperFiles.start(client) as second:
        assert orphan.id not in helpers(client)
        assert {helper.container.id, second.container.id} <= helpers(client)


def test_the_students_command_finds_myfile_on_the_remote_engine(remote_url, client, www, helper):
    upper = www.attrs["GraphDriver"]["Data"]["UpperDir"]
    root = client.info()["DockerRootDir"]
    command = host_shell_command(f"ls -d {root}/overlay2/*/diff/MYFILE", helper.rights,
                                 helper.access)
    assert command.startswith(host_shell_prefix(helper.rights, helper.access) + " ")
    done = subprocess.run(["bash", "-c", command], env=dict(os.environ, DOCKER_HOST=remote_url),
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == [f"{upper}/MYFILE"], done.stderr


def test_start_and_question_times(client, www):
    started = time.monotonic()
    with HelperFiles.start(client) as files:
        start_seconds = time.monotonic() - started
        upper = www.attrs["GraphDriver"]["Data"]["UpperDir"]
        times = []
        for _ in range(9):
            before = time.monotonic()
            assert files.kind(f"{upper}/MYFILE") == FileKind.FILE
            times.append(time.monotonic() - before)
    print(f"helper start {start_seconds * 1000:.0f} ms, "
          f"question median {statistics.median(times) * 1000:.1f} ms")
    assert start_seconds < 10 and statistics.median(times) < 0.5


def helpers(client) -> set[str]:
    """The ids of the helper containers on the engine, running or not."""
    return {c.id for c in client.containers.list(all=True,
                                                 filters={"label": helper_container.LABEL})}


def _dead_pid() -> int:
    """A pid no process has (a child that has ended and been waited for)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid

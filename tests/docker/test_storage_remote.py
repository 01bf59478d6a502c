"""An engine whose files are not on this machine (reached through tcp://127.0.0.1 as if it
were remote, like Docker Desktop): `labrunner where --host-helper` and the container_layer
check find MYFILE through the helper container, and the helper is gone afterwards."""

from __future__ import annotations

import argparse
import json

import pytest
from tcp_forward import tcp_to_unix

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.container_layer import ContainerLayerCheck
from runner.commands import where
from runner.engines.endpoint import engine_info
from runner.engines.profile import detect_profile
from runner.storage import host_files
from runner.storage.helper_container import LABEL
from runner.storage.helper_files import HelperFiles


@pytest.fixture
def remote(sandbox_engine, clean_engine):
    """The sandbox engine through tcp://127.0.0.1 (so, to labrunner, remote), running www
    with /MYFILE in it: (profile, SDK client)."""
    import docker

    with tcp_to_unix(sandbox_engine.docker_host) as url:
        client = docker.DockerClient(base_url=url, timeout=60)
        container = client.containers.run("nginx", name="www", detach=True)
        assert container.exec_run(["touch", "/MYFILE"]).exit_code == 0
        yield detect_profile(engine_info(url), url), client
        client.close()


def where_args(profile, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    where.add_parser(parser.add_subparsers(dest="command"), "en")
    args = parser.parse_args(["where", "www", "--engine", profile.endpoint, "--json", *extra])
    args.language = "en"
    return args


def test_where_reads_a_remote_engine_only_with_the_helper(remote, capsys):
    profile, client = remote
    assert (profile.kind, profile.host_paths_visible) == ("remote", False)
    assert where.run(where_args(profile)) == 1
    assert json.loads(capsys.readouterr().out)["visible"] is False
    assert where.run(where_args(profile, "--host-helper")) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["found"] and answer["writable"].endswith("/diff")
    assert client.containers.list(all=True, filters={"label": LABEL}) == [], "helper removed"


def test_the_container_layer_check_reads_through_a_registered_helper(remote):
    profile, client = remote
    ctx = CheckContext([], profile, {}, lambda: client)
    check = ContainerLayerCheck(type="container_layer", name="www", path="/MYFILE")
    assert evaluate(check, ctx).note.key == "check.change_via_api"  # no helper: the diff API
    with HelperFiles.start(client) as files:
        host_files.register(profile.endpoint, files)
        try:
            outcome = evaluate(check, ctx)
            folders = evaluate(ContainerLayerCheck(type="container_layer", name="www",
                                                   folders=True), ctx)
        finally:
            host_files.unregister(profile.endpoint)
    assert outcome.passed and outcome.note.key == "check.change_via_upperdir"
    assert folders.passed, folders

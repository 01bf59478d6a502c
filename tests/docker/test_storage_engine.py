"""Where a container's layer is, on every sandbox flavour CI runs (the README's engine table):
MYFILE created in a container is found on the host in the folder runner/storage locates, by
`labrunner where` and by the container_layer check, running and stopped, and the image's
layers are in that engine's layer store. Nothing here is mocked: real engines, real folders."""

from __future__ import annotations

import argparse
import glob
import json
import os
import time
from collections.abc import Iterator

import pytest

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.container_layer import ContainerLayerCheck
from runner.checks.layer_store import LayerStoreCheck
from runner.commands import where
from runner.engines.connect import profile_at
from runner.engines.endpoint import docker_client
from runner.lab.engine_table import COLUMNS
from runner.messages import msg
from runner.storage.locate import Method, container_layer
from runner.storage.variables import storage_values

FLAVOURS = [column.flavour for column in COLUMNS if column.flavour]
# How each flavour's layer is found: (running, stopped).
METHODS = {"overlay2": (Method.GRAPH_DRIVER, Method.GRAPH_DRIVER),
           "podman": (Method.GRAPH_DRIVER, Method.GRAPH_DRIVER),
           "containerd": (Method.MOUNTINFO, Method.SNAPSHOT_DB),
           "rootless": (Method.MOUNTINFO, Method.SNAPSHOT_DB),
           "vfs": (Method.LAYERDB, Method.LAYERDB),
           "fuse-overlayfs": (Method.GRAPH_DRIVER, Method.GRAPH_DRIVER)}


@pytest.fixture(scope="module", params=FLAVOURS)
def engine(request, flavour_engines) -> Iterator[tuple[str, object]]:
    """(flavour, profile): that flavour's engine, shared with the session's other modules."""
    info = flavour_engines(request.param)
    yield request.param, profile_at(info.docker_host, msg("engine.source_sandbox"))


@pytest.fixture
def www(engine):
    """A running nginx named www with /MYFILE created in it; removed afterwards."""
    client = docker_client(engine[1].endpoint)
    client.images.pull("nginx", tag="latest")
    container = client.containers.run("nginx", name="www", detach=True)
    assert container.exec_run(["touch", "/MYFILE"]).exit_code == 0
    yield client, container
    container.remove(force=True)
    client.close()


def ask_where(profile, language: str = "en") -> tuple[int, dict]:
    parser = argparse.ArgumentParser()
    where.add_parser(parser.add_subparsers(dest="command"), language)
    args = parser.parse_args(["where", "www", "--engine", profile.endpoint, "--json"])
    args.language = language
    return where.run(args), args


def where_json(profile, capsys) -> dict:
    status, _ = ask_where(profile)
    assert status == 0
    return json.loads(capsys.readouterr().out)


def check(profile, client, **keys):
    ctx = CheckContext([], profile, storage_values(profile), lambda: client)
    return evaluate(ContainerLayerCheck(type="container_layer", name="www", **keys), ctx)


def test_myfile_is_found_running_and_stopped(engine, www, capsys):
    flavour, profile = engine
    client, container = www
    running = where_json(profile, capsys)
    assert running["method"] == METHODS[flavour][0]
    assert os.path.exists(f"{running['writable']}/MYFILE")
    if profile.storage_driver == "vfs":  # nothing mounted: the copy is the whole view
        assert running["merged"] == ""
    else:
        assert os.path.exists(f"{running['merged']}/MYFILE"), "the merged view shows it too"
    assert check(profile, client, path="/MYFILE").passed
    assert check(profile, client, folders=True).passed
    container.stop(timeout=1)
    stopped = where_json(profile, capsys)
    assert stopped["method"] == METHODS[flavour][1]
    assert stopped["writable"] == running["writable"] and stopped["merged"] == ""
    assert os.path.exists(f"{stopped['writable']}/MYFILE"), "stopping keeps the layer"
    assert check(profile, client, path="/MYFILE").passed
    assert check(profile, client, folders=True).passed
    assert not check(profile, client, path="/MYFILE", change="deleted").passed


def test_the_layer_files_variable_finds_myfile(engine, www):
    profile = engine[1]
    values = storage_values(profile)
    assert values["storage"] == profile.storage_driver
    details = www[0].api.inspect_container("www")
    writable = container_layer(details, profile).writable
    assert f"{writable}/MYFILE" in glob.glob(f"{values['layer_files']}/MYFILE")
    # Mounted while running; a rootless engine mounts it in its own mount namespace, where
    # only `where`'s /proc/<pid>/root reaches it from here.
    # vfs mounts nothing: no merged view at all.
    mounted = not profile.rootless and profile.storage_driver != "vfs"
    assert bool(glob.glob(f"{values['merged_files']}/MYFILE")) == mounted


def test_a_lookup_takes_under_50_ms(engine, www):
    profile = engine[1]
    client, container = www
    for _state in ("running", "stopped"):
        details = client.api.inspect_container("www")
        started = time.perf_counter()
        assert container_layer(details, profile).found
        elapsed = (time.perf_counter() - started) * 1000
        print(f"\n{engine[0]} {_state}: {elapsed:.1f} ms")
        assert elapsed < 50
        container.stop(timeout=1)


def test_the_image_layers_are_in_the_engines_layer_store(engine, www):
    profile = engine[1]
    ctx = CheckContext([], profile, storage_values(profile), lambda: www[0])
    outcome = evaluate(LayerStoreCheck(type="layer_store", name="nginx"), ctx)
    assert outcome.passed, outcome


def test_where_says_which_container_is_missing(engine, capsys):
    status, _ = ask_where(engine[1], "fr")
    assert status == 1 and "aucun conteneur www" in capsys.readouterr().err

"""The layer-aware check types, pass and fail, against the real sandbox engine.

Reference values always come from the engine itself (inspect, save), never from numbers
written here: the same checks must hold on Docker Hub images and on the stand-ins.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.container_layer import ContainerLayerCheck
from runner.checks.engine_empty import EngineEmptyCheck
from runner.checks.image import ImageCheck
from runner.checks.image_archive import ImageArchiveCheck
from runner.checks.layer_store import LayerStoreCheck, chain_ids
from runner.engines.endpoint import docker_client, engine_info
from runner.engines.profile import detect_profile


@pytest.fixture
def ctx(sandbox_engine, tmp_path):
    url = sandbox_engine.docker_host
    profile = detect_profile(engine_info(url), url)
    client = docker_client(url)
    yield CheckContext([], profile, {"docker_root": profile.docker_root,
                                     "work_dir": str(tmp_path)}, lambda: client,
                       cwd=str(tmp_path))
    client.close()


@pytest.fixture
def docker(clean_engine, docker_env, tmp_path):
    def run(*args: str) -> str:
        return subprocess.run(["docker", *args], env=docker_env, check=True, cwd=tmp_path,
                              capture_output=True, text=True).stdout.strip()
    return run


def layers(docker, image: str) -> list[str]:
    return docker("image", "inspect", "--format", "{{range .RootFS.Layers}}{{println .}}{{end}}",
                  image).split()


def test_the_sandbox_engine_says_it_is_one(ctx):
    assert ctx.profile.sandbox


def test_image_layers_same_as_a_tag_and_not_another_image(ctx, docker):
    docker("pull", "-q", "nginx")
    docker("pull", "-q", "alpine")
    docker("tag", "nginx", "nginx:monblog_prod")
    assert evaluate(ImageCheck(type="image", name="nginx:monblog_prod",
                               layers={"same_as": "nginx:latest"}), ctx).passed
    failed = evaluate(ImageCheck(type="image", name="alpine",
                               layers={"same_as": "nginx:latest"}), ctx)
    assert failed.status == "fail" and failed.problems


def test_image_layers_extends_a_parent_by_what_commit_adds(ctx, docker):
    docker("pull", "-q", "alpine")
    docker("run", "--name", "note", "alpine", "sh", "-c", "echo hi > /note.txt")
    docker("commit", "note", "alpine-note")
    parent = layers(docker, "alpine")
    assert layers(docker, "alpine-note")[:len(parent)] == parent  # what the check must see
    assert evaluate(ImageCheck(type="image", name="alpine-note",
                               layers={"extends": "alpine", "new": 1}), ctx).passed
    assert not evaluate(ImageCheck(type="image", name="alpine-note",
                               layers={"extends": "alpine", "new": 2}), ctx).passed
    # alpine does not extend its own child, and an image never extends itself
    assert not evaluate(ImageCheck(type="image", name="alpine",
                               layers={"extends": "alpine-note"}), ctx).passed
    assert not evaluate(ImageCheck(type="image", name="alpine",
                               layers={"extends": "alpine"}), ctx).passed


def test_layer_store_finds_each_layer_and_its_parent(ctx, docker, tmp_path):
    docker("pull", "-q", "python:3.9")
    diff_ids = layers(docker, "python:3.9")
    outcome = evaluate(LayerStoreCheck(type="layer_store", name="python:3.9"), ctx)
    assert outcome.passed, outcome
    # Independently of the check: the top layer's folder names its parent's chain id.
    chains = chain_ids(diff_ids)
    top = Path(ctx.profile.docker_root, "image", ctx.profile.storage_driver, "layerdb",
               "sha256", chains[-1].split(":")[1])
    assert (top / "parent").read_text().strip() == chains[-2]
    elsewhere = replace(ctx, profile=replace(ctx.profile, docker_root=str(tmp_path)))
    missing = evaluate(LayerStoreCheck(type="layer_store", name="python:3.9"), elsewhere)
    assert missing.status == "fail" and len(missing.problems) == len(diff_ids)


def test_layer_store_is_skipped_where_the_root_is_not_visible(ctx, docker):
    docker("pull", "-q", "alpine")
    hidden = replace(ctx, profile=replace(ctx.profile, host_paths_visible=False,
                                          kind="desktop"))
    assert evaluate(LayerStoreCheck(type="layer_store", name="alpine"), hidden).status == "skip"
    containerd = replace(ctx, profile=replace(ctx.profile, kind="containerd"))
    assert evaluate(LayerStoreCheck(type="layer_store", name="alpine"), containerd).status == "skip"


def test_image_archive_matches_the_saved_layers_and_notices_a_changed_one(ctx, docker,
                                                                         tmp_path):
    docker("pull", "-q", "nginx")
    docker("save", "nginx", "-o", "image.tar")
    check = ImageArchiveCheck(type="image_archive", path="image.tar", image="nginx")
    assert evaluate(check, ctx).passed
    folder = tmp_path / "image_decompressee"
    folder.mkdir()
    with tarfile.open(tmp_path / "image.tar") as archive:
        archive.extractall(folder, filter="tar")
    extracted = ImageArchiveCheck(type="image_archive", path="image_decompressee", image="nginx")
    assert evaluate(extracted, ctx).passed
    docker("pull", "-q", "alpine")
    other = ImageArchiveCheck(type="image_archive", path="image_decompressee", image="alpine")
    assert not evaluate(other, ctx).passed
    manifest = (folder / "manifest.json").read_text()
    first_layer = folder / manifest.split('"Layers":["', 1)[1].split('"', 1)[0]
    first_layer.unlink()  # a link in the OCI layout: replace, don't write through it
    first_layer.write_bytes(b"not the layer")
    assert not evaluate(extracted, ctx).passed
    shutil.rmtree(folder)
    assert evaluate(extracted, ctx).status == "fail"  # gone: a failure, not a traceback


def test_container_layer_folders_while_running_stopped_and_removed(ctx, docker):
    docker("pull", "-q", "nginx")
    docker("run", "-d", "--name", "www", "nginx")
    check = ContainerLayerCheck(type="container_layer", name="www", folders=True)
    assert evaluate(check, ctx).passed
    docker("stop", "www")  # the stand-in obeys SIGTERM: instant
    assert evaluate(check, ctx).passed, "stopped: MergedDir is unmounted, the rest stays"
    upper = docker("container", "inspect", "--format", "{{.GraphDriver.Data.UpperDir}}", "www")
    docker("rm", "www")
    assert not Path(upper).exists()
    assert evaluate(check, ctx).status == "fail"


def test_engine_empty(ctx, docker):
    check = EngineEmptyCheck(type="engine_empty", objects=["containers", "images", "volumes"])
    assert evaluate(check, ctx).passed
    docker("volume", "create", "data")
    outcome = evaluate(check, ctx)
    assert outcome.status == "fail" and "data" in outcome.problems[0].actual
    docker("volume", "rm", "data")
    assert evaluate(check, ctx).passed

"""Every check type, pass and fail, against the real sandbox engine."""

from __future__ import annotations

import subprocess

import pytest

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.container import ContainerCheck
from runner.checks.container_layer import ContainerLayerCheck
from runner.checks.image import ImageCheck
from runner.checks.path import PathCheck
from runner.engines.endpoint import docker_client, engine_info
from runner.engines.profile import detect_profile


@pytest.fixture
def ctx(sandbox_engine):
    url = sandbox_engine.docker_host
    profile = detect_profile(engine_info(url), url)
    client = docker_client(url)
    yield CheckContext([], profile, {"docker_root": profile.docker_root}, lambda: client)
    client.close()


@pytest.fixture
def www(clean_engine, docker_env):
    """A running nginx stand-in called www, with /MYFILE added and /etc/hostname untouched."""
    def docker(*args: str) -> str:
        return subprocess.run(["docker", *args], env=docker_env, check=True,
                              capture_output=True, text=True).stdout.strip()
    docker("pull", "-q", "nginx")
    docker("run", "-d", "--name", "www", "nginx")
    docker("exec", "www", "touch", "/MYFILE")
    docker("exec", "www", "rm", "/bin/cat")
    return docker


def test_profile_sees_the_sandbox_as_a_linux_engine_with_visible_paths(ctx, sandbox_engine):
    assert ctx.profile.kind == "linux"
    assert ctx.profile.host_paths_visible
    assert ctx.profile.docker_root == sandbox_engine.docker_root


def test_image_check(ctx, www):
    assert evaluate(ImageCheck(type="image", name="nginx:latest"), ctx).passed
    www("tag", "nginx:latest", "nginx:monblog_prod")
    assert evaluate(ImageCheck(type="image", name="nginx:monblog_prod",
                               same_as="nginx:latest"), ctx).passed
    assert not evaluate(ImageCheck(type="image", name="nginx:latest", state="absent"), ctx).passed
    assert not evaluate(ImageCheck(type="image", name="memcached:latest"), ctx).passed


def test_container_check(ctx, www):
    assert evaluate(ContainerCheck(type="container", name="www", state="running"), ctx).passed
    assert not evaluate(ContainerCheck(type="container", name="www", state="exited"), ctx).passed
    www("stop", "www")
    assert evaluate(ContainerCheck(type="container", name="www", state="exited"), ctx).passed
    www("rm", "www")
    assert evaluate(ContainerCheck(type="container", name="www", state="absent"), ctx).passed
    assert not evaluate(ContainerCheck(type="container", name="www", state="present"), ctx).passed


@pytest.mark.parametrize(("path", "change"), [("/MYFILE", "added"), ("/bin/cat", "deleted")])
def test_container_layer_check_reads_the_upper_dir(ctx, www, path, change):
    passed = evaluate(ContainerLayerCheck(type="container_layer", name="www", path=path,
                                           change=change), ctx)
    assert passed.passed and passed.note.key == "check.change_via_upperdir"
    wrong = "changed" if change == "added" else "added"
    assert not evaluate(ContainerLayerCheck(type="container_layer", name="www", path=path,
                                             change=wrong), ctx).passed


def test_container_layer_check_via_the_engine_api(ctx, www):
    from dataclasses import replace

    hidden = CheckContext([], replace(ctx.profile, host_paths_visible=False), ctx.values,
                          ctx.docker_factory)
    outcome = evaluate(ContainerLayerCheck(type="container_layer", name="www",
                                            path="/MYFILE"), hidden)
    assert outcome.passed and outcome.note.key == "check.change_via_api"
    assert not evaluate(ContainerLayerCheck(type="container_layer", name="www",
                                             path="/NOTHING"), hidden).passed


def test_path_check_finds_the_file_under_the_docker_root(ctx, www):
    layer = PathCheck(type="path", path="{docker_root}/overlay2/*/diff/MYFILE")
    assert evaluate(layer, ctx).passed
    www("rm", "-f", "www")
    assert not evaluate(layer, ctx).passed
    assert evaluate(PathCheck(type="path", path="{docker_root}/overlay2/*/diff/MYFILE",
                              state="absent"), ctx).passed

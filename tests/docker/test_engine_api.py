"""The standard-library engine client against a real engine: it reads what the SDK reads."""

from __future__ import annotations

import subprocess

from runner.engines.api import EngineAPI
from runner.engines.endpoint import docker_client, engine_info


def test_info_and_inspections_agree_with_the_sdk(sandbox_engine, docker_env, clean_engine):
    url = sandbox_engine.docker_host
    subprocess.run(["docker", "pull", "-q", "busybox"], env=docker_env, check=True,
                   capture_output=True)
    subprocess.run(["docker", "create", "--name", "api-box", "busybox", "true"], env=docker_env,
                   check=True, capture_output=True)
    info = engine_info(url)
    client = docker_client(url)
    assert info["DockerRootDir"] == client.info()["DockerRootDir"]
    with EngineAPI(url) as api:
        assert api.inspect("images", "busybox:latest")["Id"] == \
            client.api.inspect_image("busybox:latest")["Id"]
        assert api.inspect("containers", "api-box")["Id"] == \
            client.api.inspect_container("api-box")["Id"]
        assert api.inspect("containers", "no-such-box") is None
        assert api.inspect("images", "no-such-image:1") is None


def test_the_sdk_client_speaks_the_engines_api_version(sandbox_engine):
    url = sandbox_engine.docker_host
    engine_info(url)
    client = docker_client(url)
    assert client.api.api_version == client.version()["ApiVersion"]

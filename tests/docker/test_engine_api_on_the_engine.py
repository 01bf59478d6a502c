"""The standard-library engine client against a real engine: it reads what the SDK reads."""

from __future__ import annotations

import subprocess

from runner.engines.endpoint import docker_client, engine_info
from runner.engines.inventory import take
from runner.engines.reader import ReaderClient


def docker(env: dict, *args: str) -> None:
    subprocess.run(["docker", *args], env=env, check=True, capture_output=True)


def test_the_reader_reads_what_the_sdk_reads(sandbox_engine, docker_env, clean_engine):
    url = sandbox_engine.docker_host
    docker(docker_env, "pull", "-q", "busybox")
    docker(docker_env, "volume", "create", "api-data")
    docker(docker_env, "network", "create", "api-net")
    docker(docker_env, "run", "--name", "api-box", "-v", "api-data:/data", "busybox",
           "touch", "/made-here")
    sdk, reader = docker_client(url).api, ReaderClient(url).api
    for name, call in [("busybox:latest", "inspect_image"), ("api-box", "inspect_container"),
                       ("api-data", "inspect_volume"), ("api-net", "inspect_network"),
                       ("api-box", "diff")]:
        assert getattr(reader, call)(name) == getattr(sdk, call)(name), call
    assert take(reader) == take(sdk)
    assert {"Path": "/made-here", "Kind": 1} in reader.diff("api-box")
    assert reader.inspect_container("no-such-box") is None
    assert reader.inspect_image("no-such-image:1") is None
    reader.close()


def test_info_is_the_sdks_and_the_sdk_client_speaks_the_engines_api_version(sandbox_engine):
    url = sandbox_engine.docker_host
    info = engine_info(url)
    client = docker_client(url)
    assert info["DockerRootDir"] == client.info()["DockerRootDir"]
    assert client.api.api_version == client.version()["ApiVersion"]

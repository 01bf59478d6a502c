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
        mine, theirs = getattr(reader, call)(name), getattr(sdk, call)(name)
        if call == "diff":  # the engine lists a layer's changes in no set order
            mine, theirs = sorted(mine, key=str), sorted(theirs, key=str)
        assert mine == theirs, call
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


def test_a_whole_run_reads_the_engine_without_importing_the_sdk(sandbox_engine, clean_engine,
                                                                  tmp_path):
    """`run` only reads: its checks go through ReaderClient, and the Docker SDK (~60 ms of
    CPU) is never imported, unless a check meets an engine error."""
    import sys
    from pathlib import Path

    lab = tmp_path / "lab.yaml"
    lab.write_text("""\
format: 2
id: reads
title: {fr: Lire, en: Read}
steps:
  - id: pull
    title: {fr: Tirer, en: Pull}
    explain: {fr: x, en: x}
    run: docker pull -q busybox && docker run --name reads-box busybox touch /x
    checks:
      - {type: image, name: busybox}
      - {type: container, name: reads-box, state: exited}
      - {type: container_layer, name: reads-box, path: /x}
cleanup: [docker rm -f reads-box]
""", encoding="utf-8")
    code = ("import sys; from runner.cli import main; "
            f"status = main(['run', {str(lab)!r}, '--auto', '--engine', "
            f"{sandbox_engine.docker_host!r}, '--reporter', 'plain']); "
            "print('SDK', 'docker' in sys.modules); sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout and done.stdout.rstrip().endswith("SDK False")

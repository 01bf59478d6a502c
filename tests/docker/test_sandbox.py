"""The sandbox engine itself: offline pulls, fast stops, its own registry, clean shutdown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from runner.sandbox import Sandbox
from runner.sandbox.processes import alive

ROOT = Path(__file__).resolve().parents[2]


def docker(env, *args: str) -> str:
    return subprocess.run(["docker", *args], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_starts_empty_and_pulls_stand_ins_offline(sandbox_engine, clean_engine, docker_env):
    assert docker(docker_env, "images", "-q") == ""
    docker(docker_env, "pull", "nginx")
    layers = json.loads(docker(docker_env, "image", "inspect", "-f", "{{json .RootFS.Layers}}",
                               "nginx"))
    labels = json.loads(docker(docker_env, "image", "inspect", "-f",
                               "{{json .Config.Labels}}", "nginx"))
    assert len(layers) >= 3
    assert labels["io.labrunner.standin"] == "true"
    assert "stand-in for nginx" in labels["org.opencontainers.image.description"]


def test_stand_ins_stop_at_once(sandbox_engine, clean_engine, docker_env):
    for image in ("nginx", "httpd:2-alpine", "memcached"):
        docker(docker_env, "pull", "-q", image)
        docker(docker_env, "run", "-d", "--name", "quick", image)
        started = time.monotonic()
        docker(docker_env, "stop", "quick")
        assert time.monotonic() - started < 3, f"{image} ignores SIGTERM"
        docker(docker_env, "rm", "quick")


def test_exec_touch_lands_in_the_upper_dir_on_the_host(sandbox_engine, clean_engine, docker_env):
    docker(docker_env, "run", "-d", "--name", "www", "nginx")
    docker(docker_env, "exec", "www", "touch", "MYFILE")
    upper = docker(docker_env, "inspect", "-f", "{{.GraphDriver.Data.UpperDir}}", "www")
    assert upper.startswith(sandbox_engine.docker_root + "/overlay2/")
    assert Path(upper, "MYFILE").is_file()


def test_status_and_env_through_the_cli(sandbox_engine):
    env = dict(os.environ, LABRUNNER_SANDBOX_DIR=sandbox_engine.state_dir)
    status = subprocess.run([sys.executable, "-m", "runner", "sandbox", "status"], env=env,
                            capture_output=True, text=True, cwd=ROOT)
    assert status.returncode == 0, status.stderr
    assert "nginx:latest" in status.stdout and "python:3.9" in status.stdout
    host, port = sandbox_engine.registry.split(":")
    assert host == "127.0.0.1" and int(port) > 0
    exported = subprocess.run([sys.executable, "-m", "runner", "sandbox", "env"], env=env,
                              capture_output=True, text=True, cwd=ROOT)
    assert exported.stdout.strip() == f"export DOCKER_HOST={sandbox_engine.docker_host}"


def test_up_is_idempotent(sandbox_engine):
    again = Sandbox(Path(sandbox_engine.state_dir)).up()
    assert again == sandbox_engine


def test_a_second_sandbox_coexists_and_down_removes_exactly_its_own(sandbox_engine, tmp_path,
                                                                     docker_env):
    second = Sandbox(tmp_path / "second")
    info = second.up()
    try:
        assert info.docker_host != sandbox_engine.docker_host
        assert info.registry != sandbox_engine.registry
        env = dict(os.environ, DOCKER_HOST=info.docker_host)
        docker(env, "pull", "-q", "alpine")
        assert docker(docker_env, "images", "-q", "alpine") == "", "the first engine saw it"
    finally:
        second.down()
    assert not alive(info.dockerd_pid) and not alive(info.registry_pid)
    assert not (tmp_path / "second").exists()
    assert alive(sandbox_engine.dockerd_pid), "the first sandbox must still run"

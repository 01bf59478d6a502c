"""`engine_call` checks on what a real guard recorded while real docker CLI commands, typed in
a real bash, went through it to the sandbox engine: a pull, a listing, disk usage, removals,
a container run, exec and commit are evidence; `echo docker pull x`, `: docker images`, a
comment and `docker tag a x` are not, nor is a removal the guard refused."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.engine_call import EngineCallCheck
from runner.checks.image import ImageCheck
from runner.checks.typed import TypedCheck
from runner.guard.guard import Guard

Shell = Callable[..., list[dict]]


def bash(host: str, line: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=180,
                          env=dict(os.environ, DOCKER_HOST=host))


def settled(guard: Guard, since: int) -> list[dict]:
    """The records since `since`, once the guard has noted every answer (it notes a status
    right after passing the answer on, so the CLI may end a moment before)."""
    deadline = time.monotonic() + 3
    while True:
        records = guard.records[since:]
        if all(r["status"] for r in records) or time.monotonic() > deadline:
            return records
        time.sleep(0.05)


@pytest.fixture
def student(sandbox_engine, clean_engine) -> Iterator[Shell]:
    """`student(*lines)`: run each line in bash through a guard's student socket, then the
    records of those lines. `direct(...)` prepares the engine without the guard."""
    guard = Guard(sandbox_engine.docker_host, sandbox=True)
    guard.start("student")
    host = f"unix://{guard.sockets['student']}"

    def run(*lines: str, ok: bool = True) -> list[dict]:
        since = len(guard.records)
        for line in lines:
            result = bash(host, line)
            assert result.returncode == 0 or not ok, (line, result.stderr)
        return settled(guard, since)

    yield run
    guard.stop()


def direct(sandbox_engine, *lines: str) -> None:
    for line in lines:
        result = bash(sandbox_engine.docker_host, line)
        assert result.returncode == 0, (line, result.stderr)


def proves(calls: list[dict], action, **keys) -> bool:
    check = EngineCallCheck(type="engine_call", action=action, **keys)
    return evaluate(check, CheckContext([], None, {}, lambda: None, engine_calls=calls)).passed


def test_a_pull_proves_that_pull_and_no_other(student):
    calls = student("docker pull -q memcached", "docker pull -q httpd:2-alpine")
    assert proves(calls, "image pull", name="memcached")
    assert proves(calls, "image pull", name="docker.io/library/memcached:latest")
    assert proves(calls, "image pull", name="httpd:2-alpine")
    assert not proves(calls, "image pull", name="httpd")
    assert not proves(calls, "image pull", name="memcached", **{"not": True})
    assert not proves(calls, "image ls")


def test_listing_and_disk_usage(student):
    calls = student("docker images", "docker image ls -a | head -3", "docker system df")
    assert proves(calls, "image ls", count=2)
    assert proves(calls, "system df")
    assert not proves(calls, "image ls", count=3)
    assert not proves(calls, "image pull")


def test_removing_each_image(student, sandbox_engine):
    direct(sandbox_engine, "docker pull -q memcached", "docker pull -q httpd:2-alpine")
    calls = student("docker image rm memcached httpd:2-alpine")
    assert proves(calls, "image rm", name="memcached")
    assert proves(calls, "image rm", name="httpd:2-alpine")
    assert not proves(calls, "image rm", name="busybox")
    missing = student("docker image rm memcached", ok=False)  # already gone: the engine says 404
    assert not proves(missing, "image rm", name="memcached")


def test_a_container_run_exec_and_commit(student):
    calls = student("docker run -d --name web busybox sleep 300", "docker exec web true",
                    "docker logs web", "docker commit web snap:v1")
    assert proves(calls, "image pull", name="busybox")  # run pulled the missing image
    assert proves(calls, "container run", name="web")
    assert proves(calls, "container exec", name="web")
    assert proves(calls, "container logs", name="web")
    assert proves(calls, "container commit", name="web")
    assert proves(calls, "container commit", name="snap:v1")
    assert not proves(calls, "container exec", name="db")
    assert not proves(calls, "image build")


def test_the_tricks_give_no_evidence(student, sandbox_engine):
    direct(sandbox_engine, "docker pull -q busybox")
    lines = ("echo docker pull memcached", ": docker images", "# docker system df",
             "echo 'docker image ls' > /dev/null", "docker tag busybox memcached")
    calls = student(*lines)
    assert not proves(calls, "image pull", name="memcached")
    assert not proves(calls, "image ls")
    assert not proves(calls, "system df")
    assert proves(calls, "image tag", name="memcached")  # what really happened
    # The state alone would pass: memcached is there now, which is why evidence is needed.
    ctx = CheckContext([], None, {}, lambda: _client(sandbox_engine), typed=list(lines))
    assert evaluate(ImageCheck(type="image", name="memcached"), ctx).passed
    for regex in (r"docker\s+(image\s+)?pull", r"docker\s+images", r"docker\s+system\s+df",
                  r"docker\s+image\s+ls"):
        assert not evaluate(TypedCheck(type="typed", regex=regex), ctx).passed


def test_a_removal_the_guard_refused_is_no_evidence(sandbox_engine, clean_engine):
    """On an engine the guard treats as the user's, with nobody to ask, removing an image the
    run did not create is refused: the CLI fails and the check finds no removal."""
    direct(sandbox_engine, "docker pull -q busybox")
    guard = Guard(sandbox_engine.docker_host, sandbox=False)
    guard.start("student")
    try:
        result = bash(f"unix://{guard.sockets['student']}", "docker image rm busybox")
        calls = settled(guard, 0)
    finally:
        guard.stop()
    assert result.returncode != 0
    assert [c["decision"] for c in calls if c["method"] == "DELETE"] == ["refused"]
    assert not proves(calls, "image rm", name="busybox")


def _client(sandbox_engine):
    import docker

    return docker.DockerClient(base_url=sandbox_engine.docker_host)

"""Everything the docker CLI does keeps working through the guard (runner/guard): pulls with
progress, run, exec (with piped stdin), logs -f, attach, build contexts, save/load, events;
and every call is recorded with what it created."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tcp_forward import tcp_to_unix

from runner.engines.api import UnixConnection
from runner.guard.guard import Guard


@pytest.fixture
def guard(sandbox_engine, clean_engine) -> Iterator[Guard]:
    """A guard in front of the harness's engine, treated as the user's (sandbox=False)."""
    guard = Guard(sandbox_engine.docker_host, sandbox=False)
    guard.start()
    yield guard
    guard.stop()


def docker(guard_or_host: Guard | str, *args: str, stdin: str | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    host = guard_or_host if isinstance(guard_or_host, str) else host_of(guard_or_host)
    return subprocess.run(["docker", *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, DOCKER_HOST=host))


def host_of(guard: Guard) -> str:
    return f"unix://{guard.sockets['lab']}"


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_pull_run_exec_and_inspect_through_the_guard(guard):
    assert "Downloaded newer image" in ok(docker(guard, "pull", "nginx"))
    container = ok(docker(guard, "run", "-d", "--name", "web", "nginx")).strip()
    assert ok(docker(guard, "exec", "web", "echo", "hi")) == "hi\n"
    assert ok(docker(guard, "exec", "-i", "web", "cat", stdin="piped\nlines\n")) == "piped\nlines\n"
    assert ok(docker(guard, "inspect", "-f", "{{.State.Running}}", "web")) == "true\n"
    assert guard.created["containers"] == [container]
    assert "nginx:latest" in guard.created["references"]


def test_logs_follow_streams_live_until_stopped(guard):
    ok(docker(guard, "run", "-d", "--name", "talk", "busybox", "sh", "-c",
              "i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.2; done"))
    host = host_of(guard)
    with subprocess.Popen(["docker", "logs", "-f", "talk"], stdout=subprocess.PIPE, text=True,
                          env=dict(os.environ, DOCKER_HOST=host)) as follow:
        first = follow.stdout.readline()
        second = follow.stdout.readline()
        follow.terminate()
    assert (first, second) == ("tick0\n", "tick1\n")


def test_attach_streams_the_output_and_ends_with_the_container(guard):
    ok(docker(guard, "run", "-d", "--name", "att", "busybox", "sh", "-c",
              "sleep 1; for i in 1 2 3; do echo line$i; sleep 0.2; done"))
    assert ok(docker(guard, "attach", "att", timeout=20)) == "line1\nline2\nline3\n"


def test_run_with_stdin_gets_the_end_of_input_through_the_guard(guard):
    assert ok(docker(guard, "run", "-i", "--rm", "busybox", "wc", "-l",
                     stdin="a\nb\nc\n")).strip() == "3"


def test_build_with_a_context_then_save_and_load(guard, sandbox_engine, tmp_path: Path):
    (tmp_path / "Dockerfile").write_text("FROM busybox\nCOPY hello.txt /hello.txt\n")
    (tmp_path / "hello.txt").write_text("from the context\n")
    ok(docker(guard, "build", "-t", "guarded-app", str(tmp_path)))
    assert ok(docker(guard, "run", "--rm", "guarded-app", "cat", "/hello.txt")) == \
        "from the context\n"
    assert "guarded-app:latest" in guard.created["references"]
    assert guard.created["images"], "the build's image id (aux ID) is recorded"
    archive = tmp_path / "app.tar"
    ok(docker(guard, "save", "-o", str(archive), "guarded-app"))
    ok(docker(guard, "rmi", "guarded-app"))
    # A load may move the user's tags (busybox is here, not the run's): unattended, refused;
    # answered yes, the archive streams through.
    refused = docker(guard, "load", "-i", str(archive))
    assert refused.returncode != 0 and "refused to load an image archive" in refused.stderr
    with Guard(sandbox_engine.docker_host, sandbox=False, ask=lambda question: True) as asked:
        asked.start()
        assert "Loaded image: guarded-app:latest" in ok(docker(asked, "load", "-i",
                                                               str(archive)))


def test_events_until_ends(guard):
    ok(docker(guard, "volume", "create", "evented"))
    time.sleep(1.1)  # --until is in whole seconds
    events = ok(docker(guard, "events", "--since", "1m", "--until", "0s", timeout=20))
    assert "volume create evented" in events


def test_each_call_is_recorded_as_data(guard):
    ok(docker(guard, "network", "create", "recorded-net"))
    ok(docker(guard, "network", "rm", "recorded-net"))
    calls = [call for call in guard.records if call["endpoint"].startswith("/networks")]
    create, remove = calls[0], calls[-1]
    assert (create["method"], create["endpoint"], create["status"]) == \
        ("POST", "/networks/create", 201)
    assert create["object"] in guard.created["networks"]
    assert (remove["method"], remove["action"], remove["decision"], remove["status"]) == \
        ("DELETE", "remove", "own", 204)
    assert remove["object"].startswith("recorded-net (") and remove["shell"] == "lab"
    assert all(isinstance(call["time"], float) for call in guard.records)


def test_one_connection_carries_many_requests_and_a_second_socket_is_labelled(guard):
    student = guard.open_socket("student")
    connection = UnixConnection(str(student))
    for _ in range(3):
        connection.request("GET", "/v1.41/version")
        response = connection.getresponse()
        assert response.status == 200 and b"ApiVersion" in response.read()
    connection.request("HEAD", "/_ping")
    assert connection.getresponse().status == 200
    connection.close()
    assert [call["shell"] for call in guard.records][-4:] == ["student"] * 4


def test_stop_closes_a_follow_left_running(sandbox_engine, clean_engine):
    guard = Guard(sandbox_engine.docker_host, sandbox=False)
    host = f"unix://{guard.start()}"
    follow = subprocess.Popen(["docker", "events"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=dict(os.environ, DOCKER_HOST=host))
    time.sleep(0.5)
    started = time.monotonic()
    guard.stop()
    assert follow.wait(timeout=10) != 0 and time.monotonic() - started < 5


def test_exec_with_a_terminal_is_interactive_through_the_guard(guard):
    import pexpect

    ok(docker(guard, "run", "-d", "--name", "tty", "busybox", "sleep", "1000"))
    session = pexpect.spawn("docker", ["exec", "-it", "tty", "sh"], encoding="utf-8",
                            env=dict(os.environ, DOCKER_HOST=host_of(guard)), timeout=20)
    session.sendline("echo $((6 * 7))")
    session.expect("42")
    session.sendline("exit 3")
    session.expect(pexpect.EOF)
    session.close()
    assert session.exitstatus == 3
    upgrades = [call for call in guard.records if call["status"] == 101]
    assert [call["endpoint"].rsplit("/", 1)[-1] for call in upgrades] == ["start"]


def test_the_python_sdk_works_through_the_guard(guard, tmp_path: Path):
    import io
    import tarfile

    import docker as sdk

    client = sdk.DockerClient(base_url=host_of(guard), version="auto")
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as archive:
        dockerfile = b"FROM busybox\nRUN echo sdk > /sdk\n"
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        archive.addfile(info, io.BytesIO(dockerfile))
    context.seek(0)
    image, _ = client.images.build(fileobj=context, custom_context=True, tag="sdk-app")
    container = client.containers.run("sdk-app", ["sh", "-c", "cat /sdk; sleep 30"],
                                      detach=True, name="sdk")
    assert next(container.logs(stream=True, follow=True)) == b"sdk\n"
    exit_code, output = container.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True)
    assert (exit_code, output) == (0, (b"out\n", b"err\n"))
    container.remove(force=True)
    client.images.remove("sdk-app")
    client.close()
    assert image.id in guard.created["images"]
    removals = [call["decision"] for call in guard.records if call["method"] == "DELETE"]
    assert removals == ["own", "own"]


def test_an_engine_reached_over_tcp_is_guarded_too(sandbox_engine, clean_engine):
    with tcp_to_unix(sandbox_engine.docker_host) as url, Guard(url, sandbox=False) as guard:
        host = f"unix://{guard.start()}"
        ok(docker(host, "run", "-d", "--name", "far", "busybox", "sleep", "100"))
        assert ok(docker(host, "exec", "-i", "far", "cat", stdin="over tcp\n")) == "over tcp\n"
        ok(docker(sandbox_engine.docker_host, "volume", "create", "theirs"))
        refused = docker(host, "volume", "rm", "theirs")
        ok(docker(host, "rm", "-f", "far"))
    assert refused.returncode != 0 and "labrunner refused" in refused.stderr

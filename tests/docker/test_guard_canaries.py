"""The user's objects survive whatever a lab sends through the guard: with nobody to ask, a
deletion, stop, kill, prune or tag overwrite of an object the run did not create is refused
(the docker CLI prints why and fails); answered yes, exactly that object goes; the run's own
objects go without a question. The harness's engine is a sandbox, so the guard is told it
is not (sandbox=False) to play the user's engine."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from runner.guard.decision import Question
from runner.guard.guard import Guard

CANARY_TAG = "canary/image:1"


def docker_on(host: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    def docker(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, DOCKER_HOST=host))
    return docker


@dataclass
class Canaries:
    """The user's objects, made directly on the engine (not through the guard)."""

    direct: Callable[..., subprocess.CompletedProcess[str]]
    ids: dict[str, str] = field(default_factory=dict)

    def state(self) -> dict[str, str]:
        """Each canary -> what it is now ("" when gone)."""
        inspect = {"container": ("inspect", "-f", "{{.Id}} {{.State.Running}}", "canary"),
                   "stopped": ("inspect", "-f", "{{.Id}}", "canary-stopped"),
                   "image": ("image", "inspect", "-f", "{{.Id}}", CANARY_TAG),
                   "volume": ("volume", "inspect", "-f", "{{.Name}}", "canary-vol"),
                   "network": ("network", "inspect", "-f", "{{.Id}}", "canary-net")}
        return {name: self.direct(*args).stdout.strip() for name, args in inspect.items()}


@pytest.fixture
def canaries(sandbox_engine, clean_engine) -> Canaries:
    direct = docker_on(sandbox_engine.docker_host)
    for args in (("pull", "busybox"), ("pull", "nginx"), ("tag", "nginx", CANARY_TAG),
                 ("run", "-d", "--name", "canary", "busybox", "sleep", "1000"),
                 ("create", "--name", "canary-stopped", "busybox"),
                 ("volume", "create", "canary-vol"), ("network", "create", "canary-net")):
        assert direct(*args).returncode == 0, args
    made = Canaries(direct)
    made.ids = made.state()
    assert all(made.ids.values()) and made.ids["container"].endswith(" true")
    return made


@dataclass
class Answers:
    """The runner's `ask`: says `answer` and remembers each question, in English."""

    answer: bool
    asked: list[str] = field(default_factory=list)

    def __call__(self, question: Question) -> bool:
        self.asked.append(question.text("en"))
        return self.answer


@pytest.fixture
def through_guard(sandbox_engine) -> Iterator[Callable[..., tuple[Guard, Callable]]]:
    """`make(ask=None, language="en")` -> (a started guard, docker through it)."""
    guards: list[Guard] = []

    def make(ask: Callable[[Question], bool] | None = None, language: str = "en"):
        guard = Guard(sandbox_engine.docker_host, sandbox=False, ask=ask, language=language)
        guards.append(guard)
        return guard, docker_on(f"unix://{guard.start()}")

    yield make
    for guard in guards:
        guard.stop()


# command -> the canary it aims at, and what that canary is after a yes ("" = gone).
DESTRUCTIVE = {
    ("rm", "-f", "canary"): ("container", ""),
    ("stop", "-t", "1", "canary"): ("container", "stopped"),
    ("kill", "canary"): ("container", "stopped"),
    ("rmi", CANARY_TAG): ("image", ""),
    ("volume", "rm", "canary-vol"): ("volume", ""),
    ("network", "rm", "canary-net"): ("network", ""),
    ("tag", "busybox", CANARY_TAG): ("image", "busybox"),
    ("exec", "canary", "true"): ("container", "same"),
    ("cp", "/etc/hostname", "canary:/copied"): ("container", "same"),
    ("rename", "canary", "renamed"): ("container", ""),
    ("update", "--restart", "always", "canary"): ("container", "same"),
    ("pause", "canary"): ("container", "same"),
}
# prune -> the run's own objects it removes, narrowed (container, volume, network, image).
PRUNES = {("system", "prune", "-af", "--volumes"): {"container", "volume", "network", "image"},
          ("image", "prune", "-af"): {"image"}, ("container", "prune", "-f"): {"container"},
          ("volume", "prune", "-f"): {"volume"}, ("network", "prune", "-f"): {"network"},
          ("builder", "prune", "-af"): set()}
OWN = {"container": ("inspect", "mine-stopped"), "volume": ("volume", "inspect", "mine-vol"),
       "network": ("network", "inspect", "mine-net"), "image": ("image", "inspect", "mine/app:1")}


@pytest.mark.parametrize("command", list(DESTRUCTIVE), ids=" ".join)
def test_unattended_a_destructive_command_is_refused_and_the_canaries_live(
        canaries, through_guard, command):
    guard, docker = through_guard()
    result = docker(*command)
    assert result.returncode != 0
    assert "Error response from daemon: labrunner refused to " in result.stderr
    assert "--yes-destructive" in result.stderr
    assert canaries.state() == canaries.ids
    assert any(call["decision"] == "refused" and call["status"] == 403
               for call in guard.records)


@pytest.mark.parametrize("answer", [None, False], ids=["unattended", "answered no"])
@pytest.mark.parametrize("command", list(PRUNES), ids=" ".join)
def test_a_prune_not_allowed_removes_only_what_the_run_created(canaries, through_guard,
                                                                tmp_path, command, answer):
    guard, docker = through_guard(ask=None if answer is None else Answers(answer))
    (tmp_path / "Dockerfile").write_text("FROM busybox\nRUN echo x > /x\n")
    for args in (("create", "--name", "mine-stopped", "busybox"), ("volume", "create", "mine-vol"),
                 ("network", "create", "mine-net"), ("build", "-t", "mine/app:1", str(tmp_path))):
        assert docker(*args).returncode == 0, args
    assert canaries.direct("inspect", "-f", "{{index .Config.Labels \"io.labrunner.run\"}}",
                           "mine-stopped").stdout.strip() == guard.label.partition("=")[2]
    result = docker(*command)
    assert result.returncode == 0, result.stderr
    assert canaries.state() == canaries.ids
    gone = {kind for kind, args in OWN.items() if canaries.direct(*args).returncode != 0}
    assert gone == PRUNES[command]
    prunes = [call for call in guard.records if call["endpoint"].endswith("/prune")]
    assert prunes and all(call["decision"] == "narrowed" for call in prunes)


@pytest.mark.parametrize("request_line", [
    "DELETE /v1.41/containers%2Fcanary?force=1", "DELETE /%63ontainers/canary?force=1",
    "POST /containers/canary%2Fkill",
])
def test_a_percent_encoded_path_is_refused_too(canaries, through_guard, request_line):
    """The docker CLI never encodes a path so, but any client may: the engine's router reads
    the decoded path, and so must the guard."""
    guard, _ = through_guard()
    with socket.socket(socket.AF_UNIX) as raw:
        raw.connect(str(guard.sockets["lab"]))
        raw.sendall(f"{request_line} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
                    "Content-Length: 0\r\n\r\n".encode())
        answer = b"".join(iter(lambda: raw.recv(65536), b""))
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert canaries.state() == canaries.ids


def test_the_refusal_is_in_the_users_language(canaries, through_guard):
    _, docker = through_guard(language="fr")
    result = docker("rm", "-f", "canary")
    assert "Error response from daemon: labrunner a refusé de supprimer le conteneur canary (" \
        in result.stderr
    assert canaries.state() == canaries.ids


def test_answered_no_the_canary_lives(canaries, through_guard):
    answers = Answers(False)
    guard, docker = through_guard(ask=answers)
    assert docker("volume", "rm", "canary-vol").returncode != 0
    assert answers.asked == ["The lab wants to remove the volume canary-vol, which this lab run "
                             "did not create. Allow it?"]
    assert canaries.state() == canaries.ids
    assert guard.records[-1]["decision"] == "no"


@pytest.mark.parametrize("command", list(DESTRUCTIVE), ids=" ".join)
def test_answered_yes_exactly_that_object_is_affected(canaries, through_guard, command):
    answers = Answers(True)
    _, docker = through_guard(ask=answers)
    result = docker(*command)
    assert result.returncode == 0, result.stderr
    assert len(answers.asked) == 1
    target, after = DESTRUCTIVE[command]
    expected = dict(canaries.ids)
    expected[target] = _after(canaries, target, after)
    assert canaries.state() == expected


def _after(canaries: Canaries, target: str, after: str) -> str:
    if after == "stopped":
        return canaries.ids[target].replace(" true", " false")
    if after == "same":
        return canaries.ids[target]
    if after == "busybox":
        return canaries.direct("image", "inspect", "-f", "{{.Id}}", "busybox").stdout.strip()
    return after


def test_answered_yes_a_prune_runs(canaries, through_guard):
    answers = Answers(True)
    _, docker = through_guard(ask=answers)
    assert docker("container", "prune", "-f").returncode == 0
    assert answers.asked == ["The lab wants to remove every stopped container (prune), which "
                             "this lab run did not create. Allow it?"]
    assert canaries.state()["stopped"] == ""


def test_the_runs_own_objects_go_without_a_question(canaries, through_guard, tmp_path):
    answers = Answers(False)
    guard, docker = through_guard(ask=answers)
    (tmp_path / "Dockerfile").write_text("FROM busybox\nRUN echo x > /x\n")
    for args in (("run", "-d", "--name", "mine", "busybox", "sleep", "1000"),
                 ("volume", "create", "mine-vol"), ("network", "create", "mine-net"),
                 ("build", "-t", "mine/app:1", str(tmp_path)), ("tag", "busybox", "mine/tag:1"),
                 ("stop", "-t", "1", "mine"), ("start", "mine"), ("kill", "mine"),
                 ("rm", "-f", "mine"), ("volume", "rm", "mine-vol"),
                 ("network", "rm", "mine-net"), ("tag", "nginx", "mine/tag:1"),
                 ("rmi", "mine/app:1", "mine/tag:1")):
        result = docker(*args)
        assert result.returncode == 0, (args, result.stderr)
    assert answers.asked == []
    assert canaries.state() == canaries.ids
    decisions = {call["decision"] for call in guard.records if call["action"]}
    assert decisions == {"own", "new"}  # new: the first tags of the build and of `tag`


def test_a_volume_the_user_had_stays_theirs_when_a_lab_creates_it_again(canaries, through_guard):
    guard, docker = through_guard()
    assert docker("volume", "create", "canary-vol").returncode == 0
    assert guard.created["volumes"] == []
    assert docker("volume", "rm", "canary-vol").returncode != 0
    assert canaries.state() == canaries.ids


def test_a_pull_of_an_image_the_user_had_does_not_make_it_the_runs(canaries, through_guard):
    _, docker = through_guard()
    assert docker("pull", "nginx").returncode == 0
    assert docker("rmi", "-f", "nginx").returncode != 0
    assert canaries.direct("image", "inspect", "nginx").returncode == 0


def test_on_the_sandbox_nothing_is_asked(canaries, sandbox_engine):
    guard = Guard(sandbox_engine.docker_host, sandbox=True, ask=None)
    docker = docker_on(f"unix://{guard.start()}")
    try:
        assert docker("rm", "-f", "canary").returncode == 0
    finally:
        guard.stop()
    assert canaries.state()["container"] == ""


def test_an_unattended_socket_refuses_where_the_other_asks(canaries, through_guard):
    answers = Answers(True)
    guard, _ = through_guard(ask=answers)
    student = docker_on(f"unix://{guard.open_socket('student', unattended=True)}")
    result = student("rm", "-f", "canary")
    assert result.returncode != 0 and "labrunner refused" in result.stderr
    assert answers.asked == [] and canaries.state() == canaries.ids
    assert guard.records[-1]["shell"] == "student"


def test_an_image_a_builds_from_pulled_is_not_the_runs(canaries, through_guard, tmp_path):
    canaries.direct("rmi", "-f", "memcached")
    guard, docker = through_guard()
    (tmp_path / "Dockerfile").write_text("FROM memcached\nRUN echo x > /x\n")
    assert docker("build", "-t", "mine/cache:1", str(tmp_path)).returncode == 0
    assert docker("rmi", "mine/cache:1").returncode == 0  # the built tag is the run's
    refused = docker("rmi", "memcached")
    assert refused.returncode != 0 and "labrunner refused to" in refused.stderr
    assert canaries.direct("image", "inspect", "memcached").returncode == 0

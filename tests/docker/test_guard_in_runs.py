"""A run never deletes what it did not create without asking, whatever the lab's commands
look like: on an engine that is not a sandbox, the lab's shell reaches it through the guard.
Canary objects made beside the run stay intact unattended and when the user answers no; a
yes deletes exactly the object named; the run's own objects go without a question."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from runner.engines.endpoint import docker_client, engine_info
from runner.engines.profile import detect_profile
from runner.lab.model import Lab
from runner.report.base import Reporter
from runner.run import events as ev
from runner.run.lab_runner import AutoPacer, LabRun, LabRunner
from runner.run.pacing import KeyboardPacer

T = {"fr": "t", "en": "t"}
CANARIES = {"container": "lr-canary", "image": "lr-canary-image:1", "volume": "lr-canary-vol",
            "network": "lr-canary-net"}
# Destructive commands no preview would recognise, none marked destructive.
ESCAPES = [
    "docker rm -f $(docker ps -aq)",
    "d=docker; $d container rm -f lr-canary",
    '"docker" image rm -f lr-canary-image:1',
    "docker system prune -af --volumes",
    "printf 'docker volume rm lr-canary-vol\\n' > x.sh && bash x.sh",
    "curl -s --unix-socket ${DOCKER_HOST#unix://} -X DELETE "
    "'http://d/networks/lr-canary-net'",
    f"{sys.executable} -c 'import docker; docker.from_env().containers.get(\"lr-canary\")"
    ".stop()'",
    "docker tag busybox lr-canary-image:1",
]


def docker(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], env=env, capture_output=True, text=True)


@pytest.fixture
def canaries(sandbox_engine, clean_engine, docker_env):
    docker(docker_env, "pull", "busybox")
    docker(docker_env, "run", "-d", "--name", CANARIES["container"], "busybox", "sleep", "600")
    docker(docker_env, "tag", "busybox", CANARIES["image"])
    docker(docker_env, "volume", "create", CANARIES["volume"])
    docker(docker_env, "network", "create", CANARIES["network"])
    yield docker_env
    docker(docker_env, "network", "rm", CANARIES["network"])


def intact(env: dict) -> dict[str, bool]:
    state = {kind: docker(env, kind if kind != "container" else "container", "inspect",
                          name).returncode == 0 for kind, name in CANARIES.items()}
    state["running"] = docker(env, "inspect", "-f", "{{.State.Running}}",
                              CANARIES["container"]).stdout.strip() == "true"
    state["image_is_busybox"] = (docker(env, "inspect", "-f", "{{.Id}}", CANARIES["image"]).stdout
                                 == docker(env, "inspect", "-f", "{{.Id}}", "busybox").stdout)
    return state


ALL_INTACT = {"container": True, "image": True, "volume": True, "network": True,
              "running": True, "image_is_busybox": True}


class Heard(Reporter):
    def __init__(self) -> None:
        super().__init__("en")
        self.prompts: list[str] = []
        self.output = ""

    def on_event(self, event: object) -> None:
        if isinstance(event, ev.CommandOutput):
            self.output += event.chunk
        if isinstance(event, ev.PromptShown):
            self.prompts.append(event.prompt)


class Answering:
    """A terminal: Enter at every step prompt, `answer` to every question of the guard."""

    def __init__(self, answer: str) -> None:
        self.answer, self.questions = answer, []

    def ask(self, prompt: str) -> str:
        if "did not create" in prompt:
            self.questions.append(prompt)
            return self.answer
        return ""


def run(sandbox_engine, tmp_path, steps, pacer, setup=(), cleanup=()):
    url = sandbox_engine.docker_host
    profile = dataclasses.replace(detect_profile(engine_info(url), url), sandbox=False)
    lab = Lab.model_validate({
        "format": 2, "id": "guarded", "title": T, "setup": list(setup),
        "cleanup": list(cleanup),
        "steps": [{"id": f"s{i}", "title": T, "explain": T, "run": commands}
                  for i, commands in enumerate(steps)]})
    heard = Heard()
    client = docker_client(url)
    finished = LabRunner(LabRun(
        lab=lab, lab_path=tmp_path / "lab.yaml", profile=profile, listener=heard,
        language="en", work_dir=tmp_path / "work", docker_factory=lambda: client,
        environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)},
        pacer=pacer)).run()
    client.close()
    return finished, heard


def test_unattended_no_escape_touches_the_canaries(sandbox_engine, canaries, tmp_path):
    finished, heard = run(sandbox_engine, tmp_path, [[command] for command in ESCAPES],
                          AutoPacer(allow_destructive=False),
                          setup=[f"{ESCAPES[0]} || true"], cleanup=[ESCAPES[3]])
    assert intact(canaries) == ALL_INTACT, heard.output
    assert "labrunner refused to" in heard.output  # the docker CLI printed the refusal
    assert len(finished.steps) == len(ESCAPES)  # every escape was tried


def test_answered_no_no_escape_touches_the_canaries(sandbox_engine, canaries, tmp_path):
    terminal = Answering("n")
    run(sandbox_engine, tmp_path, [[command] for command in ESCAPES], KeyboardPacer(terminal, "en"))
    assert intact(canaries) == ALL_INTACT
    assert len(terminal.questions) >= len(ESCAPES) - 1, terminal.questions
    assert any("lr-canary" in question for question in terminal.questions)


def test_a_yes_deletes_exactly_the_object_named(sandbox_engine, canaries, tmp_path):
    terminal = Answering("y")
    run(sandbox_engine, tmp_path, [["docker volume rm lr-canary-vol"]],
        KeyboardPacer(terminal, "en"))
    assert intact(canaries) == dict(ALL_INTACT, volume=False)
    assert len(terminal.questions) == 1 and "lr-canary-vol" in terminal.questions[0]


def test_the_runs_own_objects_go_without_a_question(sandbox_engine, canaries, tmp_path):
    terminal = Answering("n")
    finished, heard = run(sandbox_engine, tmp_path, [
        ["docker run -d --name lr-own busybox sleep 600", "docker volume create lr-own-vol",
         "docker tag busybox lr-own-image:1"],
        ["docker rm -f lr-own", "docker volume rm lr-own-vol", "docker rmi lr-own-image:1"]],
        KeyboardPacer(terminal, "en"))
    assert terminal.questions == []
    assert finished.status == "passed", heard.output
    assert docker(canaries, "inspect", "lr-own").returncode != 0
    assert intact(canaries) == ALL_INTACT


def test_prunes_in_an_auto_run_remove_only_the_runs_own_objects(sandbox_engine, canaries,
                                                                 tmp_path):
    docker(canaries, "pull", "nginx")  # an image nothing uses: what `image prune -a` takes
    finished, heard = run(sandbox_engine, tmp_path, [
        ["docker create --name lr-own busybox", "docker volume create lr-own-vol"],
        ["docker container prune -f", "docker volume prune -f"],
        ["docker image prune -af", "docker system prune -af --volumes"]],
        AutoPacer(allow_destructive=False))
    assert finished.status == "passed", heard.output
    assert intact(canaries) == ALL_INTACT
    assert docker(canaries, "image", "inspect", "nginx").returncode == 0
    assert docker(canaries, "inspect", "lr-own").returncode != 0
    assert docker(canaries, "volume", "inspect", "lr-own-vol").returncode != 0

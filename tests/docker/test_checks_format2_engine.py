"""The format-2 check keys against the real sandbox engine: a container's config as `docker
run` set it, probes, http on a published port, volumes, networks, a built image's config,
container layers and the layer store; then a graded lab whose wrong answers differ from the
right ones in config only."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.container import ContainerCheck
from runner.checks.container_layer import ContainerLayerCheck
from runner.checks.http import HttpCheck
from runner.checks.image import ImageCheck
from runner.checks.layer_store import LayerStoreCheck
from runner.checks.network import NetworkCheck
from runner.checks.probe import ProbeCheck
from runner.checks.volume import VolumeCheck
from runner.engines.endpoint import docker_client, engine_info
from runner.engines.profile import detect_profile
from runner.lab.loader import load_lab
from runner.run import events as ev
from runner.run.lab_runner import AutoPacer, LabRun, LabRunner
from runner.run.status import CheckStatus, Decision, LabStatus, StepStatus
from runner.shell.student import StudentWork

Docker = Callable[..., str]


@pytest.fixture
def docker(clean_engine, docker_env) -> Docker:
    """`docker ARGS…` on the sandbox engine; its output, stripped. Everything is removed after."""
    def run(*args: str) -> str:
        return subprocess.run(["docker", *args], env=docker_env, check=True,
                              capture_output=True, text=True).stdout.strip()
    return run


@pytest.fixture
def ctx(sandbox_engine, docker_env, tmp_path) -> CheckContext:
    """What a step's checks see: the sandbox engine, the lab shell's folder, its environment."""
    url = sandbox_engine.docker_host
    profile = detect_profile(engine_info(url), url)
    client = docker_client(url)
    return CheckContext([], profile, {"docker_root": profile.docker_root, "container": "web"},
                        lambda: client, cwd=str(tmp_path), environ=docker_env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status(check, ctx: CheckContext) -> str:
    return evaluate(check, ctx, once=True).status


def pairs(outcome) -> list[tuple[str, str]]:
    return [(problem.expected, problem.actual) for problem in outcome.problems]


@pytest.fixture
def web(docker, tmp_path) -> int:
    """nginx (the stand-in) run as the issue's example; returns its host port."""
    (tmp_path / "site").mkdir()
    port = free_port()
    docker("run", "-d", "--name", "web", "-e", "GREETING=hi", "-v", f"{tmp_path / 'site'}:/data",
           "-v", "vol1:/cache", "-p", f"127.0.0.1:{port}:80", "--restart", "unless-stopped",
           "nginx")
    return port


def web_config(config: dict) -> ContainerCheck:
    return ContainerCheck(type="container", name="web", config=config)


def test_container_config_each_right_value_passes(ctx, docker, web):
    image_id = docker("image", "inspect", "-f", "{{.Id}}", "nginx")
    right = [
        {"image": "nginx"}, {"image": "nginx:latest"}, {"image": image_id},
        {"env": {"GREETING": "hi"}},
        {"cmd": "nginx -g 'daemon off;'", "exposed_ports": ["80"]},
        {"mounts": [{"type": "bind", "source": "site", "destination": "/data"}]},
        {"mounts": [{"type": "bind", "source": "./site/", "destination": "/data",
                     "read_only": False}]},
        {"mounts": [{"type": "volume", "source": "vol1", "destination": "/cache"}]},
        {"ports": [f"127.0.0.1:{web}:80", f"127.0.0.1:{web}:80/tcp", f"{web}:80", "80"]},
        {"restart": "unless-stopped"},
    ]
    for config in right:
        outcome = evaluate(web_config(config), ctx, once=True)
        assert outcome.status == CheckStatus.PASS, (config, outcome.problems)


def test_container_config_each_wrong_value_fails(ctx, docker, web, tmp_path):
    site = str(tmp_path / "site")
    wrong = [
        ({"image": "alpine"}, [("alpine", "nginx")]),
        ({"env": {"GREETING": "bye"}}, [("GREETING=bye", "GREETING=hi")]),
        ({"env": {"MODE": "prod"}}, [("MODE=prod", "-")]),
        ({"cmd": ["nginx"]}, [("nginx", "nginx -g 'daemon off;'")]),
        ({"mounts": [{"type": "volume", "destination": "/data"}]},
         [("volume * -> /data", f"bind {site} -> /data")]),
        ({"mounts": [{"type": "bind", "source": "/srv", "destination": "/cache"}]},
         [("bind /srv -> /cache", "volume vol1 -> /cache")]),
        ({"mounts": [{"type": "bind", "source": "site", "destination": "/data",
                      "read_only": True}]}, [(f"bind {site} -> /data (ro)",
                                              f"bind {site} -> /data")]),
        ({"mounts": [{"type": "volume", "destination": "/logs"}]}, [("volume * -> /logs", "-")]),
        ({"ports": [f"127.0.0.1:{web + 1}:80"]},
         [(f"127.0.0.1:{web + 1}:80", f"127.0.0.1:{web}->80/tcp")]),
        ({"ports": ["81"]}, [("81", f"127.0.0.1:{web}->80/tcp")]),
        ({"ports": ["80/udp"]}, [("80/udp", f"127.0.0.1:{web}->80/tcp")]),
        ({"restart": "always"}, [("always", "unless-stopped")]),
    ]
    for config, problems in wrong:
        outcome = evaluate(web_config(config), ctx, once=True)
        assert (outcome.status, pairs(outcome)) == (CheckStatus.FAIL, problems), config


def test_container_exit_code(ctx, docker):
    docker("run", "-d", "--name", "quit", "busybox", "sh", "-c", "exit 3")
    assert docker("wait", "quit") == "3"
    assert status(ContainerCheck(type="container", name="quit", state="exited", exit_code=3),
                  ctx) == CheckStatus.PASS
    outcome = evaluate(ContainerCheck(type="container", name="quit", state="exited",
                                      exit_code=0), ctx)
    assert pairs(outcome) == [("0", "3")]


def test_probe_reads_inside_the_container(ctx, web):
    printenv = ProbeCheck(type="probe", run="docker exec {container} printenv GREETING",
                          regex="^hi$")
    outcome = evaluate(printenv, ctx)
    assert outcome.status == CheckStatus.PASS, outcome.problems
    unset = evaluate(ProbeCheck(type="probe", run="docker exec web printenv NOPE"), ctx)
    assert pairs(unset) == [("0", "1")], "the stand-ins' printenv fails on an unset variable"
    outcome = evaluate(ProbeCheck(type="probe", run="docker exec web test -n \"$NOPE\""), ctx)
    assert pairs(outcome) == [("0", "1")]
    wrong = evaluate(ProbeCheck(type="probe", run="docker exec web sh -c 'echo $GREETING'",
                                contains="bye"), ctx)
    assert pairs(wrong) == [("bye", "hi")]
    gone = evaluate(ProbeCheck(type="probe", run="docker exec nothing true"), ctx)
    assert pairs(gone)[0] == ("0", "1"), "no such container: docker exec fails"


def test_http_on_the_published_port(ctx, docker, web):
    home = f"http://127.0.0.1:{web}/"
    fresh = evaluate(HttpCheck(type="http", url=home, contains="Welcome to nginx!"), ctx)
    assert fresh.status == CheckStatus.PASS and fresh.attempts >= 1, "retried while it starts"
    assert status(HttpCheck(type="http", url=f"{home}nothing.html", status=404), ctx) == "pass"
    missing = evaluate(HttpCheck(type="http", url=f"{home}nothing.html"), ctx, once=True)
    assert pairs(missing) == [("200", "404")]
    wrong = evaluate(HttpCheck(type="http", url=home, contains="Apache"), ctx, once=True)
    assert wrong.status == CheckStatus.FAIL and wrong.problems[0].expected == "Apache"
    docker("stop", "web")
    stopped = evaluate(HttpCheck(type="http", url=home, retry={"attempts": 2, "delay": 0}), ctx)
    assert stopped.status == CheckStatus.FAIL and stopped.attempts == 2
    assert stopped.problems[0].what.key == "check.http_no_answer"


def test_volume(ctx, docker):
    docker("volume", "create", "--label", "app=blog", "data")
    assert status(VolumeCheck(type="volume", name="data", driver="local",
                              labels={"app": "blog"}), ctx) == CheckStatus.PASS
    outcome = evaluate(VolumeCheck(type="volume", name="data", driver="nfs",
                                   labels={"app": "shop"}), ctx)
    assert pairs(outcome) == [("nfs", "local"), ("app=shop", "app=blog")]
    assert status(VolumeCheck(type="volume", name="gone", state="absent"), ctx) == "pass"
    assert pairs(evaluate(VolumeCheck(type="volume", name="gone"), ctx)) == [
        ("present", "absent")]


def test_network(ctx, docker):
    docker("network", "create", "--label", "team=blue", "backend")
    docker("run", "-d", "--name", "api", "--network", "backend", "busybox", "sleep", "600")
    docker("create", "--name", "idle", "busybox")
    docker("network", "connect", "backend", "idle")  # connected, not running
    docker("run", "-d", "--name", "lonely", "busybox", "sleep", "600")
    right = NetworkCheck(type="network", name="backend", driver="bridge",
                         labels={"team": "blue"}, containers=["api", "idle"])
    assert status(right, ctx) == CheckStatus.PASS
    outcome = evaluate(NetworkCheck(type="network", name="backend", driver="overlay",
                                    labels={"team": "red"}, containers=["lonely"]), ctx)
    assert pairs(outcome) == [("overlay", "bridge"), ("team=red", "team=blue"),
                              ("lonely", "api")]
    assert status(NetworkCheck(type="network", name="frontend", state="absent"), ctx) == "pass"


DOCKERFILE = """FROM busybox
ENV GREETING=hi MODE=prod
EXPOSE 8080
WORKDIR /srv/app
COPY hello.txt .
USER nobody
LABEL team=blue
CMD ["httpd", "-f", "-p", "8080"]
"""


@pytest.fixture
def built(docker, tmp_path) -> Docker:
    """myapp, built from DOCKERFILE; shell, the same with a shell-form CMD."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "hello.txt").write_text("hello\n")
    (tmp_path / "app" / "Dockerfile").write_text(DOCKERFILE)
    docker("build", "-q", "-t", "myapp", str(tmp_path / "app"))
    (tmp_path / "app" / "Dockerfile").write_text("FROM busybox\nCMD echo hello\n")
    docker("build", "-q", "-t", "shell", str(tmp_path / "app"))
    return docker


def image_config(name: str, config: dict) -> ImageCheck:
    return ImageCheck(type="image", name=name, config=config)


def test_image_config_of_a_build(ctx, built):
    right = [("myapp", {"cmd": ["httpd", "-f", "-p", "8080"]}),
             ("myapp", {"cmd": "httpd -f -p 8080"}),
             ("shell", {"cmd": "echo hello"}),
             ("shell", {"cmd": ["/bin/sh", "-c", "echo hello"]}),
             ("myapp", {"env": {"GREETING": "hi", "MODE": "prod"}, "exposed_ports": ["8080"],
                        "labels": {"team": "blue"}, "working_dir": "/srv/app",
                        "user": "nobody"})]
    for name, config in right:
        outcome = evaluate(image_config(name, config), ctx)
        assert outcome.status == CheckStatus.PASS, (config, outcome.problems)
    wrong = [("myapp", {"cmd": "httpd"}, ("httpd", "httpd -f -p 8080")),
             ("shell", {"cmd": ["echo", "hello"]}, ("echo hello", "/bin/sh -c 'echo hello'")),
             ("myapp", {"env": {"GREETING": "bye"}}, ("GREETING=bye", "GREETING=hi")),
             ("myapp", {"exposed_ports": ["80"]}, ("80/tcp", "8080/tcp")),
             ("myapp", {"labels": {"team": "red"}}, ("team=red", "team=blue")),
             ("myapp", {"working_dir": "/"}, ("/", "/srv/app")),
             ("myapp", {"user": "root"}, ("root", "nobody"))]
    for name, config, problem in wrong:
        assert pairs(evaluate(image_config(name, config), ctx)) == [problem], config


def test_image_same_as_and_layers_of_a_build(ctx, built):
    built("tag", "myapp", "myapp:v1")
    added = (len(built("image", "inspect", "-f", "{{json .RootFS.Layers}}", "myapp").split(","))
             - len(built("image", "inspect", "-f", "{{json .RootFS.Layers}}", "busybox")
                   .split(",")))
    passing = [{"name": "myapp:v1", "same_as": "myapp"},
               {"name": "myapp:v1", "layers": {"same_as": "myapp"}},
               {"name": "myapp", "layers": {"extends": "busybox"}},
               {"name": "myapp", "layers": {"extends": "busybox", "new": added}}]
    for check in passing:
        assert status(ImageCheck(type="image", **check), ctx) == CheckStatus.PASS, check
    failing = [{"name": "myapp", "same_as": "busybox"},
               {"name": "myapp", "layers": {"same_as": "busybox"}},
               {"name": "myapp", "layers": {"extends": "busybox", "new": added + 1}},
               {"name": "myapp", "layers": {"extends": "nginx"}}]
    for check in failing:
        assert status(ImageCheck(type="image", **check), ctx) == CheckStatus.FAIL, check


def test_container_layer_path_and_folders(ctx, docker, web):
    docker("exec", "web", "touch", "/MYFILE")
    added = evaluate(ContainerLayerCheck(type="container_layer", name="web", path="/MYFILE"),
                     ctx)
    assert added.passed and added.note.key == "check.change_via_upperdir"
    changed = evaluate(ContainerLayerCheck(type="container_layer", name="web", path="/MYFILE",
                                           change="changed"), ctx)
    assert pairs(changed) == [("changed", "added")]
    assert status(ContainerLayerCheck(type="container_layer", name="web", path="/NOTHING",
                                      **{"not": True}), ctx) == CheckStatus.PASS
    folders = ContainerLayerCheck(type="container_layer", name="web", folders=True)
    running = evaluate(folders, ctx)
    assert running.passed and "UpperDir" in running.note.params["dirs"]
    docker("stop", "web")
    assert status(folders, ctx) == CheckStatus.PASS, "MergedDir is gone once it stops"


def test_layer_store(ctx, docker):
    docker("pull", "-q", "nginx")
    outcome = evaluate(LayerStoreCheck(type="layer_store", name="nginx"), ctx)
    assert outcome.passed and outcome.note.params["dir"].startswith(ctx.profile.docker_root)
    assert pairs(evaluate(LayerStoreCheck(type="layer_store", name="httpd:2-alpine"), ctx)) == [
        ("present", "absent")]


# --- the grade: wrong in config only --------------------------------------------------------

GRADED_LAB = """\
format: 2
id: config-only
title: {fr: Config seulement, en: Config only}
setup:
  - mkdir -p site && echo '<h1>my own page</h1>' > site/index.html
steps:
  - id: env
    title: {fr: Une variable, en: A variable}
    explain: {fr: "Lancez greet avec GREETING=hi.", en: "Run greet with GREETING=hi."}
    task:
      solution: docker run -d --name greet -e GREETING=hi busybox sleep 600
    checks:
      - type: container
        name: greet
        config: {image: busybox, env: {GREETING: hi}}
      - type: probe
        run: docker exec greet printenv GREETING
        regex: ^hi$
  - id: bind
    title: {fr: Un montage, en: A bind mount}
    explain: {fr: "Servez ./site.", en: "Serve ./site."}
    task:
      solution: docker run -d --name site -v "$PWD/site:/usr/share/nginx/html" nginx
    checks:
      - type: container
        name: site
        config:
          mounts: [{type: bind, source: site, destination: /usr/share/nginx/html}]
      - type: probe
        run: docker exec site cat /usr/share/nginx/html/index.html
        contains: my own page
  - id: cmd
    title: {fr: Un CMD, en: A CMD}
    explain: {fr: "Construisez hello.", en: "Build hello."}
    task:
      solution:
        - printf 'FROM busybox\\nCMD ["echo", "hello"]\\n' > Dockerfile
        - docker build -q -t hello .
    checks:
      - type: image
        name: hello
        config: {cmd: [echo, hello]}
      - type: probe
        run: docker run --rm hello
        contains: hello
cleanup:
  - docker rm -f greet site >/dev/null 2>&1; docker rmi -f hello >/dev/null 2>&1; true
  - docker volume rm site >/dev/null 2>&1; true
"""

# What a student gets wrong in each task: a missing -e, a volume for a bind mount, the CMD.
WRONG = {"env": ["docker run -d --name greet busybox sleep 600"],
         "bind": ["docker run -d --name site -v site:/usr/share/nginx/html nginx"],
         "cmd": ["printf 'FROM busybox\\nCMD [\"echo\", \"bye\"]\\n' > Dockerfile",
                 "docker build -q -t hello ."]}


class Student(AutoPacer):
    """Types the given commands in a bash like the student's own (the env and folder given)."""

    def __init__(self, answers: dict[str, list[str]] | None) -> None:
        super().__init__()
        self.answers = answers

    def student_task(self, step, env, cwd) -> StudentWork:
        typed = self.answers[step.id] if self.answers else step.commands
        for command in typed:
            subprocess.run(["bash", "-c", command], env=dict(env), cwd=cwd, check=False,
                           capture_output=True)
        return StudentWork(typed=list(typed), cwd=cwd)

    def after_failed_task(self, step) -> Decision:
        return Decision.CONTINUE


def run_graded_lab(sandbox_engine, tmp_path: Path, answers) -> tuple[ev.LabFinished, list]:
    tmp_path.mkdir()
    path = tmp_path / "config-only.yaml"
    path.write_text(GRADED_LAB, encoding="utf-8")
    url = sandbox_engine.docker_host
    heard: list = []
    listener = type("Heard", (), {"on_event": lambda self, event: heard.append(event)})()
    finished = LabRunner(LabRun(
        lab=load_lab(path), lab_path=path, profile=detect_profile(engine_info(url), url),
        listener=listener, language="en", work_dir=tmp_path / "work",
        docker_factory=lambda: docker_client(url),
        environ={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)},
        pacer=Student(answers))).run()
    return finished, heard


def failed_checks(heard: list) -> dict[str, list[tuple[str, list]]]:
    """step id -> (check type, problems) of each check that failed."""
    failed: dict[str, list] = {}
    for event in heard:
        if isinstance(event, ev.CheckEvaluated) and event.outcome.status == CheckStatus.FAIL:
            failed.setdefault(event.step.id, []).append((event.check.type,
                                                         pairs(event.outcome)))
    return failed


def test_answers_wrong_in_config_only_fail_their_grade(sandbox_engine, clean_engine, tmp_path):
    finished, heard = run_graded_lab(sandbox_engine, tmp_path / "wrong", WRONG)
    assert (finished.grade.earned, finished.grade.total) == (0, 3)
    assert finished.status == LabStatus.FAILED
    assert [step.status for step in finished.steps] == [StepStatus.FAILED] * 3
    failed = failed_checks(heard)
    assert failed["env"][0] == ("container", [("GREETING=hi", "-")])
    assert failed["env"][1][0] == "probe" and failed["env"][1][1][0] == ("0", "1")
    assert failed["bind"][0][0] == "container"
    assert failed["bind"][0][1][0][1] == "volume site -> /usr/share/nginx/html"
    assert failed["bind"][1][0] == "probe"
    assert failed["cmd"][0] == ("image", [("echo hello", "echo bye")])
    [(expected, actual)] = failed["cmd"][1][1]  # the output, the engine's warnings included
    assert expected == "hello" and actual.endswith("bye")


def test_the_same_lab_answered_right_gets_full_marks(sandbox_engine, clean_engine, tmp_path):
    finished, heard = run_graded_lab(sandbox_engine, tmp_path / "right", None)
    assert failed_checks(heard) == {}
    assert (finished.grade.earned, finished.grade.total) == (3, 3)
    assert finished.status == LabStatus.PASSED
    assert [step.status for step in finished.steps] == [StepStatus.PASSED] * 3

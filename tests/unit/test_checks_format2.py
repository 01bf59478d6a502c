"""The format-2 check keys, each passing and failing with the right expected and actual values,
on hand-made engine answers (a fake of the Docker SDK's low-level API). Probes run a real
`bash -c` and http checks ask a tiny server on 127.0.0.1: nothing else leaves this process.
tests/docker/test_checks_format2.py runs the same keys against the real engine."""

from __future__ import annotations

import http.server
import os
import socket
import threading
import time
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.container import ContainerCheck
from runner.checks.container_layer import ContainerLayerCheck
from runner.checks.http import HttpCheck
from runner.checks.image import ImageCheck
from runner.checks.layer_store import LayerStoreCheck, chain_ids
from runner.checks.network import NetworkCheck
from runner.checks.output import OutputCheck
from runner.checks.path import PathCheck
from runner.checks.probe import OUTPUT_LIMIT, ProbeCheck, run_probe
from runner.checks.volume import VolumeCheck
from runner.engines.profile import EngineProfile
from runner.lab.types import Retry
from runner.run.status import CheckStatus
from runner.shell.session import CommandResult

PATH = {"PATH": "/usr/local/bin:/usr/bin:/bin"}


class FakeApi:
    """The few calls of docker.APIClient the checks make, answered from mappings."""

    def __init__(self, **objects: dict) -> None:
        self.objects = objects  # kind ("image", "container"…) -> name -> details
        self.diffs: dict[str, list] = {}

    def _find(self, kind: str, name: str, error: str) -> dict:
        import docker.errors

        if name not in self.objects.get(kind, {}):
            raise getattr(docker.errors, error)(name)
        return self.objects[kind][name]

    def inspect_image(self, name: str) -> dict:
        return self._find("image", name, "ImageNotFound")

    def inspect_container(self, name: str) -> dict:
        return self._find("container", name, "NotFound")

    def inspect_volume(self, name: str) -> dict:
        return self._find("volume", name, "NotFound")

    def inspect_network(self, name: str) -> dict:
        return self._find("network", name, "NotFound")

    def diff(self, name: str) -> list:
        return self.diffs.get(name, [])


def context(api: FakeApi | None = None, *, cwd: str = "", values: dict | None = None,
            environ: dict | None = None, results=(), docker_root: str = "/nonexistent",
            visible: bool = True, kind: str = "linux") -> CheckContext:
    profile = EngineProfile(kind, "unix:///fake.sock", docker_root, "overlay2", "27.0", visible)
    docker = SimpleNamespace(api=api or FakeApi())
    return CheckContext(list(results), profile, values or {"name": "www"}, lambda: docker,
                        cwd=cwd, environ=environ or PATH)


def pairs(outcome) -> list[tuple[str, str]]:
    return [(problem.expected, problem.actual) for problem in outcome.problems]


def fields(outcome) -> list[str]:
    """The inspected field each problem names (Cmd, Env, PortBindings…)."""
    return [problem.what.params.get("field", problem.what.key) for problem in outcome.problems]


# --- image: config ------------------------------------------------------------------------

EXEC_FORM = {"Id": "sha256:web", "RootFS": {"Layers": ["sha256:a", "sha256:b"]}, "Config": {
    "Cmd": ["nginx", "-g", "daemon off;"], "Entrypoint": None,
    "Env": ["PATH=/usr/bin:/bin", "GREETING=hi", "EMPTY="],
    "ExposedPorts": {"80/tcp": {}, "53/udp": {}}, "Labels": {"team": "blue"},
    "WorkingDir": "/srv", "User": "www"}}
SHELL_FORM = {"Id": "sha256:app", "Config": {
    "Cmd": ["/bin/sh", "-c", "python app.py --port 80"], "Entrypoint": None, "Env": None,
    "ExposedPorts": None, "Labels": None, "WorkingDir": "", "User": ""}}


def image_ctx(**kwargs) -> CheckContext:
    return context(FakeApi(image={"web": EXEC_FORM, "app": SHELL_FORM}), **kwargs)


def image_config(name: str, config: dict) -> ImageCheck:
    return ImageCheck(type="image", name=name, config=config)


@pytest.mark.parametrize(("name", "config"), [
    ("web", {"cmd": ["nginx", "-g", "daemon off;"]}),
    ("web", {"cmd": "nginx -g 'daemon off;'"}),  # a command line stands for the exec form
    ("app", {"cmd": "python app.py --port 80"}),  # … and for the shell form
    ("app", {"cmd": ["/bin/sh", "-c", "python app.py --port 80"]}),
    ("web", {"entrypoint": []}),
    ("web", {"env": {"GREETING": "hi"}}),  # a subset: PATH is the image's own
    ("web", {"env": {"GREETING": "{greeting}", "EMPTY": ""}}),
    ("web", {"exposed_ports": ["80"]}),  # 80 means 80/tcp
    ("web", {"exposed_ports": ["80/tcp", "53/udp"]}),
    ("web", {"labels": {"team": "blue"}}),
    ("web", {"working_dir": "/srv", "user": "www"}),
])
def test_image_config_passes(name, config):
    outcome = evaluate(image_config(name, config), image_ctx(values={"greeting": "hi"}))
    assert outcome.status == CheckStatus.PASS, outcome.problems
    assert outcome.summary.key == "check.image_config"


@pytest.mark.parametrize(("name", "config", "field", "expected", "actual"), [
    ("web", {"cmd": ["nginx"]}, "Cmd", "nginx", "nginx -g 'daemon off;'"),
    ("web", {"cmd": "nginx -g daemon off;"}, "Cmd", "nginx -g daemon off;",
     "nginx -g 'daemon off;'"),
    # a list is compared as written: the shell form is not the exec form
    ("web", {"cmd": ["/bin/sh", "-c", "nginx -g 'daemon off;'"]}, "Cmd",
     "/bin/sh -c 'nginx -g '\"'\"'daemon off;'\"'\"''", "nginx -g 'daemon off;'"),
    ("app", {"cmd": ["python", "app.py", "--port", "80"]}, "Cmd", "python app.py --port 80",
     "/bin/sh -c 'python app.py --port 80'"),
    ("app", {"cmd": "python app.py"}, "Cmd", "python app.py",
     "/bin/sh -c 'python app.py --port 80'"),
    ("web", {"entrypoint": ["/docker-entrypoint.sh"]}, "Entrypoint", "/docker-entrypoint.sh",
     "-"),
    ("web", {"env": {"GREETING": "bye"}}, "Env", "GREETING=bye", "GREETING=hi"),
    ("web", {"env": {"MISSING": "x"}}, "Env", "MISSING=x", "-"),
    ("web", {"exposed_ports": ["443"]}, "ExposedPorts", "443/tcp", "53/udp, 80/tcp"),
    ("web", {"exposed_ports": ["80/udp"]}, "ExposedPorts", "80/udp", "53/udp, 80/tcp"),
    ("app", {"exposed_ports": ["80"]}, "ExposedPorts", "80/tcp", "-"),
    ("web", {"labels": {"team": "red"}}, "Labels", "team=red", "team=blue"),
    ("app", {"labels": {"team": "blue"}}, "Labels", "team=blue", "-"),
    ("web", {"working_dir": "/app"}, "WorkingDir", "/app", "/srv"),
    ("app", {"working_dir": "/app"}, "WorkingDir", "/app", "-"),
    ("web", {"user": "root"}, "User", "root", "www"),
])
def test_image_config_fails_with_expected_and_actual(name, config, field, expected, actual):
    outcome = evaluate(image_config(name, config), image_ctx())
    assert outcome.status == CheckStatus.FAIL
    assert fields(outcome) == [field]
    assert pairs(outcome) == [(expected, actual)]


def test_image_config_reports_every_wrong_key_at_once():
    config = {"cmd": "nginx", "env": {"GREETING": "bye"}, "user": "root",
              "labels": {"team": "blue"}}
    outcome = evaluate(image_config("web", config), image_ctx())
    assert fields(outcome) == ["Cmd", "Env", "User"]


def test_image_config_of_an_absent_image_fails_on_its_state():
    outcome = evaluate(image_config("nothing", {"user": "root"}), image_ctx())
    assert pairs(outcome) == [("present", "absent")]


# --- image: same_as and layers --------------------------------------------------------------

def layered(image_id: str, *layers: str) -> dict:
    return {"Id": image_id, "RootFS": {"Layers": ["sha256:" + layer * 64 for layer in layers]},
            "Config": {}}


def short(*layers: str) -> str:
    """How a problem shows a list of layers: the first 12 hex digits of each, one a line."""
    return "\n".join(layer * 12 for layer in layers)


LAYERED = FakeApi(image={
    "base": layered("sha256:1", "a", "b"), "base:copy": layered("sha256:1", "a", "b"),
    "rebuilt": layered("sha256:2", "a", "b"), "derived": layered("sha256:3", "a", "b", "c"),
    "twice": layered("sha256:4", "a", "b", "c", "d"), "other": layered("sha256:5", "x", "b", "c"),
})


@pytest.mark.parametrize(("check", "status", "problems"), [
    ({"name": "base:copy", "same_as": "base"}, "pass", []),
    # expected: this image's id, actual: the other's (absent when there is no such image)
    ({"name": "rebuilt", "same_as": "base"}, "fail", [("sha256:2", "sha256:1")]),
    ({"name": "rebuilt", "same_as": "nothing"}, "fail", [("sha256:2", "absent")]),
    ({"name": "rebuilt", "layers": {"same_as": "base"}}, "pass", []),  # other id, same layers
    ({"name": "derived", "layers": {"same_as": "base"}}, "fail",
     [(short("a", "b"), short("a", "b", "c"))]),
    ({"name": "derived", "layers": {"extends": "base"}}, "pass", []),
    ({"name": "twice", "layers": {"extends": "base"}}, "pass", []),  # at least one added
    ({"name": "derived", "layers": {"extends": "base", "new": 1}}, "pass", []),
    ({"name": "twice", "layers": {"extends": "base", "new": 1}}, "fail", [("1", "2")]),
    ({"name": "base", "layers": {"extends": "base"}}, "fail", [("≥ 1", "0")]),
    ({"name": "other", "layers": {"extends": "base", "new": 1}}, "fail",
     [(short("a", "b"), short("x", "b"))]),
    ({"name": "derived", "layers": {"extends": "nothing"}}, "fail", [("present", "absent")]),
])
def test_same_as_and_layers(check, status, problems):
    outcome = evaluate(ImageCheck(type="image", **check), context(LAYERED))
    assert outcome.status == status
    assert pairs(outcome) == problems


@pytest.mark.parametrize("layers", [{"same_as": "a", "extends": "b"}, {"new": 1},
                                    {"extends": "b", "new": 0}])
def test_layers_keys_that_contradict_each_other_are_refused(layers):
    with pytest.raises(ValidationError):
        ImageCheck(type="image", name="x", layers=layers)


# --- container: config and exit code ------------------------------------------------------

def container(tmp_path, **changes) -> dict:
    details = {
        "Image": "sha256:alpine", "State": {"Status": "running", "ExitCode": 0},
        "Config": {"Image": "nginx:alpine", "Env": ["PATH=/bin", "GREETING=hi"],
                   "Cmd": ["nginx", "-g", "daemon off;"], "Labels": {}},
        "Mounts": [
            {"Type": "bind", "Source": str(tmp_path / "site"), "Destination": "/usr/share/html",
             "RW": True},
            {"Type": "volume", "Name": "cache", "Source": "/var/lib/docker/volumes/cache/_data",
             "Destination": "/cache", "RW": False},
        ],
        "HostConfig": {
            "PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}],
                             "443/tcp": [{"HostIp": "", "HostPort": "8443"}]},
            "RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0},
            "Tmpfs": {"/run": "rw,noexec"}},
    }
    return details | changes


def container_ctx(tmp_path, **changes) -> CheckContext:
    (tmp_path / "site").mkdir(exist_ok=True)
    images = {"nginx:alpine": {"Id": "sha256:alpine"}, "sha256:alpine": {"Id": "sha256:alpine"},
              "web:1": {"Id": "sha256:alpine"}, "nginx:latest": {"Id": "sha256:debian"}}
    return context(FakeApi(container={"web": container(tmp_path, **changes)}, image=images),
                   cwd=str(tmp_path), values={"port": "8080"})


def container_config(config: dict, **keys) -> ContainerCheck:
    return ContainerCheck(type="container", name="web", config=config, **keys)


@pytest.mark.parametrize("config", [
    {"image": "nginx:alpine"}, {"image": "sha256:alpine"}, {"image": "web:1"},  # name, id, tag
    {"env": {"GREETING": "hi"}},
    {"cmd": "nginx -g 'daemon off;'"},
    {"mounts": [{"type": "bind", "source": "site", "destination": "/usr/share/html"}]},
    {"mounts": [{"type": "bind", "source": "./site/", "destination": "/usr/share/html/"}]},
    {"mounts": [{"type": "bind", "destination": "/usr/share/html", "read_only": False}]},
    {"mounts": [{"type": "volume", "source": "cache", "destination": "/cache",
                 "read_only": True}]},
    {"mounts": [{"type": "tmpfs", "destination": "/run", "read_only": False}]},  # --tmpfs
    {"ports": ["127.0.0.1:8080:80", "127.0.0.1:8080:80/tcp", "8080:80", "{port}:80", "80"]},
    {"ports": ["8443:443", "0.0.0.0:8443:443"]},  # -p 8443:443: the default address
    {"restart": "unless-stopped"},
])
def test_container_config_passes(tmp_path, config):
    outcome = evaluate(container_config(config), container_ctx(tmp_path))
    assert outcome.status == CheckStatus.PASS, outcome.problems


def test_an_absolute_bind_source_passes_too(tmp_path):
    config = {"mounts": [{"type": "bind", "source": str(tmp_path / "site"),
                          "destination": "/usr/share/html"}]}
    assert evaluate(container_config(config), container_ctx(tmp_path)).passed


def test_container_config_fails_with_expected_and_actual(tmp_path):
    site, html = tmp_path / "site", "/usr/share/html"
    cases = [
        ({"image": "nginx:latest"}, "Image", "nginx:latest", "nginx:alpine"),
        ({"image": "sha256:debian"}, "Image", "sha256:debian", "nginx:alpine"),
        ({"env": {"GREETING": "bye"}}, "Env", "GREETING=bye", "GREETING=hi"),
        ({"env": {"MODE": "prod"}}, "Env", "MODE=prod", "-"),
        ({"mounts": [{"type": "volume", "destination": html}]}, "check.mount",
         f"volume * -> {html}", f"bind {site} -> {html}"),
        ({"mounts": [{"type": "bind", "source": "elsewhere", "destination": html}]},
         "check.mount", f"bind {tmp_path / 'elsewhere'} -> {html}", f"bind {site} -> {html}"),
        ({"mounts": [{"type": "bind", "source": "site", "destination": html,
                      "read_only": True}]},
         "check.mount", f"bind {site} -> {html} (ro)", f"bind {site} -> {html}"),
        ({"mounts": [{"type": "bind", "source": "/cache", "destination": "/cache"}]},
         "check.mount", "bind /cache -> /cache", "volume cache -> /cache (ro)"),
        ({"mounts": [{"type": "volume", "source": "data", "destination": "/cache"}]},
         "check.mount", "volume data -> /cache", "volume cache -> /cache (ro)"),
        ({"mounts": [{"type": "volume", "source": "cache", "destination": "/cache",
                      "read_only": False}]},
         "check.mount", "volume cache -> /cache", "volume cache -> /cache (ro)"),
        ({"mounts": [{"type": "volume", "destination": "/data"}]}, "check.mount",
         "volume * -> /data", "-"),
        ({"ports": ["9090:80"]}, "PortBindings", "9090:80", PORTS),
        ({"ports": ["10.0.0.1:8080:80"]}, "PortBindings", "10.0.0.1:8080:80", PORTS),
        ({"ports": ["80/udp"]}, "PortBindings", "80/udp", PORTS),
        ({"ports": ["81"]}, "PortBindings", "81", PORTS),
        ({"restart": "always"}, "RestartPolicy", "always", "unless-stopped"),
    ]
    ctx = container_ctx(tmp_path)
    for config, field, expected, actual in cases:
        outcome = evaluate(container_config(config), ctx)
        assert (outcome.status, fields(outcome), pairs(outcome)) == (
            CheckStatus.FAIL, [field], [(expected, actual)]), config


PORTS = "127.0.0.1:8080->80/tcp, *:8443->443/tcp"


def test_no_restart_policy_is_no(tmp_path):
    ctx = container_ctx(tmp_path, HostConfig={})
    assert evaluate(container_config({"restart": "no"}), ctx).passed
    outcome = evaluate(container_config({"restart": "unless-stopped"}), ctx)
    assert pairs(outcome) == [("unless-stopped", "no")]


def test_exit_code_of_an_exited_container(tmp_path):
    ctx = container_ctx(tmp_path, State={"Status": "exited", "ExitCode": 3})
    assert evaluate(ContainerCheck(type="container", name="web", state="exited", exit_code=3),
                    ctx).passed
    outcome = evaluate(ContainerCheck(type="container", name="web", state="exited",
                                      exit_code=0), ctx)
    assert outcome.status == CheckStatus.FAIL and pairs(outcome) == [("0", "3")]
    wrong_state = evaluate(ContainerCheck(type="container", name="web", exit_code=3), ctx)
    assert pairs(wrong_state) == [("running", "exited")], "the state is checked first"


# --- not ------------------------------------------------------------------------------------

def test_not_turns_a_pass_into_a_failure_and_a_failure_into_a_pass(tmp_path):
    ctx = container_ctx(tmp_path)
    holds = evaluate(container_config({"env": {"GREETING": "hi"}}, **{"not": True}), ctx)
    assert holds.status == CheckStatus.FAIL
    assert holds.summary.key == "check.negated" and pairs(holds) == [("false", "true")]
    missing = evaluate(container_config({"env": {"DEBUG": "1"}}, **{"not": True}), ctx)
    assert missing.status == CheckStatus.PASS and missing.problems == ()


def test_not_leaves_a_skip_a_skip(tmp_path):
    invisible = context(docker_root=str(tmp_path), visible=False, kind="desktop")
    path = PathCheck(type="path", path=f"{tmp_path}/overlay2/*", **{"not": True})
    outcome = evaluate(path, invisible)
    assert outcome.status == CheckStatus.SKIP and outcome.summary.key == "check.negated"
    only_on = ContainerCheck(type="container", name="web", only_on=["desktop"], **{"not": True})
    assert evaluate(only_on, context()).status == CheckStatus.SKIP


def test_not_is_the_yaml_key():
    assert ContainerCheck.model_validate({"type": "container", "name": "w", "not": True}).negate
    with pytest.raises(ValidationError):
        ContainerCheck.model_validate({"type": "container", "name": "w", "negate": True})


# --- text matching --------------------------------------------------------------------------

def output_ctx(text: str) -> CheckContext:
    return context(results=[CommandResult("cmd", 0, text, False, 0.1)])


@pytest.mark.parametrize(("keys", "status"), [
    ({"contains": "HELLO"}, "fail"), ({"contains": "HELLO", "ignore_case": True}, "pass"),
    ({"not_contains": "ERROR"}, "pass"), ({"not_contains": "ERROR", "ignore_case": True}, "fail"),
    ({"regex": "^hello W"}, "fail"), ({"regex": "^hello W", "ignore_case": True}, "pass"),
    ({"contains": ["hello", "done"], "not_contains": ["fatal", "panic"]}, "pass"),
])
def test_output_text_matching(keys, status):
    outcome = evaluate(OutputCheck(type="output", **keys),
                       output_ctx("hello world\nerror: x\ndone\n"))
    assert outcome.status == status


def test_text_problems_show_expected_and_actual():
    outcome = evaluate(OutputCheck(type="output", contains="HELLO", ignore_case=False,
                                   not_contains="ERROR", regex="^bye"),
                       output_ctx("hello world\nan ERROR here\n"))
    assert pairs(outcome) == [("HELLO", "hello world\nan ERROR here"),
                              ("ERROR", "an ERROR here"), ("^bye", "hello world\nan ERROR here")]
    folded = evaluate(OutputCheck(type="output", not_contains="error", ignore_case=True),
                      output_ctx("hello world\nan ERROR here\n"))
    assert pairs(folded) == [("error", "an ERROR here")]


def test_path_contents_with_ignore_case(tmp_path):
    (tmp_path / "index.html").write_text("<h1>Welcome to NGINX!</h1>\n")
    ctx = context(cwd=str(tmp_path))
    assert evaluate(PathCheck(type="path", path="index.html", contains="welcome to nginx",
                              ignore_case=True), ctx).passed
    outcome = evaluate(PathCheck(type="path", path="index.html", contains="welcome to nginx"),
                       ctx)
    assert pairs(outcome) == [("welcome to nginx", "<h1>Welcome to NGINX!</h1>")]
    assert outcome.problems[0].what.params["where"].params["path"] == str(tmp_path / "index.html")


# --- probe ----------------------------------------------------------------------------------

def probe(run: str, **keys) -> ProbeCheck:
    return ProbeCheck(type="probe", run=run, **keys)


def test_probe_exit_code(tmp_path):
    ctx = context(cwd=str(tmp_path))
    assert evaluate(probe("exit 3", exit_code=3), ctx).passed
    outcome = evaluate(probe("echo oops; exit 3"), ctx)
    assert outcome.status == CheckStatus.FAIL and pairs(outcome) == [("0", "3")]


def test_probe_output_runs_in_the_lab_folder_with_the_lab_environment(tmp_path):
    (tmp_path / "here.txt").write_text("in the lab folder\n")
    ctx = context(cwd=str(tmp_path), environ=PATH | {"GREETING": "hi"})
    assert evaluate(probe('cat here.txt; printf "%s\\n" "$GREETING"',
                          contains=["lab folder", "hi"]), ctx).passed
    outcome = evaluate(probe("printenv GREETING", contains="bye", not_contains="hi"), ctx)
    assert pairs(outcome) == [("bye", "hi"), ("hi", "hi")]


def test_probe_variables_are_quoted_and_backslash_brace_is_literal(tmp_path):
    ctx = context(cwd=str(tmp_path), values={"name": "x'; touch pwned; '"})
    # in `contains` too, {name} is the variable and \{name} the text
    outcome = evaluate(probe("printf '%s|%s' '{name}' '\\{name}'",
                             contains="{name}|\\{name}"), ctx)
    assert outcome.passed, outcome.problems
    assert not (tmp_path / "pwned").exists()


def alive(pid: int) -> bool:
    """A process that still runs (a zombie waiting to be reaped does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_probe_timeout_kills_the_command_and_its_children(tmp_path):
    ctx = context(cwd=str(tmp_path))
    started = time.monotonic()
    outcome = evaluate(probe("sleep 100 & echo $! > child.pid; echo $$ > bash.pid; sleep 100",
                             timeout=1), ctx)
    elapsed = time.monotonic() - started
    assert outcome.status == CheckStatus.FAIL and pairs(outcome) == [("0", "timeout")]
    assert outcome.problems[0].what.key == "check.timed_out"
    assert 1 <= elapsed < 3
    pids = [int((tmp_path / name).read_text()) for name in ("child.pid", "bash.pid")]
    deadline = time.monotonic() + 2
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(alive, pids))


def test_probe_ends_what_it_left_in_the_background(tmp_path):
    ctx = context(cwd=str(tmp_path))
    assert evaluate(probe("sleep 100 >/dev/null 2>&1 & echo $! > child.pid"), ctx).passed
    child = int((tmp_path / "child.pid").read_text())
    deadline = time.monotonic() + 2
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_a_flood_of_output_is_bounded(tmp_path):
    ctx = context(cwd=str(tmp_path))
    code, output, timed_out = run_probe("head -c 20000000 /dev/zero | tr '\\0' x; exit 4",
                                        ctx, 10)
    assert (code, timed_out, len(output)) == (4, False, OUTPUT_LIMIT)
    started = time.monotonic()
    outcome = evaluate(probe("yes", timeout=1, contains="y"), ctx)
    assert pairs(outcome) == [("0", "timeout")]
    assert time.monotonic() - started < 6  # killed at 1 s; the kept MiB is decoded after


def test_probe_timeout_is_bounded_by_the_model():
    with pytest.raises(ValidationError):
        probe("true", timeout=0)
    with pytest.raises(ValidationError):
        probe("true", timeout=601)


# --- http -----------------------------------------------------------------------------------

class Pages(http.server.BaseHTTPRequestHandler):
    """/ and /missing; /home redirects here, /away to another host; /flaky fails twice."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.server.asked.append(self.path)
        flaky = self.path == "/flaky" and self.server.asked.count("/flaky") <= 2
        status, body, location = {
            "/": (200, "<h1>Hello from labrunner</h1>", None),
            "/home": (302, "", "/"),
            "/away": (302, "", "http://10.0.0.1/"),
            "/flaky": (503 if flaky else 200, "starting" if flaky else "ready", None),
        }.get(self.path, (404, "nothing here", None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    httpd.asked = []
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def connections(monkeypatch):
    """Every address a connection is asked for (http.client opens them all this way); one
    off this machine is recorded and refused, never made, should a check ever ask for it."""
    opened: list[str] = []
    real = socket.create_connection

    def recording(address, *args, **kwargs):
        opened.append(address[0])
        if address[0] not in ("127.0.0.1", "localhost", "::1"):
            raise ConnectionRefusedError(f"the test refuses {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    return opened


def url(server, path: str = "/") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def http_check(address: str, **keys) -> HttpCheck:
    return HttpCheck(type="http", url=address, **keys)


def test_http_status_and_body(server):
    ctx = context()
    assert evaluate(http_check(url(server), contains="Hello"), ctx, once=True).passed
    assert evaluate(http_check(url(server, "/missing"), status=404, contains="nothing"), ctx,
                    once=True).passed
    outcome = evaluate(http_check(url(server), contains="Bye", not_contains="Hello"), ctx,
                       once=True)
    assert pairs(outcome) == [("Bye", "<h1>Hello from labrunner</h1>"),
                              ("Hello", "<h1>Hello from labrunner</h1>")]
    missing = evaluate(http_check(url(server, "/missing")), ctx, once=True)
    assert pairs(missing) == [("200", "404")]
    assert missing.problems[0].what.key == "check.http_status"


def test_http_follows_a_redirect_only_on_this_machine(server, connections):
    ctx = context()
    assert evaluate(http_check(url(server, "/home"), contains="Hello"), ctx, once=True).passed
    away = evaluate(http_check(url(server, "/away")), ctx, once=True)
    assert pairs(away) == [("200", "302")]
    assert evaluate(http_check(url(server, "/away"), status=302), ctx, once=True).passed
    assert "10.0.0.1" not in connections and server.asked == ["/home", "/", "/away", "/away"]


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


def test_http_refused_port_fails_with_a_problem():
    outcome = evaluate(http_check(f"http://127.0.0.1:{free_port()}/"), context(), once=True)
    assert outcome.status == CheckStatus.FAIL
    [problem] = outcome.problems
    assert problem.what.key == "check.http_no_answer" and problem.expected == "200"
    assert "refused" in problem.actual.lower()


def test_http_a_server_that_does_not_speak_http_is_a_failure_not_a_crash():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def answer_garbage() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(1024)
                connection.sendall(b"SSH-2.0-OpenSSH\r\n")

        threading.Thread(target=answer_garbage, daemon=True).start()
        outcome = evaluate(http_check(f"http://127.0.0.1:{listener.getsockname()[1]}/"),
                           context(), once=True)
    assert outcome.status == CheckStatus.FAIL
    assert outcome.problems[0].what.key == "check.http_no_answer"


@pytest.mark.parametrize("address", ["http://10.0.0.1/", "http://example.com/",
                                     "http://127.0.0.1.example.com/", "ftp://127.0.0.1/",
                                     "http://localhost.example.com/", "127.0.0.1:80"])
def test_http_the_model_refuses_another_host(address):
    with pytest.raises(ValidationError, match="schema.http_loopback"):
        http_check(address)


@pytest.mark.parametrize("address", ["http://127.0.0.1:8080/", "http://localhost/",
                                     "http://[::1]:8080/x", "https://127.0.0.2/",
                                     "http://{host}:{port}/"])
def test_http_the_model_accepts_this_machine(address):
    assert http_check(address).url == address


def test_http_another_host_from_a_variable_is_refused_without_contacting_it(monkeypatch):
    import runner.checks.http as http_module

    asked: list[str] = []
    monkeypatch.setattr(http_module, "fetch", lambda address: asked.append(address))
    ctx = context(values={"host": "10.0.0.1"})
    outcome = evaluate(http_check("http://{host}/"), ctx, once=True)
    assert outcome.status == CheckStatus.FAIL and asked == []
    assert pairs(outcome) == [("127.0.0.1", "http://10.0.0.1/")]
    assert outcome.problems[0].what.key == "check.http_not_loopback"


def test_http_is_retried_by_default_and_once_means_one_attempt(server, monkeypatch):
    import runner.checks.http as http_module

    assert (http_module.DEFAULT_RETRY.attempts, http_module.DEFAULT_RETRY.delay) == (20, 0.5)
    monkeypatch.setattr(http_module, "DEFAULT_RETRY", Retry(attempts=4, delay=0))
    ctx = context()
    never = evaluate(http_check(url(server, "/missing")), ctx)
    assert never.status == CheckStatus.FAIL and never.attempts == 4
    assert server.asked == ["/missing"] * 4
    once = evaluate(http_check(url(server, "/missing")), ctx, once=True)
    assert once.attempts == 1 and server.asked == ["/missing"] * 5


def test_http_a_server_that_starts_slowly_passes_on_a_later_attempt(server):
    check = http_check(url(server, "/flaky"), contains="ready", retry={"attempts": 5, "delay": 0})
    outcome = evaluate(check, context())
    assert outcome.passed and outcome.attempts == 3
    own = evaluate(http_check(url(server, "/missing"), retry={"attempts": 2, "delay": 0}),
                   context())
    assert own.attempts == 2, "the check's own retry replaces the default"


# --- container_layer, layer_store, volume, network -------------------------------------------

def graph(tmp_path, running: bool = True) -> dict:
    data = {key: str(tmp_path / key.lower()) for key in ("LowerDir", "UpperDir", "WorkDir",
                                                         "MergedDir")}
    for folder in data.values():
        os.makedirs(folder)
    (tmp_path / "upperdir" / "srv").mkdir()
    (tmp_path / "upperdir" / "srv" / "app.py").write_text("print()")
    return {"State": {"Status": "running" if running else "exited", "Running": running},
            "GraphDriver": {"Name": "overlay2", "Data": data}}


def test_container_layer_path_added(tmp_path):
    ctx = context(FakeApi(container={"web": graph(tmp_path)}))
    for path in ("/srv/app.py", "srv/app.py", "/srv/./app.py/"):
        assert evaluate(ContainerLayerCheck(type="container_layer", name="web", path=path),
                        ctx).passed, path
    outcome = evaluate(ContainerLayerCheck(type="container_layer", name="web", path="/srv/x"),
                       ctx)
    assert pairs(outcome) == [("added", "none")]


def test_container_layer_folders(tmp_path):
    ctx = context(FakeApi(container={"web": graph(tmp_path)}))
    folders = ContainerLayerCheck(type="container_layer", name="web", folders=True)
    assert evaluate(folders, ctx).passed
    os.rmdir(tmp_path / "workdir")
    outcome = evaluate(folders, ctx)
    assert pairs(outcome) == [("present", "absent")]
    assert outcome.problems[0].what.params["field"] == "WorkDir"
    hidden = context(FakeApi(container={"web": graph(tmp_path / "h")}), visible=False,
                     kind="desktop")
    assert evaluate(folders, hidden).status == CheckStatus.SKIP


def test_container_layer_merged_dir_exists_only_while_running(tmp_path):
    ctx = context(FakeApi(container={"web": graph(tmp_path, running=False)}))
    outcome = evaluate(ContainerLayerCheck(type="container_layer", name="web", folders=True),
                       ctx)
    assert pairs(outcome) == [("absent", "present")]
    assert outcome.problems[0].what.params["field"] == "MergedDir"


def test_layer_store_chain(tmp_path):
    diffs = ["sha256:" + "a" * 64, "sha256:" + "b" * 64]
    chains = chain_ids(diffs)
    store = tmp_path / "image" / "overlay2" / "layerdb" / "sha256"
    for index, (chain, diff) in enumerate(zip(chains, diffs, strict=True)):
        folder = store / chain.split(":")[1]
        folder.mkdir(parents=True)
        (folder / "diff").write_text(diff)
        if index:
            (folder / "parent").write_text(chains[index - 1])
    api = FakeApi(image={"web": {"Id": "sha256:w", "RootFS": {"Layers": diffs}}})
    ctx = context(api, docker_root=str(tmp_path))
    assert evaluate(LayerStoreCheck(type="layer_store", name="web"), ctx).passed
    (store / chains[1].split(":")[1] / "parent").write_text("sha256:" + "c" * 64)
    outcome = evaluate(LayerStoreCheck(type="layer_store", name="web"), ctx)
    assert pairs(outcome) == [(f"diff {diffs[1]}\nparent {chains[0]}",
                               f"diff {diffs[1]}\nparent sha256:{'c' * 64}")]
    assert evaluate(LayerStoreCheck(type="layer_store", name="web"),
                    context(api, kind="containerd")).status == CheckStatus.SKIP


def test_volume_state_driver_and_labels():
    api = FakeApi(volume={"data": {"Name": "data", "Driver": "local", "Labels": {"app": "blog"}}})
    ctx = context(api)
    assert evaluate(VolumeCheck(type="volume", name="data", driver="local",
                                labels={"app": "blog"}), ctx).passed
    assert evaluate(VolumeCheck(type="volume", name="other", state="absent"), ctx).passed
    outcome = evaluate(VolumeCheck(type="volume", name="data", driver="nfs",
                                   labels={"app": "shop", "tier": "db"}), ctx)
    assert pairs(outcome) == [("nfs", "local"), ("app=shop", "app=blog"), ("tier=db", "-")]
    assert pairs(evaluate(VolumeCheck(type="volume", name="other"), ctx)) == [
        ("present", "absent")]


def test_network_driver_labels_and_containers():
    network = {"Name": "backend", "Driver": "bridge", "Labels": {"team": "blue"},
               "Containers": {"abc": {"Name": "web"}}}
    stopped = {"State": {"Status": "created"},
               "NetworkSettings": {"Networks": {"backend": {"NetworkID": ""}}}}
    elsewhere = {"NetworkSettings": {"Networks": {"bridge": {}}}}
    api = FakeApi(network={"backend": network},
                  container={"db": stopped, "cache": elsewhere})
    ctx = context(api)
    assert evaluate(NetworkCheck(type="network", name="backend", driver="bridge",
                                 labels={"team": "blue"}, containers=["web", "db"]), ctx).passed
    outcome = evaluate(NetworkCheck(type="network", name="backend", driver="overlay",
                                    containers=["cache", "ghost"]), ctx)
    assert pairs(outcome) == [("overlay", "bridge"), ("cache", "web"), ("ghost", "web")]
    assert evaluate(NetworkCheck(type="network", name="frontend", state="absent"), ctx).passed


def test_a_client_that_answers_none_for_a_missing_object_is_understood():
    """The Docker SDK raises NotFound; a lighter client may answer None for the same 404."""
    api = SimpleNamespace(**{f"inspect_{kind}": lambda name: None
                             for kind in ("image", "container", "volume", "network")})
    ctx = context(api)
    for check in (ImageCheck(type="image", name="x", state="absent"),
                  ContainerCheck(type="container", name="x", state="absent"),
                  VolumeCheck(type="volume", name="x", state="absent"),
                  NetworkCheck(type="network", name="x", state="absent")):
        assert evaluate(check, ctx).passed, check.type


NOT = {"not": True}


@pytest.mark.parametrize("check", [
    ContainerLayerCheck(type="container_layer", name="web", path="/MYFILE", **NOT),
    ContainerCheck(type="container", name="web", config={"env": {"A": "1"}}, **NOT),
    ImageCheck(type="image", name="app", layers={"extends": "base"}, **NOT),
    HttpCheck(type="http", url="http://{host}:8080/", **NOT),
    OutputCheck(type="output", command=3, **NOT),
], ids=["no container", "no container for its config", "no image for its layers",
        "not loopback", "command not run"])
def test_not_never_turns_a_check_that_could_not_look_into_a_pass(check):
    ctx = context(values={"host": "example.com"}, results=[CommandResult("x", 0, "", False, 0)])
    outcome = evaluate(check, ctx, once=True)
    assert outcome.status == CheckStatus.FAIL
    assert outcome.problems and not any(p.conclusive for p in outcome.problems)


def test_not_on_a_state_is_still_a_plain_negation():
    absent = evaluate(ContainerCheck(type="container", name="web", **NOT), context())
    assert absent.status == CheckStatus.PASS, "no container: it is indeed not running"


@pytest.mark.parametrize("value", ["hello world", "it's"])
def test_a_variable_in_a_cmd_line_is_one_word_and_shown_filled_in(value):
    api = FakeApi(image={"app": {"Id": "sha256:a", "Config": {"Cmd": ["echo", value]}}})
    ctx = context(api, values={"greeting": value})
    check = ImageCheck(type="image", name="app", config={"cmd": "echo {greeting}"})
    assert evaluate(check, ctx).status == CheckStatus.PASS
    wrong = ImageCheck(type="image", name="app", config={"cmd": "printf {greeting}"})
    assert evaluate(wrong, ctx).problems[0].expected == f"printf {value}"


def test_a_variable_in_a_regex_is_literal_text():
    ctx = context(values={"tag": "v1.0(beta"}, results=[CommandResult("x", 0, "got v1.0(beta)\n",
                                                                      False, 0)])
    assert evaluate(OutputCheck(type="output", regex=r"got {tag}\)"), ctx).passed
    ctx = context(values={"tag": "v1.0"}, results=[CommandResult("x", 0, "v1x0\n", False, 0)])
    assert not evaluate(OutputCheck(type="output", regex="{tag}"), ctx).passed, ". is a dot"


def test_a_background_job_holding_the_output_does_not_hold_the_probe(tmp_path):
    started = time.monotonic()
    code, output, timed_out = run_probe("sleep 30 >/dev/null & echo hi", context(), 5)
    assert (code, output.strip(), timed_out) == (0, "hi", False)
    assert time.monotonic() - started < 2


def test_ports_chosen_by_the_engine_for_run_capital_p_count():
    details = {"State": {"Status": "running"}, "Config": {},
               "HostConfig": {"PublishAllPorts": True, "PortBindings": {}},
               "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "127.0.0.1",
                                                         "HostPort": "32768"}]}}}
    ctx = context(FakeApi(container={"web": details}))
    assert evaluate(ContainerCheck(type="container", name="web", config={"ports": ["80"]}),
                    ctx).passed
    assert not evaluate(ContainerCheck(type="container", name="web",
                                       config={"ports": ["8080:80"]}), ctx).passed


def test_an_address_with_a_user_part_is_not_taken_as_loopback():
    with pytest.raises(ValidationError):
        HttpCheck(type="http", url="http://a@127.0.0.1:1/")

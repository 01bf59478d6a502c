"""`labrunner check` from the teacher's side, on a real engine: it grades what the engine
shows, it writes a report `grade` and the schema accept, and it leaves the engine exactly as
it found it — even when the lab's own probe tries to remove something."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "labs" / "build-image-exercise.yaml"
SCHEMA = json.loads((ROOT / "schema" / "report.schema.json").read_text())


def labrunner(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "runner", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def docker(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["docker", *args], env=env, capture_output=True, text=True,
                          check=True).stdout


def engine_state(env: dict[str, str]) -> dict[str, object]:
    """Everything a read could be mistaken for a write on: objects, their states and times."""
    ids = lambda *args: docker(env, *args).split()  # noqa: E731
    containers = ids("ps", "-aq", "--no-trunc")
    images = sorted(set(ids("images", "-aq", "--no-trunc")))
    return {
        "containers": docker(env, "container", "inspect", *containers) if containers else "",
        "images": docker(env, "image", "inspect", *images) if images else "",
        "volumes": docker(env, "volume", "ls", "-q"),
        "networks": docker(env, "network", "ls", "-q", "--no-trunc"),
    }


def events_between(env: dict[str, str], since: float, until: float) -> str:
    return docker(env, "events", "--since", f"{since:.3f}", "--until", f"{until:.3f}")


@pytest.fixture
def exercise_done(docker_env, clean_engine, tmp_path) -> dict[str, str]:
    """The exercise done by its solutions on the test engine, as a student would leave it."""
    done = labrunner(docker_env, "run", str(LAB), "--auto", "--reporter", "plain",
                     "--engine", docker_env["DOCKER_HOST"], "--workdir", str(tmp_path / "w"))
    assert done.returncode == 0, done.stdout + done.stderr
    return docker_env


def test_check_grades_the_end_state_and_changes_nothing(exercise_done, tmp_path):
    env = exercise_done
    report_file = tmp_path / "check.json"
    before = engine_state(env)
    since = time.time()
    checked = labrunner(env, "check", str(LAB), "--engine", env["DOCKER_HOST"],
                        "--student", "alice", "--report", str(report_file))
    until = time.time()
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert engine_state(env) == before
    assert events_between(env, since, until) == ""
    report = json.loads(report_file.read_text())
    jsonschema.validate(report, SCHEMA)
    assert (report["mode"], report["student"], report["status"]) == ("check", "alice", "passed")
    assert report["grade"]["earned"] == report["grade"]["total"] == 5
    hows = {step["id"]: step["result"]["how"] for step in report["steps"]}
    assert hows == {"dockerfile": "not_checked", "build": "checked", "run": "checked",
                    "change": "checked", "tag": "checked", "stop": "checked"}
    assert report["engine_calls"] and {c["method"] for c in report["engine_calls"]} <= {
        "GET", "HEAD"}
    # The teacher's report rolls up with the class's: graded, and nothing flagged.
    rolled = labrunner(env, "grade", str(report_file), "--lab", str(LAB), "--csv",
                       str(tmp_path / "class.csv"))
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    import csv

    (row,) = list(csv.DictReader((tmp_path / "class.csv").open(encoding="utf-8")))
    assert row["student"] == "alice" and not row["flags"], row


def test_check_fails_what_the_engine_does_not_show(exercise_done, tmp_path):
    env = exercise_done
    docker(env, "rm", "-f", "monsite-web")
    docker(env, "rmi", "monsite:stable")
    checked = labrunner(env, "check", str(LAB), "--engine", env["DOCKER_HOST"],
                        "--report", str(tmp_path / "r.json"))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    credited = {step["id"]: step["result"]["credited"] for step in report["steps"]}
    assert credited == {"dockerfile": False, "build": True, "run": False, "change": False,
                        "tag": False, "stop": False}
    assert report["grade"] == {"earned": 1, "total": 5, "percent": 20.0, "pass_mark": 50,
                               "passed": False}


def test_a_probe_that_writes_is_refused_by_the_read_only_guard(exercise_done, tmp_path):
    """The lab's own probe is lab code: run through the guard, its removal cannot pass."""
    env = exercise_done
    lab = tmp_path / "hostile.yaml"
    lab.write_text(LAB.read_text().replace(
        "      - type: container\n        name: \"{container}\"\n        state: exited\n",
        "      - type: probe\n        run: docker rm -f {container}; docker rmi -f {app}:stable;"
        " true\n        end_state: true\n"
        "      - type: container\n        name: \"{container}\"\n        state: exited\n", 1))
    before = engine_state(env)
    checked = labrunner(env, "check", str(lab), "--engine", env["DOCKER_HOST"],
                        "--report", str(tmp_path / "r.json"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert engine_state(env) == before
    calls = json.loads((tmp_path / "r.json").read_text())["engine_calls"]
    refused = [(c["method"], c["decision"], c["status"]) for c in calls if c["method"] == "DELETE"]
    assert refused == [("DELETE", "refused", 403)] * 2


def test_a_lab_without_an_end_state_is_refused_clearly(docker_env):
    checked = labrunner(docker_env, "check", "inspect-overlay2", "--engine",
                        docker_env["DOCKER_HOST"])
    assert checked.returncode == 2
    assert "end_state" in checked.stderr and "Traceback" not in checked.stderr


def test_check_names_an_engine_that_does_not_answer(tmp_path):
    env = dict(os.environ)
    checked = labrunner(env, "check", str(LAB), "--engine", f"unix://{tmp_path}/none.sock")
    assert checked.returncode == 3
    assert "none.sock" in checked.stderr and "Traceback" not in checked.stderr


@pytest.fixture
def sshd(tmp_path) -> dict[str, str]:
    """An OpenSSH server of the test's own on 127.0.0.1 (a free port), its key, its config;
    stopped by its pid. `LABRUNNER_SSH` makes labrunner's ssh use that config."""
    import shutil
    import socket

    from tests.docker.conftest import in_ci

    if not Path("/usr/sbin/sshd").exists() or shutil.which("ssh") is None:
        if in_ci():
            pytest.fail("CI: openssh-server is missing (scripts/install.sh installs it in CI)")
        pytest.skip("openssh-server is not installed")
    folder = tmp_path / "ssh"
    folder.mkdir(mode=0o700)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)],
                       check=True)
    (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (folder / "sshd_config").write_text(
        f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {folder}/host_key\n"
        f"AuthorizedKeysFile {folder}/authorized_keys\nPidFile {folder}/sshd.pid\n"
        "StrictModes no\nUsePAM no\nPasswordAuthentication no\nPermitRootLogin "
        "prohibit-password\nAllowStreamLocalForwarding yes\n")
    (folder / "ssh_config").write_text(
        f"Host 127.0.0.1\n  IdentityFile {folder}/client_key\n  IdentitiesOnly yes\n"
        f"  StrictHostKeyChecking no\n  UserKnownHostsFile {folder}/known_hosts\n"
        "  LogLevel ERROR\n")
    server = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(folder / "sshd_config")],
                              stderr=(folder / "sshd.log").open("w"))
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield {"LABRUNNER_SSH": f"ssh -F {folder}/ssh_config", "port": str(port)}
    finally:
        server.terminate()
        server.wait(10)


def test_check_reaches_a_student_engine_over_ssh(exercise_done, sshd, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(exercise_done, LABRUNNER_SSH=sshd["LABRUNNER_SSH"], TMPDIR=str(scratch))
    socket_path = env["DOCKER_HOST"].removeprefix("unix://")
    url = f"ssh://root@127.0.0.1:{sshd['port']}{socket_path}"
    before = engine_state(env)
    checked = labrunner(env, "check", str(LAB), "--engine", url, "--report",
                        str(tmp_path / "r.json"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert engine_state(env) == before
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["grade"]["earned"] == report["grade"]["total"] == 5
    assert {step["result"]["how"] for step in report["steps"]} == {"checked", "not_checked"}
    # The forward's socket folder went with it (the guard's too).
    assert not list(scratch.iterdir())

"""A run killed outright (SIGKILL: no cleanup, no report) leaves its container; the next run of
the same lab says so, runs the lab's cleanup first, and passes instead of being refused by
the lab's own guard. A real labrunner process on the sandbox engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import yaml

ROOT = Path(__file__).resolve().parents[2]
T = {"fr": "t", "en": "t"}
GUARD = "! docker container inspect www >/dev/null 2>&1"  # setup: refuse if www exists
WAIT = 'test -e go || { echo RE""ADY; sleep 60; }'  # the first run waits here to be killed


def write_lab(tmp_path: Path) -> Path:
    lab = {"format": 2, "id": "killed-run", "title": T, "setup": [GUARD],
           "steps": [{"id": "start", "title": T, "explain": T,
                      "run": ["docker run -d --name www nginx", WAIT]}],
           "cleanup": ["docker rm -f www"]}
    path = tmp_path / "killed-run.yaml"
    path.write_text(yaml.safe_dump(lab))
    return path


def spawn(lab: Path, tmp_path: Path, engine: str, env: dict) -> pexpect.spawn:
    args = ["-m", "runner", "run", str(lab), "--auto", "--lang", "en", "--reporter", "plain",
            "--engine", engine, "--workdir", str(tmp_path / "work")]
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return pexpect.spawn(sys.executable, args, cwd=str(ROOT), timeout=90, encoding="utf-8",
                         env=dict(env, HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "st"),
                                  TMPDIR=str(tmp_path / "tmp")), dimensions=(40, 150))


def container_left(name: str, docker_env: dict) -> bool:
    found = subprocess.run(["docker", "ps", "-aq", "--filter", f"name=^{name}$"], env=docker_env,
                           capture_output=True, text=True, check=True)
    return found.stdout.strip() != ""


def test_the_next_run_cleans_up_after_a_run_killed_outright(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    lab = write_lab(tmp_path)
    first = spawn(lab, tmp_path, sandbox_engine.docker_host, docker_env)
    first.expect_exact("READY")
    assert container_left("www", docker_env)
    records = list((tmp_path / "st" / "labrunner" / "runs").glob("*.json"))
    assert [json.loads(r.read_text())["pid"] for r in records] == [first.pid]
    os.kill(first.pid, signal.SIGKILL)
    first.expect(pexpect.EOF, timeout=30)
    first.close()
    assert container_left("www", docker_env), "a killed run runs no cleanup"
    abandoned = tmp_path / "tmp" / "labrunner-task-abandoned"  # a killed run's task folder
    abandoned.mkdir()
    (abandoned / "owner").write_text("4194999 1\n")

    (tmp_path / "work" / "go").touch()
    second = spawn(lab, tmp_path, sandbox_engine.docker_host, docker_env)
    second.expect(pexpect.EOF, timeout=90)
    output = " ".join(second.before.split())  # lines wrapped at the terminal's width
    second.close()
    assert second.exitstatus == 0, output
    assert (f"an earlier run of this lab (pid {first.pid}, started at" in output
            and "was stopped before its cleanup" in output), output
    assert "already exists" not in output and "Traceback" not in output
    assert not container_left("www", docker_env), "the second run's own cleanup ran"
    assert list((tmp_path / "st" / "labrunner" / "runs").iterdir()) == []
    assert not abandoned.exists()

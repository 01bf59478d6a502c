"""Ctrl-C during a lab: exit 130, the running command is stopped, the lab's cleanup runs."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_ctrl_c_runs_the_cleanup_and_exits_130(sandbox_engine, clean_engine, docker_env,
                                               tmp_path):
    lab = {"id": "interrupt", "title": {"fr": "i", "en": "i"},
           "steps": [{"id": "start", "title": {"fr": "s", "en": "s"},
                      "explain": {"fr": "s", "en": "s"},
                      "run": ["docker run -d --name victim nginx", "echo READY; sleep 60"]}],
           "cleanup": ["docker rm -f victim"]}
    path = tmp_path / "interrupt.yaml"
    path.write_text(yaml.safe_dump(lab))
    process = subprocess.Popen(
        [sys.executable, "-m", "runner", "run", str(path), "--auto", "--reporter", "plain",
         "--engine", sandbox_engine.docker_host, "--workdir", str(tmp_path / "w")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    deadline = time.monotonic() + 60
    seen = ""
    while "READY" not in seen and time.monotonic() < deadline:
        seen += process.stdout.readline()
    assert "READY" in seen, seen
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 130, seen + output
    remaining = subprocess.run(["docker", "ps", "-aq", "--filter", "name=^victim$"],
                               env=docker_env, capture_output=True, text=True, check=True)
    assert remaining.stdout.strip() == "", "cleanup did not remove the lab's container"

"""The step prompt on a real terminal: a command typed there is not an answer (it asks again,
listing the keys), and with the output redirected to a file the prompt still reaches the
terminal, where the person types, and stays out of the file."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pexpect
import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_a_command_at_the_prompt_asks_again_and_the_prompt_stays_out_of_the_log(
        sandbox_engine, docker_env, tmp_path):
    lab = {"format": 2, "id": "keys", "title": {"fr": "k", "en": "k"},
           "steps": [{"id": "hello", "title": {"fr": "h", "en": "h"},
                      "explain": {"fr": "h", "en": "h"}, "run": "echo hello-from-the-step",
                      "checks": [{"type": "output", "contains": "hello-from-the-step"}]}]}
    path = tmp_path / "keys.yaml"
    path.write_text(yaml.safe_dump(lab))
    log = tmp_path / "run.log"
    command = shlex.join([sys.executable, "-m", "runner", "run", str(path), "--lang", "en",
                          "--reporter", "plain", "--engine", sandbox_engine.docker_host,
                          "--workdir", str(tmp_path / "work")])
    child = pexpect.spawn("bash", ["-c", f"{command} > {shlex.quote(str(log))}"], cwd=str(ROOT),
                          env=docker_env, encoding="utf-8", timeout=60)
    child.expect_exact("Enter: run · s: skip · j: jump to a step · q: quit > ")
    child.sendline("docker ps")
    child.expect_exact("“docker ps” is not one of the answers: Enter runs the commands")
    child.expect_exact("Enter: run · s: skip · j: jump to a step · q: quit > ")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    written = log.read_text(encoding="utf-8")
    assert "hello-from-the-step" in written and "PASS" in written
    assert "Enter: run" not in written and "not one of the answers" not in written

"""A trainer presents inspect-overlay2 on the sandbox engine through a real pseudo-terminal,
in French and in English: next, back, jump, an improvised shell that creates a container
(it exists on the engine and shows in the what-changed panel), then quit (the cleanup ran:
the lab's container is gone; q is a normal end, exit 0)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from runner.i18n import t

ROOT = Path(__file__).resolve().parents[2]


def _containers(env: dict[str, str]) -> list[str]:
    out = subprocess.run(["docker", "ps", "-a", "--format", "{{json .Names}}"], env=env,
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def _styled(text: str) -> str:
    """A regex for `text` as rich draws it: style codes around each word."""
    import re

    codes = r"(?:\x1b\[[0-9;]*m)*"
    return f"{codes} {codes}".join(re.escape(word) for word in text.split(" "))


def _bar(language: str) -> str:
    """The end of the help bar after a step (its last key: quit)."""
    return _styled(f"q {t('present.key_quit', language)}")


def _step(language: str, index: int) -> str:
    return t("present.step_of", language, index=index, total=10)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_trainer_goes_next_back_jumps_improvises_and_quits(
        language, sandbox_engine, docker_env, clean_engine, tmp_path):
    command = shlex.join([sys.executable, "-m", "runner", "present", "inspect-overlay2",
                          "--lang", language, "--engine", sandbox_engine.docker_host,
                          "--speed", "400", "--workdir", str(tmp_path / "work")])
    child = pexpect.spawn("bash", ["-c", command], cwd=str(ROOT), env=docker_env,
                          encoding="utf-8", timeout=90, dimensions=(40, 120))
    enter = t("present.key_enter", language)
    run_bar = _styled(f"{enter} {t('present.key_run', language)}")

    def run_step(commands: int) -> None:
        child.expect(run_bar)
        child.send("\r")
        for _ in range(commands):
            child.expect_exact("$ ")
            child.send("\r")
        child.expect(_bar(language))

    child.expect_exact("inspect-overlay2")  # the title screen: the lab's id below its title
    child.expect(_styled(f"{enter} {t('present.key_start', language)}"))
    child.send("\r")
    child.expect_exact(_step(language, 1))
    run_step(4)  # clean: every container and image removed
    child.send("\r")  # next
    child.expect_exact(_step(language, 2))
    run_step(1)  # pull alpine
    child.send("b")  # back: the rewind replays step 1, then shows step 2 again
    child.expect_exact("↻ 1/10")
    child.expect_exact(_step(language, 2))
    child.send("j")
    child.expect_exact(t("present.jump_prompt", language, total=10))
    child.sendline("6")  # steps 2 to 5 replayed quietly
    child.expect_exact(_step(language, 6))
    run_step(1)  # docker run -d --name www nginx
    assert "www" in _containers(docker_env)
    child.send("i")
    child.expect_exact(f"({t('present.improvise_label', language)})")
    child.sendline("docker run -d --name improvised nginx")
    child.sendline("exit")
    child.expect_exact(t("present.changes", language))
    child.expect_exact("improvised")
    child.expect_exact(t("present.improvise_closed", language))
    assert "improvised" in _containers(docker_env)
    child.expect(_bar(language))
    child.send("q")
    child.expect_exact(t("present.cleanup_done", language))
    child.expect_exact(t("present.the_end", language))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    remaining = _containers(docker_env)
    assert "www" not in remaining  # the lab's cleanup ran
    assert "improvised" in remaining  # the trainer's own container is not the lab's

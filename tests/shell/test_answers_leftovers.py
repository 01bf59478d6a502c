"""A task's answer leaves nothing running once it ends or its time limit stops it, even what
left its session (`setsid`), and touches no process that is not its own. Real bash."""

from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from runner.answers.bash import run_answer


def running(marker: str) -> list[int]:
    """The live processes whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes() \
                    and (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[0] != b"Z":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.fixture
def seconds() -> str:
    """A sleep length no other process uses, to find the answer's sleep by."""
    return f"{random.randint(100000, 999999)}.25"


def run(commands: list[str], tmp_path: Path, timeout: float = 20) -> bool:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    _, timed_out = run_answer(commands, env, str(tmp_path), timeout)
    return timed_out


def test_an_answer_that_left_its_session_leaves_nothing_after_the_task(tmp_path, seconds):
    assert run([f"setsid sleep {seconds} &", "setsid -f sleep " + seconds], tmp_path) is False
    assert running(seconds) == []


def test_the_time_limit_stops_what_left_the_session_even_without_the_token(tmp_path, seconds):
    # Unset, the token no longer marks it: its parent chain to the running bash does.
    commands = [f"unset LABRUNNER_ANSWER_TOKEN; setsid sleep {seconds} & sleep 30"]
    started = time.monotonic()
    assert run(commands, tmp_path, timeout=1) is True
    assert time.monotonic() - started < 10 and running(seconds) == []


def test_a_process_that_is_not_the_answers_is_left_alone(tmp_path, seconds):
    other = subprocess.Popen(["sleep", seconds], start_new_session=True)
    try:
        run([f"setsid sleep {seconds}1 &"], tmp_path)
        assert running(seconds) == [other.pid]
    finally:
        other.kill()
        other.wait()

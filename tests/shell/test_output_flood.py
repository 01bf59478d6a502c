"""Hostile output through real bash and a real labrunner run: bounded time and memory.

The flood runs go through tests/shell/flood_lab.py in a process of their own, which reports its
own peak memory (the commands it runs, bash, head, fold, are small).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runner.shell.output_tail import OUTPUT_LIMIT
from runner.shell.session import ShellSession, strip_ansi

pytestmark = pytest.mark.shell
ROOT = Path(__file__).resolve().parents[2]
PEAK_RSS_LIMIT = 100 * 2**20  # the target, whatever the size of the output


@pytest.fixture
def shell(tmp_path):
    with ShellSession(env={"PATH": os.environ["PATH"]}, cwd=tmp_path) as session:
        yield session


def test_a_command_s_kept_output_is_its_last_megabytes_and_says_how_much_is_missing(shell):
    result = shell.run("head -c 5000000 /dev/zero | tr '\\0' 'a' | fold -w 100; echo; echo THE-END")
    total = 5_000_000 + 50_000 + len("THE-END\n")  # a newline every 100 characters
    assert result.exit_code == 0 and result.output.endswith("a\nTHE-END\n")
    assert len(result.output) <= OUTPUT_LIMIT and result.output.startswith("a" * 100 + "\n")
    assert result.dropped + len(result.output) == total


@pytest.mark.parametrize("printf", ["\\e[30000000000Cx", "\\e[300000000Cx", "\\e[30000000Bx"])
def test_a_huge_cursor_move_from_a_real_command_is_replayed_at_once(shell, printf):
    result = shell.run(f"printf '{printf}'; echo")
    started = time.perf_counter()
    screen = strip_ansi(result.output)
    assert time.perf_counter() - started < 0.5
    assert screen.rstrip("\n").endswith("x") and len(screen) < 20_000


def test_binary_output_and_many_redraws_still_work(shell):
    binary = shell.run("head -c 300000 /dev/urandom; printf '\\xff\\xfe\\xc3(\\n'; echo done")
    assert binary.exit_code == 0 and strip_ansi(binary.output).endswith("done\n")
    redraws = shell.run("for i in $(seq 100000); do printf '\\r%s/100000' $i; done; echo")
    assert strip_ansi(redraws.output) == "100000/100000\n"


def flood(megabytes: int, reporter: str, work_dir: Path) -> dict:
    """Run the flood lab in its own process: its JSON summary."""
    done = subprocess.run([sys.executable, str(ROOT / "tests/shell/flood_lab.py"),
                           str(megabytes), reporter, str(work_dir)], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.splitlines()[-1])


@pytest.mark.parametrize("reporter", ["plain", "rich"])
def test_twenty_megabytes_through_a_real_run_stay_under_100_mb(tmp_path, reporter):
    summary = flood(20, reporter, tmp_path)
    assert summary["status"] == "passed"  # the check found the last line in the kept tail
    assert summary["output_size"] <= OUTPUT_LIMIT and summary["dropped"] > 18_000_000
    assert summary["peak_rss"] < PEAK_RSS_LIMIT
    assert summary["seconds"] < 30  # it took 5.8 s and grew as n²

#!/usr/bin/env python3
"""Speed figures for the closing notes: medians of several runs, never a pass/fail test.

  python bench/bench.py [--runs 5] [--engine URL]

1. `labrunner --version` cold start (target ≤ 0.15 s);
2. `labrunner validate` of every bundled lab (target ≤ 0.4 s);
3. the whole inspect-overlay2 lab with --auto, divided by the same commands in a plain
   `bash -e` script on the same engine (target ≤ 1.3×). Each run starts without the nginx
   image so both really pull. Without --engine the sandbox engine is started (and left up);
4. `labrunner test` of every bundled lab in one language (the engine must be a sandbox).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def labrunner() -> list[str]:
    installed = shutil.which("labrunner") or str(ROOT / ".venv" / "bin" / "labrunner")
    return [installed] if os.path.exists(installed) else [sys.executable, "-m", "runner"]


def timed(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, cwd=ROOT)
    return time.perf_counter() - started


def median_of(runs: int, command: list[str], before=None, env=None) -> float:
    samples = []
    for _ in range(runs):
        if before:
            before()
        samples.append(timed(command, env))
    return statistics.median(samples)


def plain_script(lab_id: str, docker_root: str, work_dir: str, url: str) -> str:
    """The lab's own commands (setup, steps, cleanup) as one `bash -e` script."""
    from runner.lab.loader import load_lab, resolve_lab
    from runner.lab.variables import substitute

    path = resolve_lab(lab_id)
    lab = load_lab(path)
    values = {"docker_root": docker_root, "work_dir": work_dir, "lab_dir": str(path.parent),
              "lang": "en", "engine_kind": "linux", "docker_host": url}
    values |= {k: substitute(v, values) for k, v in lab.variables.items()}
    commands = [*lab.setup, *(c for s in lab.steps for c in s.commands), *lab.cleanup]
    return "set -e\n" + "\n".join(substitute(c, values, quote=True) for c in commands) + "\n"


def engine_url(option: str | None) -> str:
    if option:
        return option
    from runner.sandbox import Sandbox

    return Sandbox().up().docker_host


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engine")
    args = parser.parse_args()
    cli = labrunner()
    print(f"labrunner --version: {median_of(args.runs, [*cli, '--version']):.3f} s (median)")
    print(f"labrunner validate (all labs): {median_of(args.runs, [*cli, 'validate']):.3f} s")

    url = engine_url(args.engine)
    env = dict(os.environ, DOCKER_HOST=url)
    from runner.engines.endpoint import engine_info

    docker_root = engine_info(url)["DockerRootDir"]
    forget_image = lambda: subprocess.run(["docker", "rmi", "-f", "nginx"], env=env,  # noqa: E731
                                          capture_output=True)
    with tempfile.TemporaryDirectory() as work:
        script = Path(work) / "lab.sh"
        script.write_text(plain_script("inspect-overlay2", docker_root, work, url))
        bare = median_of(args.runs, ["bash", "-e", str(script)], forget_image, env)
        lab = median_of(args.runs, [*cli, "run", "inspect-overlay2", "--auto", "--reporter",
                                    "plain", "--engine", url, "--workdir", work],
                        forget_image, env)
    print(f"inspect-overlay2 --auto: {lab:.3f} s; plain bash -e: {bare:.3f} s; "
          f"ratio {lab / bare:.2f}x (median of {args.runs})")
    # The engine must be a labrunner sandbox: the self-test empties it before each lab.
    selftest = median_of(max(1, args.runs // 2), [*cli, "test", "--in", "en", "--engine", url])
    print(f"labrunner test, every bundled lab in one language: {selftest:.2f} s (median)")


if __name__ == "__main__":
    main()

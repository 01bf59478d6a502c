#!/usr/bin/env python3
"""Speed figures per sandbox flavour, for the closing notes (medians; never a pass/fail test).

  python bench/flavours.py [--flavours overlay2,containerd,rootless,podman] [--runs 3]

For each flavour, in a fresh state folder of its own:
1. `sandbox up` cold (the stand-ins built into an empty registry cache) and warm (the same
   cache, `LABRUNNER_SANDBOX_CACHE`), then `down` — medians of --runs;
2. `labrunner test` of every bundled lab in one language, on the warm engine;
3. `labrunner where www` (a running container, then the same stopped): median of 9, the
   whole command (Python start included) and the lookup alone, in process.
The engine packages of the containerd and rootless flavours are fetched once before
(their cache is ~/.cache/labrunner/engines), not counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LABRUNNER = str(ROOT / ".venv" / "bin" / "labrunner")


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def sandbox(command: str, flavour: str, state: Path, env: dict[str, str]) -> float:
    return timed([LABRUNNER, "sandbox", command, "--flavour", flavour],
                 dict(env, LABRUNNER_SANDBOX_DIR=str(state)))


def bench_flavour(flavour: str, runs: int) -> dict[str, float]:
    base = Path(tempfile.mkdtemp(prefix="lrb-"))
    env = dict(os.environ, LABRUNNER_SANDBOX_CACHE=str(base / "cache"))
    state = base / "s"
    cold, warm = [], []
    for run in range(runs):
        cache = base / f"cache{run}"
        cold_env = dict(env, LABRUNNER_SANDBOX_CACHE=str(cache))
        cold.append(sandbox("up", flavour, state, cold_env))
        sandbox("down", flavour, state, cold_env)
        warm.append(sandbox("up", flavour, state, cold_env))
        if run < runs - 1:
            sandbox("down", flavour, state, cold_env)
    figures = {"up_cold": statistics.median(cold), "up_warm": statistics.median(warm)}
    figures.update(_on_engine(flavour, state, cold_env))
    figures["down"] = sandbox("down", flavour, state, cold_env)
    return figures


def _on_engine(flavour: str, state: Path, env: dict[str, str]) -> dict[str, float]:
    from runner.sandbox import Sandbox

    url = Sandbox(_state_dir(state, flavour), flavour=flavour).docker_host
    docker_env = dict(env, DOCKER_HOST=url)
    figures = {"test_all_labs_en": timed([LABRUNNER, "test", "--in", "en", "--engine", url],
                                         docker_env)}
    subprocess.run(["docker", "run", "-d", "--name", "www", "nginx"], env=docker_env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["docker", "exec", "www", "touch", "/MYFILE"], env=docker_env, check=True)
    figures["where_running"] = _where(url, docker_env)
    figures["lookup_running"] = _lookup(url)
    subprocess.run(["docker", "stop", "-t", "1", "www"], env=docker_env, check=True,
                   stdout=subprocess.DEVNULL)
    figures["where_stopped"] = _where(url, docker_env)
    figures["lookup_stopped"] = _lookup(url)
    subprocess.run(["docker", "rm", "-f", "www"], env=docker_env, stdout=subprocess.DEVNULL)
    return figures


def _state_dir(state: Path, flavour: str) -> Path:
    return state if flavour == "overlay2" else Path(f"{state}-{flavour}")


def _where(url: str, env: dict[str, str]) -> float:
    return statistics.median(timed([LABRUNNER, "where", "www", "--engine", url], env)
                             for _ in range(9))


def _lookup(url: str) -> float:
    from runner.engines.connect import profile_at
    from runner.engines.sdk import client
    from runner.messages import msg
    from runner.storage.locate import container_layer

    profile = profile_at(url, msg("engine.source_sandbox"))
    details = client(url).api.inspect_container("www")
    times = []
    for _ in range(9):
        started = time.perf_counter()
        container_layer(details, profile)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flavours", default="overlay2,containerd,rootless,podman")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for flavour in args.flavours.split(","):
        figures = bench_flavour(flavour, args.runs)
        print(flavour, " ".join(f"{key}={_shown(value)}" for key, value in figures.items()),
              flush=True)


def _shown(seconds: float) -> str:
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f}µs"
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.2f}s"


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Speed figures for the closing notes: medians of several runs, never a pass/fail test.

  python bench/bench.py [--runs 5] [--engine URL] [--source DIR] [--no-selftest] [--as-is]

Each figure is a median of wall time and of CPU time (user + sys of the whole process tree,
from `getrusage(RUSAGE_CHILDREN)` deltas), printed beside its target:
1. `labrunner --version` cold start;
2. `labrunner validate` of every bundled lab;
3. the whole inspect-overlay2 lab with --auto against the same commands in a plain `bash -e`
   script on the same engine. The two run as interleaved pairs (which one goes first
   alternates), each without the nginx image so both really pull; the figures are the
   median ratio of wall times and the median extra CPU of labrunner over bash;
4. `labrunner test` of every bundled lab in one language (the engine must be a sandbox).

Each series starts with one unmeasured run. Without --engine the sandbox engine is started
(and left up). --source DIR runs the labrunner found in DIR (e.g. a `git archive` of an older
commit), to compare before/after. PYTHONDONTWRITEBYTECODE is dropped for the measured commands
(a user's Python caches bytecode) unless --as-is.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"version": 0.05, "validate": 0.3, "ratio": 1.15, "extra_cpu": 0.25}


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + sys seconds of the child and every process it waited for


def labrunner() -> list[str]:
    installed = shutil.which("labrunner") or str(ROOT / ".venv" / "bin" / "labrunner")
    return [installed] if os.path.exists(installed) else [sys.executable, "-m", "runner"]


def measured(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> Sample:
    """Run `command` (it must succeed) and return its wall and CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, cwd=cwd)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(wall, cpu)


def medians(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.wall for s in samples),
                  statistics.median(s.cpu for s in samples))


def repeated(runs: int, command: list[str], env: dict | None = None) -> Sample:
    return medians([measured(command, env) for _ in range(runs)])


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


def paired(runs: int, lab: list[str], bare: list[str], before, env: dict, cwd: Path
           ) -> tuple[list[Sample], list[Sample]]:
    """Interleaved runs of the lab and its bare script; who goes first alternates, so a
    machine that slows down or warms up over time weighs on both alike."""
    lab_samples, bare_samples = [], []
    for index in range(runs):
        order = [(lab, lab_samples), (bare, bare_samples)]
        for command, samples in order if index % 2 == 0 else reversed(order):
            before()
            samples.append(measured(command, env, cwd))
    return lab_samples, bare_samples


def show(name: str, sample: Sample, target: float) -> None:
    verdict = "ok" if sample.wall <= target else "over"
    print(f"{name:32} wall {sample.wall:6.3f} s  cpu {sample.cpu:6.3f} s  "
          f"(target wall ≤ {target} s: {verdict})")


def show_lab(lab_samples: list[Sample], bare_samples: list[Sample]) -> None:
    lab, bare = medians(lab_samples), medians(bare_samples)
    pairs = list(zip(lab_samples, bare_samples, strict=True))
    ratio = statistics.median(a.wall / b.wall for a, b in pairs)
    extra = statistics.median(a.cpu - b.cpu for a, b in pairs)
    print(f"{'inspect-overlay2 --auto':32} wall {lab.wall:6.3f} s  cpu {lab.cpu:6.3f} s")
    print(f"{'same commands in bash -e':32} wall {bare.wall:6.3f} s  cpu {bare.cpu:6.3f} s")
    print(f"{'  ratio (median of pairs)':32} {ratio:.2f}x  (target ≤ {TARGETS['ratio']}x: "
          f"{'ok' if ratio <= TARGETS['ratio'] else 'over'})")
    print(f"{'  extra CPU (median of pairs)':32} {extra:.3f} s  (target ≤ "
          f"{TARGETS['extra_cpu']} s: {'ok' if extra <= TARGETS['extra_cpu'] else 'over'})")
    print("  pairs (lab/bash wall, lab/bash cpu): " + "; ".join(
        f"{a.wall:.2f}/{b.wall:.2f} {a.cpu:.2f}/{b.cpu:.2f}"
        for a, b in pairs))


def measured_environment(as_is: bool) -> dict:
    """Our environment, less PYTHONDONTWRITEBYTECODE unless `as_is`: a user's Python caches
    bytecode; with the variable set (as in some sandboxes) labrunner compiles its ~70 modules
    at every start, 25-40 ms that say nothing of labrunner itself."""
    env = dict(os.environ)
    if not as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def own_time(runs: int, lab_args: list[str], before, env: dict, cwd: Path) -> float:
    """Median of labrunner's own wall time in the lab: the whole run less its commands."""
    samples = []
    with tempfile.NamedTemporaryFile() as spent_file:
        timed_env = dict(env, LABRUNNER_BENCH_SPENT=spent_file.name)
        for _ in range(runs):
            before()
            sample = measured([sys.executable, str(ROOT / "bench" / "timed_run.py"), *lab_args],
                              timed_env, cwd)
            samples.append(sample.wall - float(Path(spent_file.name).read_text()))
    return statistics.median(samples)


def bench_lab(runs: int, cli: list[str], url: str, env: dict) -> None:
    from runner.engines.endpoint import engine_info

    docker_root = engine_info(url)["DockerRootDir"]
    forget_image = lambda: subprocess.run(["docker", "rmi", "-f", "nginx"], env=env,  # noqa: E731
                                          capture_output=True)
    with tempfile.TemporaryDirectory() as work:
        script = Path(work) / "lab.sh"
        script.write_text(plain_script("inspect-overlay2", docker_root, work, url))
        lab_args = ["run", "inspect-overlay2", "--auto", "--reporter", "plain", "--engine", url,
                    "--workdir", work]
        measured([*cli, *lab_args], env, Path(work))  # warm-up: the lab's kept images pulled
        show_lab(*paired(runs, [*cli, *lab_args], ["bash", "-e", str(script)], forget_image,
                         env, Path(work)))
        own = own_time(runs, lab_args, forget_image, env, Path(work))
        print(f"{'  labrunner own time':32} {own:.3f} s  (the run's wall less its commands': "
              "steadier than the ratio on a busy machine)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engine")
    parser.add_argument("--source", type=Path, help="run the labrunner of this source tree")
    parser.add_argument("--no-selftest", action="store_true")
    parser.add_argument("--as-is", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE if set (every start then compiles)")
    args = parser.parse_args()
    cli = labrunner()
    env = measured_environment(args.as_is)
    if args.source:
        env["PYTHONPATH"] = str(args.source.resolve())
        sys.path.insert(0, env["PYTHONPATH"])  # its loader and labs write the bash script too
    print(f"medians of {args.runs} runs after one warm-up; source: {args.source or ROOT}; "
          f"bytecode cache: {'off' if env.get('PYTHONDONTWRITEBYTECODE') else 'on'}")
    measured([*cli, "validate"], env)  # warm-up: writes the bytecode cache
    show("labrunner --version", repeated(args.runs, [*cli, "--version"], env),
         TARGETS["version"])
    show("labrunner validate (all labs)", repeated(args.runs, [*cli, "validate"], env),
         TARGETS["validate"])
    url = engine_url(args.engine)
    env["DOCKER_HOST"] = url
    bench_lab(args.runs, cli, url, env)
    if not args.no_selftest:
        # The engine must be a labrunner sandbox: the self-test empties it before each lab.
        selftest = repeated(max(1, args.runs // 2), [*cli, "test", "--in", "en", "--engine", url],
                            env)
        print(f"{'labrunner test, all labs, en':32} wall {selftest.wall:6.2f} s  "
              f"cpu {selftest.cpu:6.2f} s")


if __name__ == "__main__":
    main()

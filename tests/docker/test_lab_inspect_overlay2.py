"""The whole inspect-overlay2 lab, through the real CLI, on the sandbox engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "labs" / "inspect-overlay2.yaml"
ANSI = re.compile(r"\x1b\[")
STEPS = len(yaml.safe_load(LAB.read_text(encoding="utf-8"))["steps"])


def run_lab(lab: str | Path, engine: str, work_dir: Path,
            *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "runner", "run", str(lab), "--auto", "--reporter", "plain",
               "--engine", engine, "--workdir", str(work_dir), *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Pull the nginx image", "PASS container www is running",
            f"All {STEPS} steps passed"]),
    ("fr", ["Récupérer l'image nginx", "PASS le conteneur www est en cours d'exécution",
            f"Les {STEPS} étapes sont réussies"]),
])
def test_whole_lab_passes_in_both_languages(sandbox_engine, clean_engine, tmp_path, lang, words):
    done = run_lab("inspect-overlay2", sandbox_engine.docker_host, tmp_path, "--lang", lang)
    assert done.returncode == 0, done.stdout + done.stderr
    for word in words:
        assert word in done.stdout
    assert "FAIL" not in done.stdout and not ANSI.search(done.stdout)
    # The file really was found in the layer folder under this engine's own Docker root.
    assert f"{sandbox_engine.docker_root}/overlay2/" in done.stdout
    assert "/diff/MYFILE" in done.stdout and "/merged/MYFILE" in done.stdout


def test_a_wrong_expectation_fails_with_expected_and_actual(sandbox_engine, clean_engine,
                                                            tmp_path):
    lab = yaml.safe_load(LAB.read_text(encoding="utf-8"))
    stop = next(step for step in lab["steps"] if step["id"] == "stop")
    stop["checks"][0]["state"] = "running"  # wrong on purpose: www has just been stopped
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(lab, allow_unicode=True), encoding="utf-8")
    done = run_lab(broken, sandbox_engine.docker_host, tmp_path / "work")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL container www is running" in done.stdout
    assert re.search(r"expected: running\n\s+actual:\s+exited", done.stdout), done.stdout
    assert f"1 of {STEPS} steps failed" in done.stdout


def test_cleanup_runs_after_a_failed_step(sandbox_engine, clean_engine, docker_env, tmp_path):
    lab = yaml.safe_load(LAB.read_text(encoding="utf-8"))
    # pull and run, then stop: www is left running
    lab["steps"] = [step for step in lab["steps"] if step["id"] in ("pull", "run")]
    lab["steps"][1]["checks"].append({"type": "image", "name": "nope:latest"})
    short = tmp_path / "short.yaml"
    short.write_text(yaml.safe_dump(lab, allow_unicode=True), encoding="utf-8")
    done = run_lab(short, sandbox_engine.docker_host, tmp_path / "work")
    assert done.returncode == 1
    assert "PASS container www is running" in done.stdout, "www must have run for this test"
    listed = subprocess.run(["docker", "ps", "-aq", "--filter", "name=^www$"], env=docker_env,
                            capture_output=True, text=True, check=True)
    assert listed.stdout.strip() == "", "cleanup should have removed www"


def test_setup_refuses_to_take_over_an_existing_container(sandbox_engine, clean_engine,
                                                          docker_env, tmp_path):
    subprocess.run(["docker", "pull", "-q", "nginx"], env=docker_env, check=True,
                   capture_output=True)
    subprocess.run(["docker", "run", "-d", "--name", "www", "nginx"], env=docker_env,
                   check=True, capture_output=True)
    done = run_lab("inspect-overlay2", sandbox_engine.docker_host, tmp_path)
    assert done.returncode == 1
    assert "already exists" in done.stdout
    state = subprocess.run(["docker", "inspect", "-f", "{{.State.Status}}", "www"],
                           env=docker_env, capture_output=True, text=True, check=True)
    assert state.stdout.strip() == "running", "the student's own www must be left alone"

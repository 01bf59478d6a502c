"""The what-changed panel on the sandbox engine: inspect-overlay2 through the plain reporter."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_lab(engine: str, work_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "runner", "run", "inspect-overlay2", "--auto",
               "--reporter", "plain", "--engine", engine, "--workdir", str(work_dir), *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          stdin=subprocess.DEVNULL)


def panel_after(step_title: str, text: str) -> str:
    """The panel that ends the step titled `step_title` (up to the next step's header)."""
    step = text.split(step_title, 1)[1].split("\n[", 1)[0]
    return step.split("What changed:", 1)[1] if "What changed:" in step else ""


def test_the_touch_step_shows_the_file_the_writable_layer_gained_with_its_host_path(
        sandbox_engine, clean_engine, tmp_path):
    done = run_lab(sandbox_engine.docker_host, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    root = re.escape(sandbox_engine.docker_root)
    touched = panel_after("Create MYFILE inside the container", done.stdout)
    assert re.search(rf"www's writable layer gained /MYFILE \(host: {root}/overlay2/[0-9a-f]+"
                     r"/diff/MYFILE\)", touched), done.stdout
    # The host path is the real file: the container's layer, on this machine.
    host = re.search(r"\(host: (\S+)\)", touched).group(1)
    assert host.endswith("/diff/MYFILE")
    run = panel_after("Run the container www in the background", done.stdout)
    assert "container www created and started" in run
    pulled = panel_after("Pull the nginx image", done.stdout)
    assert re.search(r"image nginx:latest added \(\d+ layers?\)", pulled), done.stdout
    assert "container www stopped" in panel_after("Stop www: the layer stays", done.stdout)
    assert "container www removed" in panel_after("Remove www: the layer is gone", done.stdout)
    # A step that changes nothing on the engine shows no panel.
    assert panel_after("Read the image's metadata: docker image inspect", done.stdout) == ""


def test_the_panel_in_french(sandbox_engine, clean_engine, tmp_path):
    done = run_lab(sandbox_engine.docker_host, tmp_path, "--lang", "fr")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"la couche en lecture-écriture du conteneur www a gagné /MYFILE "
                     r"\(sur l'hôte : \S+/diff/MYFILE\)", done.stdout), done.stdout


def test_no_diff_turns_the_panel_off(sandbox_engine, clean_engine, tmp_path):
    done = run_lab(sandbox_engine.docker_host, tmp_path, "--no-diff")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "What changed" not in done.stdout and "writable layer gained" not in done.stdout
    assert "PASS container www is running" in done.stdout  # the run itself is the same

"""The CLI's contract: exit codes and one clear line for bad input, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    import os

    environ = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "LABRUNNER_LANG")}
    return subprocess.run([sys.executable, "-m", "runner", *args], capture_output=True,
                          text=True, cwd=ROOT, env=environ | env, stdin=subprocess.DEVNULL,
                          timeout=60)


def test_version():
    from runner import __version__

    done = cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"labrunner {__version__}"


def test_list_in_both_languages():
    assert "Inspecting images" in cli("list", "--lang", "en").stdout
    assert "Inspection d'images" in cli("list", "--lang", "fr").stdout
    assert "Inspection d'images" in cli("list", LANG="fr_FR.UTF-8").stdout


def test_validate_bundled_labs():
    done = cli("validate")
    assert done.returncode == 0 and "inspect-overlay2.yaml" in done.stdout


def test_validate_bad_file_gives_file_line_col_and_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: {fr: a, en: b}\nsteps:\n  - id: s\n    titel: {fr: a, en: b}\n")
    done = cli("validate", str(bad), "--lang", "fr")
    assert done.returncode == 2
    assert f"{bad}:5:5: clé inconnue 'titel'" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_refuses_a_bad_lab_before_touching_docker(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    done = cli("run", str(bad), "--auto", "--engine", "unix:///nonexistent/docker.sock")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_unknown_lab_id_is_exit_2_listing_the_bundled_labs():
    done = cli("run", "no-such-lab", "--auto")
    assert done.returncode == 2 and "inspect-overlay2" in done.stderr


def test_an_unreachable_configured_engine_is_exit_3_naming_it():
    done = cli("run", "inspect-overlay2", "--auto", DOCKER_HOST="unix:///nonexistent/d.sock")
    assert done.returncode == 3
    assert "unix:///nonexistent/d.sock" in done.stderr and "DOCKER_HOST" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_self_test_names_a_silent_engine_and_exits_3(tmp_path, capsys):
    from runner.cli import main
    from runner.lab.loader import bundled_labs

    lab = next(path for path in bundled_labs() if path.stem == "image-layers")
    code = main(["test", str(lab), "--engine", f"unix://{tmp_path}/nothing.sock"])
    err = capsys.readouterr().err
    assert code == 3 and "no Docker engine answers" in err and "given with --engine" in err

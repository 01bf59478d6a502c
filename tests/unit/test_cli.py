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


# --- the language: decided once by the CLI, passed to everything that shows text ------------------

def bad_lab(tmp_path: Path) -> Path:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: {fr: a, en: b}\nsteps:\n  - id: s\n    titel: {fr: a, en: b}\n")
    return bad


def test_lang_before_the_subcommand_gives_french_errors(tmp_path):
    bad = bad_lab(tmp_path)
    done = cli("--lang", "fr", "validate", str(bad))
    assert done.returncode == 2
    assert f"{bad}:5:5: clé inconnue 'titel'" in done.stderr
    assert "1 fichier de lab sur 1 contient des erreurs" in done.stderr


def test_labrunner_lang_gives_french_errors_and_the_option_beats_it(tmp_path):
    bad = bad_lab(tmp_path)
    french = cli("validate", str(bad), LABRUNNER_LANG="fr", LANG="en_US.UTF-8")
    assert french.returncode == 2 and f"{bad}:5:5: clé inconnue 'titel'" in french.stderr
    english = cli("validate", str(bad), "--lang", "en", LABRUNNER_LANG="fr")
    assert f"{bad}:5:5: unknown key 'titel'" in english.stderr


def test_the_help_of_a_subcommand_is_in_french_under_lang_fr():
    done = cli("--lang", "fr", "validate", "--help")
    assert done.returncode == 0
    assert "vérifier des fichiers de lab selon le format" in done.stdout
    assert "fichiers de lab, dossiers de labs ou identifiants" in done.stdout
    assert "check lab files" not in done.stdout


def test_one_run_leaves_no_language_behind_for_the_next(tmp_path, capsys, monkeypatch):
    """The language lives in `args`, not in a module: a French call does not make the next
    call, in the same process, French."""
    from runner.cli import main

    for name in ("LABRUNNER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    bad = bad_lab(tmp_path)
    assert main(["--lang", "fr", "validate", str(bad)]) == 2
    assert "clé inconnue 'titel'" in capsys.readouterr().err
    assert main(["validate", str(bad)]) == 2
    assert "unknown key 'titel'" in capsys.readouterr().err


def test_version_reads_no_catalog(capsys, monkeypatch):
    from runner import __version__, i18n
    from runner.cli import main

    def no_catalog(language: str) -> dict[str, str]:
        raise AssertionError(f"--version read the {language} catalog")

    monkeypatch.setattr(i18n, "catalog", no_catalog)
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"labrunner {__version__}"


def test_a_reader_that_goes_away_is_no_traceback():
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # `labrunner list | head -0`: nobody reads
    try:
        done = subprocess.run([sys.executable, "-m", "runner", "list"], stdout=write_end,
                              stderr=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr

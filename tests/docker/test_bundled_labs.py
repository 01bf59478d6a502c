"""Every bundled lab passes `labrunner test` in every language, on the real sandbox engine:
setup runs, each check is false before its step and true after, cleanup leaves only keeps."""

from __future__ import annotations

import pytest

from runner.cli import main
from runner.i18n import LANGUAGES
from runner.lab.loader import bundled_labs

LABS = [path.stem for path in bundled_labs()]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("lab", LABS)
def test_a_bundled_lab_passes_its_self_test(lab, language, sandbox_engine, clean_engine,
                                            capsys):
    code = main(["test", lab, "--in", language, "--engine", sandbox_engine.docker_host])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "1 passed, 0 failed" in out and f"PASS {lab} ({language})" in out

"""Every bundled lab passes its self-test, in every language, on every engine the sandbox can
start (the README's engine table: runner/lab/engine_table.py), and each engine runs exactly
the steps the table says adapted or skipped. A flavour that cannot start fails in CI."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from runner.engines.connect import profile_at
from runner.engines.endpoint import docker_client
from runner.engines.tags import engine_tags
from runner.i18n import LANGUAGES
from runner.lab.engine_table import COLUMNS, lab_on_engine
from runner.lab.loader import bundled_labs, load_lab
from runner.messages import msg
from runner.report.selftest_text import verdict_lines
from runner.run.selftest import SelfTest

COLUMN_OF = {column.flavour: column for column in COLUMNS if column.flavour}
LABS = bundled_labs()


@pytest.fixture(scope="module", params=list(COLUMN_OF))
def flavour_profile(request, flavour_engines) -> Iterator[tuple[str, object]]:
    """(flavour, profile): that flavour's engine, shared with the session's other modules."""
    info = flavour_engines(request.param)
    yield request.param, profile_at(info.docker_host, msg("engine.source_sandbox"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", LABS, ids=[path.stem for path in LABS])
def test_a_bundled_lab_passes_on_every_flavour(path, language, flavour_profile, tmp_path):
    flavour, profile = flavour_profile
    column = COLUMN_OF[flavour]
    assert engine_tags(profile) == column.names, "the README's engine table names it wrongly"
    assert profile.sandbox, "every flavour is known as a sandbox (label or socket mark)"
    lab = load_lab(path, lambda notice: None)
    verdict = SelfTest(lab, path, language, profile, lambda: docker_client(profile.endpoint),
                       tmp_path / "work", dict(os.environ)).run()
    assert verdict.passed, "\n".join(verdict_lines(verdict, "en"))
    expected = lab_on_engine(lab, column.names)
    assert [(s.step_id, s.variant) for s in verdict.steps if s.variant] == list(
        expected.adapted)
    assert [s.step_id for s in verdict.steps if not s.applies] == [
        step for step, _ in expected.skipped]

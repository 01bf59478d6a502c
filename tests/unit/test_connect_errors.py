"""When no engine answers, `connect` raises an error that names the endpoint and why, in
whatever language the CLI shows it: its parameters are messages, not text translated early."""

from __future__ import annotations

import pytest

from runner.engines import connect as connect_module
from runner.errors import EngineUnreachable
from runner.i18n import t
from runner.sandbox import Sandbox


def unreachable(option: str | None, environ: dict[str, str]) -> EngineUnreachable:
    with pytest.raises(EngineUnreachable) as raised:
        connect_module.connect(option, environ, notify=lambda message: None)
    return raised.value


def test_the_source_of_a_silent_configured_engine_reads_in_each_language(tmp_path):
    error = unreachable(None, {"DOCKER_HOST": f"unix://{tmp_path}/silent.sock",
                               "HOME": str(tmp_path)})
    assert f"unix://{tmp_path}/silent.sock (from the DOCKER_HOST variable)" in error.message("en")
    assert "(venant de la variable DOCKER_HOST)" in error.message("fr")


def test_why_the_sandbox_cannot_start_reads_in_each_language(tmp_path, monkeypatch):
    monkeypatch.setattr(connect_module, "engine_info", lambda url: None)
    monkeypatch.setattr(Sandbox, "can_start", staticmethod(lambda: "sandbox.needs_root"))
    monkeypatch.setattr(Sandbox, "is_running", lambda self: False)
    error = unreachable(None, {"HOME": str(tmp_path)})
    assert error.key == "engine.unreachable_default"
    for language in ("en", "fr"):
        assert t("sandbox.needs_root", language) in error.message(language)
    assert t("sandbox.needs_root", "fr") != t("sandbox.needs_root", "en")

"""Reporters render engine events as text a student can read, in both languages."""

from __future__ import annotations

import io

from rich.console import Console

from runner.checks.base import CheckOutcome, Problem
from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.messages import msg
from runner.report.console import RichReporter
from runner.report.plain import PlainReporter
from runner.run import events as ev
from runner.shell.session import CommandResult

LAB = Lab.model_validate({
    "id": "demo", "title": {"fr": "Démo", "en": "Demo"},
    "objectives": [{"fr": "Apprendre", "en": "Learn"}],
    "steps": [{"id": "one", "title": {"fr": "Un", "en": "One"},
               "explain": {"fr": "Le **pull**", "en": "The **pull**"}, "run": "echo hi"}],
})
STEP = LAB.steps[0]
PROFILE = EngineProfile("linux", "unix:///s.sock", "/data", "overlay2", "20.10", True)
FAILED = CheckOutcome("fail", msg("check.container_running", name="www"),
                      (Problem(msg("check.container_state"), "running", "exited"),))


def events():
    result = CommandResult("echo hi", 0, "hi\n", False, 0.01)
    return [
        ev.LabStarted(LAB, "en", PROFILE, "/tmp/w"),
        ev.StepStarted(STEP, 1, 1),
        ev.CommandStarted(STEP, "docker pull nginx"),
        ev.CommandOutput("abc: Downloading \x1b[1m50%\x1b[0m\rabc: Pull complete\nDig"),
        ev.CommandOutput("est: sha256:1\n"),
        ev.CommandFinished(STEP, result),
        ev.CheckEvaluated(STEP, None, FAILED),
        ev.StepFinished(STEP, False),
        ev.LabFinished(LAB, "failed", (ev.StepSummary("one", "One", "failed", 0, 1, 0),), 1.5),
    ]


def render_plain(language: str) -> str:
    stream = io.StringIO()
    reporter = PlainReporter(stream, language)
    for event in events():
        reporter.on_event(event)
    return stream.getvalue()


def test_plain_is_free_of_escape_codes_and_collapses_progress():
    text = render_plain("en")
    assert "\x1b" not in text and "\r" not in text
    assert "abc: Pull complete\nDigest: sha256:1\n" in text
    assert "Downloading" not in text


def test_plain_shows_expected_and_actual_and_summary_in_english():
    text = render_plain("en")
    assert "FAIL container www is running" in text
    assert "expected: running" in text and "actual:   exited" in text
    assert "1 of 1 steps failed" in text
    assert "== Demo (demo) ==" in text and "The **pull**" in text


def test_plain_in_french():
    text = render_plain("fr")
    assert "le conteneur www est en cours d'exécution" in text
    assert "attendu : running" in text or "attendu: running" in text
    assert "Bilan" in text and "Démo" in text


def test_rich_renders_markdown_panels_and_summary_table():
    stream = io.StringIO()
    reporter = RichReporter(stream, "en", Console(file=stream, width=80, color_system=None))
    for event in events():
        reporter.on_event(event)
    text = stream.getvalue()
    assert "Demo" in text and "Learn" in text
    assert "The pull" in text  # Markdown bold rendered, not shown as **pull**
    assert "✘ container www is running" in text
    assert "Summary" in text and "FAILED" in text


def test_summary_does_not_call_a_skipped_step_passed():
    from runner.report.text import summary_line

    steps = (ev.StepSummary("one", "One", "passed", 1), ev.StepSummary("two", "Two", "skipped"))
    event = ev.LabFinished(LAB, "passed", steps, 0.1)
    text = summary_line(event, {"passed": 1, "skipped": 1}, "en")
    assert text.startswith("No step failed: 1 of 2 steps passed, 1 skipped")

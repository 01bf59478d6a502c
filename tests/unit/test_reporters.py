"""Reporters render engine events as text a student can read, in both languages."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from runner.checks.base import CheckOutcome, Problem
from runner.engines.profile import EngineProfile
from runner.i18n import LANGUAGES, t
from runner.lab.model import Lab
from runner.messages import msg
from runner.report import console, plain
from runner.report.base import status_counts
from runner.report.console import RichReporter
from runner.report.json_report import JsonReport
from runner.report.plain import PlainReporter
from runner.report.selftest_text import verdict_lines
from runner.report.text import summary_line
from runner.run import events as ev
from runner.run.selftest import LabVerdict, Recorder, StepVerdict
from runner.run.status import CheckStatus, LabStatus, StepStatus
from runner.shell.session import CommandResult

LAB = Lab.model_validate({
    "format": 2, "id": "demo", "title": {"fr": "Démo", "en": "Demo"},
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
        ev.LabFinished(LAB, LabStatus.FAILED,
                       (ev.StepSummary("one", "One", StepStatus.FAILED, 0, 1, 0),), 1.5),
    ]


def render_plain(language: str, sequence=None) -> str:
    stream = io.StringIO()
    reporter = PlainReporter(stream, language)
    for event in events() if sequence is None else sequence:
        reporter.on_event(event)
    return stream.getvalue()


def render_rich(language: str, sequence) -> str:
    """Rendered at 80 columns, then unwrapped and the table's column bars dropped: a sentence
    may span two lines, a row reads `cell cell cell`."""
    stream = io.StringIO()
    reporter = RichReporter(stream, language, Console(file=stream, width=80, color_system=None))
    for event in sequence:
        reporter.on_event(event)
    return " ".join(stream.getvalue().replace("│", " ").split())


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

    steps = (ev.StepSummary("one", "One", StepStatus.PASSED, 1),
             ev.StepSummary("two", "Two", StepStatus.SKIPPED))
    event = ev.LabFinished(LAB, LabStatus.PASSED, steps, 0.1)
    text = summary_line(event, status_counts(steps), "en")
    assert text.startswith("No step failed: 1 of 2 steps passed, 1 skipped")


# --- every member of every status enum has its rendering -------------------------------------

ONE_OF_EACH = tuple(ev.StepSummary(status.value, f"Step {status}", status) for status in StepStatus)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_step_status_has_its_word_in_the_summary(language, tmp_path):
    finished = ev.LabFinished(LAB, LabStatus.FAILED, ONE_OF_EACH, 3.0)
    rich, text = render_rich(language, [finished]), render_plain(language, [finished])
    report = tmp_path / "report.json"
    JsonReport(report, language).on_event(finished)
    written = json.loads(report.read_text(encoding="utf-8"))["steps"]
    for status in StepStatus:
        word = t(f"report.status_{status}", language)
        assert word != f"report.status_{status}"
        assert f"{word} {status.value}: Step {status}" in " ".join(text.split())
        assert f"{status.value}: Step {status} {word}" in rich
    assert [step["status"] for step in written] == [status.value for status in StepStatus]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", list(LabStatus))
def test_every_lab_status_has_its_closing_line(status, language):
    finished = ev.LabFinished(LAB, status, ONE_OF_EACH, 3.0)
    line = summary_line(finished, status_counts(ONE_OF_EACH), language)
    assert not line.startswith("report.") and "{" not in line
    assert line in render_plain(language, [finished])
    assert " ".join(line.split()) in render_rich(language, [finished])


@pytest.mark.parametrize("status", list(CheckStatus))
def test_every_check_status_has_its_mark(status):
    outcome = CheckOutcome(status, msg("check.container_running", name="www"))
    event = ev.CheckEvaluated(STEP, None, outcome)
    assert set(plain.MARKS) == set(console.MARKS) == set(CheckStatus)
    assert f"{plain.MARKS[status]} container www is running" in render_plain("en", [event])
    assert f"{console.MARKS[status][0]} container www is running" in render_rich("en", [event])


@pytest.mark.parametrize("status", list(StepStatus))
def test_the_self_test_names_every_step_status(status):
    verdict = LabVerdict("demo", "fr", steps=[StepVerdict("one", status)])
    assert t(f"report.status_{status}", "fr") in verdict_lines(verdict, "fr")[1]


def test_a_self_test_problem_reads_in_the_language_it_is_shown_in_not_the_labs():
    """The lab ran in French; the verdict is kept as keys, so it reads in the reader's
    language, down to the failed check's details."""
    verdict = LabVerdict("demo", "fr")
    recorder = Recorder(verdict, "fr")
    recorder.on_event(ev.CheckEvaluated(STEP, None, FAILED))
    recorder.on_event(ev.LabFinished(LAB, LabStatus.FAILED,
                                     (ev.StepSummary("one", "Un", StepStatus.FAILED),), 1.0))
    english, french = ("\n".join(verdict_lines(verdict, language)) for language in ("en", "fr"))
    assert "container www is running (container state: running ≠ exited)" in english
    assert ("le conteneur www est en cours d'exécution (état du conteneur : running (en cours "
            "d'exécution) ≠ exited (arrêté))" in french)


def test_a_prompt_stays_on_the_line_where_the_answer_is_typed():
    prompt = ev.PromptShown("Next:\n  $ docker ps --format '[{{.Names}}]'\nEnter: run > ")
    assert render_plain("en", [prompt]).endswith("\nEnter: run > ")
    stream = io.StringIO()
    RichReporter(stream, "en", Console(file=stream, width=80)).on_event(prompt)
    assert stream.getvalue().endswith("\nEnter: run > ")  # no newline, nothing styled
    assert "[{{.Names}}]" in stream.getvalue()  # brackets are text, not rich markup

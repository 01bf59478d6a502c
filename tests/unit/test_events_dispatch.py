"""Every event reaches every reporter through its declared table: handled or ignored on
purpose, never dropped because a name changed. What a person must see is printed."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass

import pytest
from rich.console import Console

from runner.checks.base import CheckOutcome, Problem
from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.lab.types import LocalizedText
from runner.messages import msg
from runner.report import Fanout
from runner.report.base import Reporter, UnhandledEvent
from runner.report.console import RichReporter
from runner.report.json_report import JsonReport
from runner.report.plain import PlainReporter
from runner.run import events as ev
from runner.run.credit import How, TaskResult
from runner.run.selftest import LabVerdict, Recorder
from runner.run.status import LabStatus, StepStatus
from runner.shell.session import CommandResult

LAB = Lab.model_validate({
    "format": 2, "id": "demo", "title": {"fr": "Démo", "en": "Demo"},
    "objectives": [{"fr": "Apprendre", "en": "Learn"}],
    "steps": [{"id": "pull", "title": {"fr": "Récupérer", "en": "Pull"},
               "explain": {"fr": "Le **pull**", "en": "The **pull**"},
               "run": "docker pull nginx",
               "checks": [{"type": "output", "contains": "Pull complete"}]}],
})
STEP = LAB.steps[0]
CHECK = STEP.checks[0]
PROFILE = EngineProfile("linux", "unix:///var/run/docker.sock", "/var/lib/docker", "overlay2",
                        "27.3.1", True)
PULLED = CommandResult("docker pull nginx", 0, "latest: Pulling from library/nginx\n"
                       "Digest: sha256:1f2e\n", False, 2.4)
DENIED = CommandResult("docker pull nginx", 1, "Error response from daemon: denied\n", False, 0.3)
FAILED = CheckOutcome("fail", msg("check.container_running", name="www"),
                      (Problem(msg("check.container_state"), "running", "exited"),))
SUMMARY = ev.StepSummary("pull", "Pull", StepStatus.FAILED, 0, 1, 0)

SAMPLES = (
    ev.LabStarted(LAB, "en", PROFILE, "/tmp/labrunner-demo-x1"),
    ev.Notice(msg("cli.no_terminal_auto"), "warning"),
    ev.PromptShown("Enter: run · s: skip · q: quit > "),
    ev.StepStarted(STEP, 1, 2, (msg("engine.note", text="on Desktop", text_fr="sur Desktop"),)),
    ev.StepSkipped(STEP, 2, 2, msg("engine.step_skipped_by_user")),
    ev.StepReplayed(STEP, 1, 2),
    ev.CommandStarted(STEP, "docker pull nginx"),
    ev.CommandOutput("latest: Pulling from library/nginx\nDigest: sha256:1f2e\n"),
    ev.CommandFinished(STEP, PULLED),
    ev.CheckEvaluated(STEP, CHECK, FAILED),
    ev.PreCheckEvaluated(STEP, CHECK, FAILED),
    ev.StepRetried(STEP, 2, 3, DENIED),
    ev.DestructivePreview(STEP, {"containers": ["www"], "images": ["nginx:latest"]}),
    ev.TaskOpened(STEP, 1),
    ev.TaskTyped(STEP, ("docker pull nginx", "docker image ls")),
    ev.HintShown(STEP, 1, 2, LocalizedText(fr="Voyez `docker pull`", en="See `docker pull`")),
    ev.SolutionShown(STEP, ("docker pull nginx",)),
    ev.SolutionRun(STEP),
    ev.TaskGraded(STEP, TaskResult(How.SKIPPED, False, 1, 0, reason=msg("report.credit_skipped"))),
    ev.StepFinished(STEP, False),
    ev.PhaseStarted("cleanup"),
    ev.PhaseFinished("cleanup", (DENIED,)),
    ev.LabFinished(LAB, LabStatus.FAILED, (SUMMARY,), 12.5, "/tmp/labrunner-demo-x1"),
    ev.StepChanges(STEP, images_added=(("nginx:latest", 7),), containers_created=("www",),
                   files={"www": (("added", "/MYFILE", "/docker/overlay2/a/diff/MYFILE"),)}),
)
# Nothing new for a person to read: the step's end shows in its checks, a phase is quiet
# unless it fails, pre-checks are `labrunner test`'s, the output was shown as it came.
QUIET = {ev.StepFinished, ev.PhaseStarted, ev.PreCheckEvaluated, ev.CommandFinished}


def screen(kind: str) -> tuple[Reporter, io.StringIO]:
    stream = io.StringIO()
    if kind == "rich":
        return RichReporter(stream, "en", Console(file=stream, width=80)), stream
    return PlainReporter(stream, "en"), stream


def every_reporter(tmp_path) -> dict[str, object]:
    return {"rich": screen("rich")[0], "plain": screen("plain")[0],
            "json": JsonReport(tmp_path / "report.json", "en"),
            "recorder": Recorder(LabVerdict("demo", "en"), "en"),
            "fanout": Fanout(screen("plain")[0], JsonReport(tmp_path / "fanout.json", "en"))}


def test_all_events_is_derived_from_the_module():
    defined = {value for value in vars(ev).values()
               if isinstance(value, type) and issubclass(value, ev.Event) and value is not ev.Event}
    assert set(ev.ALL_EVENTS) == defined and len(ev.ALL_EVENTS) == len(defined)
    assert ev.PromptShown in ev.ALL_EVENTS and ev.StepSummary not in ev.ALL_EVENTS
    assert all(dataclasses.is_dataclass(event) and event.__dataclass_params__.frozen
               for event in ev.ALL_EVENTS)


def test_the_samples_cover_every_event_once():
    assert [type(event) for event in SAMPLES] == list(ev.ALL_EVENTS)


@pytest.mark.parametrize("kind", ["rich", "plain", "json", "recorder", "fanout"])
def test_every_event_goes_through_every_reporter(kind, tmp_path):
    reporter = every_reporter(tmp_path)[kind]
    for event in SAMPLES:
        reporter.on_event(event)  # an event neither handled nor ignored raises UnhandledEvent


@pytest.mark.parametrize("reporter", [RichReporter, PlainReporter, JsonReport, Recorder])
def test_each_table_covers_every_event_and_says_one_thing_of_each(reporter):
    assert set(reporter.handles) | reporter.ignores == set(ev.ALL_EVENTS)
    assert set(reporter.handles) & reporter.ignores == set()
    assert all(callable(handler) for handler in reporter.handles.values())


@pytest.mark.parametrize("kind", ["rich", "plain", "json", "recorder", "fanout"])
def test_an_event_no_table_mentions_fails_loudly(kind, tmp_path):
    @dataclass(frozen=True)
    class Forgotten(ev.Event):
        step_id: str

    with pytest.raises(UnhandledEvent, match="Forgotten"):
        every_reporter(tmp_path)[kind].on_event(Forgotten("pull"))


@pytest.mark.parametrize("kind", ["rich", "plain"])
@pytest.mark.parametrize("event", [e for e in SAMPLES if type(e) not in QUIET],
                         ids=lambda event: type(event).__name__)
def test_the_screen_shows_every_event_a_person_must_see(kind, event):
    reporter, stream = screen(kind)
    reporter.on_event(event)
    assert stream.getvalue().strip(), f"{kind} showed nothing for {type(event).__name__}"


def test_the_json_report_and_the_recorder_keep_what_they_heard(tmp_path):
    reporters = every_reporter(tmp_path)
    for event in SAMPLES:
        reporters["json"].on_event(event)
        reporters["recorder"].on_event(event)
    assert '"status": "failed"' in (tmp_path / "report.json").read_text(encoding="utf-8")
    verdict = reporters["recorder"].verdict
    assert [step.status for step in verdict.steps] == [StepStatus.FAILED]
    assert verdict.retries and verdict.problems  # the retry, the cleanup failure

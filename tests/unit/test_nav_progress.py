"""Progress saved after every step of an interactive run (atomic, per user, lab and engine),
offered to the next run (Enter resumes, r starts over), ignored with one line when damaged,
foreign or for an edited lab, deleted once the lab has run to its end."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.run import events as ev
from runner.run.progress import (
    Progress,
    ProgressKeeper,
    file_sha256,
    progress_path,
    read,
    save,
    this_progress,
)
from runner.run.resume import start_and_keeper
from runner.run.status import LabStatus

T = {"fr": "t", "en": "t"}
LAB = Lab.model_validate({"format": 2, "id": "demo", "title": T, "steps": [
    {"id": name, "title": {"fr": f"É{name}", "en": f"S{name}"}, "explain": T,
     "run": f"echo {name}"} for name in ("a", "b", "c", "d")]})
PROFILE = EngineProfile("linux", "unix:///x.sock", "/var/lib/docker", "overlay2", "28.5.0",
                        True, sandbox=True, engine_id="ABCD:EFGH")


@pytest.fixture
def lab_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text("id: demo\n")
    return path


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"XDG_STATE_HOME": str(tmp_path / "state")}


def expected(lab_file: Path) -> Progress:
    return this_progress("demo", lab_file, PROFILE, Path("/w"), "alice")


class Recorder:
    def __init__(self) -> None:
        self.events: list[object] = []

    def on_event(self, event) -> None:
        self.events.append(event)


def test_one_file_per_user_lab_and_engine(environ):
    path = progress_path(environ, "demo", PROFILE.endpoint, PROFILE.engine_id)
    assert path.parent == Path(environ["XDG_STATE_HOME"]) / "labrunner" / "progress"
    assert path.name.startswith("demo-") and len(path.stem) == len("demo-") + 12
    assert path != progress_path(environ, "demo", PROFILE.endpoint, "OTHER:ID")
    assert path != progress_path(environ, "demo", "unix:///y.sock", PROFILE.engine_id)
    assert path != progress_path(environ, "other", PROFILE.endpoint, PROFILE.engine_id)


def test_a_saved_progress_reads_back_and_no_partial_file_is_left(tmp_path, lab_file):
    path = tmp_path / "p" / "demo.json"
    progress = replace(expected(lab_file), next_step=3)
    save(path, progress)
    assert read(path, expected(lab_file), 4) == (progress, None)
    assert [p.name for p in path.parent.iterdir()] == ["demo.json"]
    assert json.loads(path.read_text())["lab_sha256"] == file_sha256(lab_file)


def whole(lab_file: Path, **changes: object) -> str:
    return json.dumps({**expected(lab_file).__dict__, "next_step": 3, **changes})


@pytest.mark.parametrize(("body", "key"), [
    (lambda f: "{not json", "nav.progress_corrupt"), (lambda f: "[1, 2]", "nav.progress_corrupt"),
    (lambda f: '{"lab_id": "demo"}', "nav.progress_corrupt"),
    (lambda f: whole(f, next_step="3"), "nav.progress_corrupt"),
    (lambda f: whole(f, next_step=9), "nav.progress_corrupt"),
    (lambda f: whole(f, next_step=1), "nav.progress_corrupt"),
    (lambda f: whole(f, lab_id="other"), "nav.progress_foreign"),
    (lambda f: whole(f, engine_id="X"), "nav.progress_foreign"),
    (lambda f: whole(f, lab_sha256="0" * 64), "nav.progress_lab_changed")])
def test_a_damaged_foreign_or_outdated_file_is_said_and_ignored(tmp_path, lab_file, body, key):
    path = tmp_path / "demo.json"
    path.write_text(body(lab_file))
    saved, problem = read(path, expected(lab_file), 4)
    assert saved is None and problem.key == key
    assert str(path) in problem.text("fr") and str(path) in problem.text("en")


def test_an_unreadable_file_is_said_and_ignored(tmp_path, lab_file):
    (tmp_path / "demo.json").mkdir()  # reading it fails
    saved, problem = read(tmp_path / "demo.json", expected(lab_file), 4)
    assert saved is None and problem.key == "nav.progress_unreadable"


def test_no_file_is_no_progress_and_says_nothing(tmp_path, lab_file):
    assert read(tmp_path / "none.json", expected(lab_file), 4) == (None, None)


def keeper(tmp_path: Path, lab_file: Path) -> tuple[ProgressKeeper, Recorder, Path]:
    recorder, path = Recorder(), tmp_path / "p" / "demo.json"
    return ProgressKeeper(recorder, path, expected(lab_file)), recorder, path


def saved_step(path: Path) -> int | None:
    return json.loads(path.read_text())["next_step"] if path.exists() else None


def test_the_keeper_saves_where_the_run_stands_after_each_step(tmp_path, lab_file):
    keep, recorder, path = keeper(tmp_path, lab_file)
    step = LAB.steps[2]
    keep.on_event(ev.StepStarted(step, 3, 4))
    assert saved_step(path) == 3  # killed during step 3: it is shown again on resuming
    keep.on_event(ev.StepFinished(step, True))
    assert saved_step(path) == 4
    keep.on_event(ev.StepSkipped(LAB.steps[3], 4, 4, None))
    assert saved_step(path) == 5
    keep.on_event(ev.StepStarted(LAB.steps[0], 1, 4))
    assert not path.exists()  # back at the first step: nothing to resume
    assert len(recorder.events) == 4  # every event goes on to the reporters


@pytest.mark.parametrize(("status", "kept"), [
    (LabStatus.PASSED, False), (LabStatus.FAILED, False), (LabStatus.INCOMPLETE, False),
    (LabStatus.QUIT, True), (LabStatus.INTERRUPTED, True), (LabStatus.ABORTED, True)])
def test_a_lab_run_to_its_end_deletes_its_progress(tmp_path, lab_file, status, kept):
    keep, _, path = keeper(tmp_path, lab_file)
    keep.on_event(ev.StepStarted(LAB.steps[1], 2, 4))
    keep.on_event(ev.LabFinished(LAB, status))
    assert path.exists() is kept


def test_a_progress_that_cannot_be_saved_is_said_once_and_the_run_goes_on(tmp_path, lab_file):
    recorder = Recorder()
    (tmp_path / "file").write_text("")
    keep = ProgressKeeper(recorder, tmp_path / "file" / "demo.json", expected(lab_file))
    keep.on_event(ev.StepStarted(LAB.steps[1], 2, 4))
    keep.on_event(ev.StepFinished(LAB.steps[1], True))
    notices = [e for e in recorder.events if isinstance(e, ev.Notice)]
    assert [n.message.key for n in notices] == ["nav.progress_not_saved"]


class Keyboard:
    def __init__(self, *answers: str) -> None:
        self.answers, self.prompts = list(answers), []

    def ask(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        return self.answers.pop(0) if self.answers else None


def start(environ, lab_file, keyboard, from_step=1, restart=False, language="en"):
    notices = []
    start_at, keep = start_and_keeper(environ, LAB, lab_file, PROFILE, Path("/w2"), "alice",
                                      from_step, restart, keyboard.ask, notices.append,
                                      language, Recorder())
    return start_at, keep, notices


def saved_at(environ, lab_file, step: int) -> Path:
    path = progress_path(environ, "demo", PROFILE.endpoint, PROFILE.engine_id)
    save(path, replace(expected(lab_file), next_step=step, saved_at="2026-11-29 10:00"))
    return path


@pytest.mark.parametrize(("answers", "step"), [(("",), 3), (("r",), 1), (("R ",), 1),
                                               (("restart",), 1), (("what", ""), 3), ((), 3)])
def test_the_next_run_offers_to_resume_where_the_earlier_one_stopped(environ, lab_file, answers,
                                                                     step):
    saved_at(environ, lab_file, 3)
    keyboard = Keyboard(*answers)
    start_at, _, notices = start(environ, lab_file, keyboard)
    assert start_at == step and notices == []
    assert keyboard.prompts[0] == (
        "Last time, this lab stopped at step 3 of 4, “Sc” (2026-11-29 10:00, on this engine).\n"
        "Enter: resume at step 3 (the steps before it run again quietly) · r: start over > ")
    if answers[:1] == ("what",):
        assert keyboard.prompts[1].startswith("“what” is not an answer here")


def test_the_offer_in_french(environ, lab_file):
    saved_at(environ, lab_file, 2)
    keyboard = Keyboard("recommencer")
    assert start(environ, lab_file, keyboard, language="fr")[0] == 1
    assert "à l'étape 2 sur 4, « Éb »" in keyboard.prompts[0]
    assert "r : tout recommencer > " in keyboard.prompts[0]


def test_restart_forgets_the_progress_without_asking(environ, lab_file):
    path = saved_at(environ, lab_file, 3)
    keyboard = Keyboard()
    assert start(environ, lab_file, keyboard, restart=True)[0] == 1
    assert keyboard.prompts == [] and not path.exists()


def test_from_says_where_to_start_and_the_progress_is_not_offered(environ, lab_file):
    saved_at(environ, lab_file, 3)
    keyboard = Keyboard()
    assert start(environ, lab_file, keyboard, from_step=2)[0] == 2 and keyboard.prompts == []


def test_a_damaged_progress_is_said_in_one_line_and_the_lab_starts_at_its_beginning(
        environ, lab_file):
    path = progress_path(environ, "demo", PROFILE.endpoint, PROFILE.engine_id)
    path.parent.mkdir(parents=True)
    path.write_text("{")
    keyboard = Keyboard()
    start_at, _, notices = start(environ, lab_file, keyboard)
    assert start_at == 1 and keyboard.prompts == []
    assert [n.key for n in notices] == ["nav.progress_corrupt"]

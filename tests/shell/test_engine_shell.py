"""The engine with a real bash session (no Docker needed for output checks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.run import events as ev
from runner.run.lab_runner import AutoPacer, LabRun, LabRunner

pytestmark = pytest.mark.shell
PROFILE = EngineProfile("linux", "unix:///unused.sock", "/unused", "overlay2", "test", False)


class Recorder:
    def __init__(self):
        self.events = []

    def on_event(self, event):
        self.events.append(event)

    def of(self, kind):
        return [e for e in self.events if isinstance(e, kind)]


def run_lab(data: dict, tmp_path: Path, pacer=None) -> tuple[ev.LabFinished, Recorder]:
    recorder = Recorder()
    spec = LabRun(lab=Lab.model_validate({"format": 2, **data}), lab_path=tmp_path / "lab.yaml",
                  profile=PROFILE,
                  listener=recorder, language="en", work_dir=tmp_path / "work",
                  docker_factory=lambda: None, environ={"PATH": "/usr/bin:/bin"})
    if pacer:
        spec.pacer = pacer
    return LabRunner(spec).run(), recorder


def step(step_id: str, run, checks=(), **extra) -> dict:
    return {"id": step_id, "title": {"fr": step_id, "en": step_id},
            "explain": {"fr": "x", "en": "x"}, "run": run, "checks": list(checks), **extra}


def test_state_carries_over_steps_and_variables_are_quoted(tmp_path):
    lab = {"id": "t", "title": {"fr": "t", "en": "t"}, "variables": {"greeting": "a b; rm -rf x"},
           "steps": [step("one", "export X={greeting}; mkdir d; cd d"),
                     step("two", "echo \"$X\"; pwd",
                          [{"type": "output", "contains": ["a b; rm -rf x", "/work/d"]}])]}
    finished, recorder = run_lab(lab, tmp_path)
    assert finished.status == "passed", recorder.of(ev.CheckEvaluated)


def test_a_hanging_command_is_killed_and_cleanup_still_runs(tmp_path):
    lab = {"id": "t", "title": {"fr": "t", "en": "t"}, "timeout": 30,
           "steps": [step("hang", "sleep 30", [{"type": "output", "exit_code": 0}], timeout=1),
                     step("after", "echo alive", [{"type": "output", "contains": "alive"}])],
           "cleanup": ["touch {work_dir}/cleaned"]}
    finished, recorder = run_lab(lab, tmp_path)
    assert finished.status == "failed"
    assert [s.status for s in finished.steps] == ["failed", "passed"]
    assert recorder.of(ev.CommandFinished)[0].result.timed_out
    assert (tmp_path / "work" / "cleaned").exists()


def test_quitting_at_the_prompt_still_runs_cleanup(tmp_path):
    class QuitSecond:
        def before_step(self, step, commands):
            return "quit" if step.id == "two" else "run"

    lab = {"id": "t", "title": {"fr": "t", "en": "t"},
           "steps": [step("one", "true"), step("two", "touch {work_dir}/never")],
           "cleanup": ["touch {work_dir}/cleaned"]}
    finished, _ = run_lab(lab, tmp_path, QuitSecond())
    assert finished.status == "quit"  # q has a status (and an exit code) of its own
    assert [s.status for s in finished.steps] == ["passed", "not_run"]
    assert (tmp_path / "work" / "cleaned").exists()
    assert not (tmp_path / "work" / "never").exists()


def test_a_failing_setup_stops_the_lab_before_any_step(tmp_path):
    lab = {"id": "t", "title": {"fr": "t", "en": "t"}, "setup": ["echo no way; false"],
           "steps": [step("one", "touch {work_dir}/ran")], "cleanup": ["touch {work_dir}/c"]}
    finished, recorder = run_lab(lab, tmp_path)
    assert finished.status == "aborted"
    failure = recorder.of(ev.PhaseFinished)[0].failures[0]
    assert failure.output == "no way\n" and failure.exit_code == 1
    assert not (tmp_path / "work" / "ran").exists() and not (tmp_path / "work" / "c").exists()


def test_an_interactive_prompt_is_answered_from_the_lab(tmp_path):
    lab = {"id": "t", "title": {"fr": "t", "en": "t"},
           "steps": [step("ask", 'read -p "Are you sure? [y/N] " r; echo "reply=$r"',
                          [{"type": "output", "contains": "reply=y"}],
                          answers=[{"expect": r"\[y/N\]", "send": "y"}], timeout=5)]}
    finished, _ = run_lab(lab, tmp_path)
    assert finished.status == "passed"


def test_a_path_check_starts_from_the_lab_shell_s_folder(tmp_path):
    lab = {"id": "t", "title": {"fr": "t", "en": "t"}, "steps": [
        step("make", "mkdir -p sub && cd sub && touch made.txt", [
            {"type": "path", "path": "made.txt"},  # relative to where the shell now is
            {"type": "path", "path": "{work_dir}/sub/made.txt"},
            {"type": "path", "path": "gone.txt", "state": "absent"}]),
        step("remove", "rm made.txt", [{"type": "path", "path": "made.txt", "state": "absent"}])]}
    finished, recorder = run_lab(lab, tmp_path)
    assert finished.status == "passed", [e.outcome for e in recorder.of(ev.CheckEvaluated)]
    # and from labrunner's own folder the same relative path would not be found
    assert not (Path.cwd() / "made.txt").exists()


def test_a_step_skipped_for_this_engine_still_shows_its_engine_note(tmp_path):
    note = {"fr": "Pas de dossier overlay2 ici.", "en": "No overlay2 folder here."}
    lab = {"id": "t", "title": {"fr": "t", "en": "t"}, "steps": [
        step("find", "true", only_on=["desktop"], engine_notes={"linux": note})]}
    finished, recorder = run_lab(lab, tmp_path)
    skipped = recorder.of(ev.StepSkipped)[0]
    assert finished.steps[0].status == "skipped" and not finished.steps[0].applies
    assert [n.text("fr") for n in skipped.notes] == ["Pas de dossier overlay2 ici."]


def test_titles_and_check_descriptions_may_name_variables(tmp_path):
    lab = {"id": "t", "title": {"fr": "t", "en": "t"}, "variables": {"tag": "monblog_prod"},
           "steps": [step("untag", "true", [{
               "type": "output", "exit_code": 0,
               "description": {"fr": "{tag} retiré", "en": "{tag} removed"}}],
               title={"fr": "Retirer {tag}", "en": "Remove {tag}"})]}
    finished, recorder = run_lab(lab, tmp_path)
    assert recorder.of(ev.StepStarted)[0].step.title.fr == "Retirer monblog_prod"
    assert finished.steps[0].title == "Remove monblog_prod"
    summary = recorder.of(ev.CheckEvaluated)[0].outcome.summary
    assert (summary.text("en"), summary.text("fr")) == ("monblog_prod removed",
                                                       "monblog_prod retiré")


def test_a_step_the_student_skips_still_counts_in_the_grade(tmp_path):
    class SkipFirst(AutoPacer):
        def before_step(self, step, commands):
            return "skip" if step.id == "one" else "run"

    lab = {"id": "t", "title": {"fr": "t", "en": "t"},
           "steps": [step("one", "true"), step("two", "true")]}
    finished, _ = run_lab(lab, tmp_path, SkipFirst())
    assert finished.steps[0].status == "skipped" and finished.steps[0].applies
    assert (finished.grade.total, finished.grade.passed) == (0, True)  # no task: no points
    lab["steps"] = [dict(s, task={"solution": s.pop("run")}) for s in lab["steps"]]
    finished, _ = run_lab(lab, tmp_path, SkipFirst())
    assert (finished.grade.earned, finished.grade.total) == (0, 2)

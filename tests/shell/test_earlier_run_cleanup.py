"""A run killed before its cleanup: the next run of the lab says so and runs the lab's cleanup
first (if the person agrees), then forgets that run's record."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.run import events as ev
from runner.run import records
from runner.run.lab_runner import AutoPacer, LabRun, LabRunner

pytestmark = pytest.mark.shell
PROFILE = EngineProfile("linux", "unix:///unused.sock", "/unused", "overlay2", "test", False)
T = {"fr": "t", "en": "t"}


class Recorder:
    def __init__(self):
        self.events = []

    def on_event(self, event):
        self.events.append(event)


class Answer(AutoPacer):
    def __init__(self, agree: bool) -> None:
        super().__init__()
        self.agree, self.asked = agree, []

    def confirm_earlier_cleanup(self, pid: int) -> bool:
        self.asked.append(pid)
        return self.agree


def run_after_a_killed_run(tmp_path: Path, pacer, left: bool = True
                           ) -> tuple[ev.LabFinished, Recorder, Path]:
    """A lab whose setup refuses to start while `leftover` exists (like a container named www),
    whose step makes it and whose cleanup removes it; an earlier run left it behind."""
    work, marker = tmp_path / "work", tmp_path / "work" / "leftover"
    work.mkdir(exist_ok=True)
    if left:
        marker.touch()
    earlier = records.write(tmp_path / "runs", records.RunRecord(
        4_194_999, "1", "guarded", "lab.yaml", PROFILE.endpoint, str(work), "2026-11-29 10:00:00"))
    lab = Lab.model_validate({
        "format": 2, "id": "guarded", "title": T, "setup": [f"test ! -e {marker}"],
        "steps": [{"id": "make", "title": T, "explain": T, "run": f"touch {marker}"}],
        "cleanup": [f"rm -f {marker}"]})
    recorder = Recorder()
    spec = LabRun(lab=lab, lab_path=tmp_path / "lab.yaml", profile=PROFILE, listener=recorder,
                  language="en", work_dir=work, docker_factory=lambda: None,
                  environ={"PATH": "/usr/bin:/bin"}, pacer=pacer, earlier_runs=(earlier,))
    return LabRunner(spec).run(), recorder, earlier.path


def test_the_earlier_run_s_cleanup_runs_first_and_its_record_goes(tmp_path):
    pacer = Answer(agree=True)
    finished, recorder, record = run_after_a_killed_run(tmp_path, pacer)
    assert pacer.asked == [4_194_999]
    notices = [e.message for e in recorder.events if isinstance(e, ev.Notice)]
    assert notices[0].text("en") == ("an earlier run of this lab (pid 4194999, started at "
                                     "2026-11-29 10:00:00) was stopped before its cleanup")
    phases = [e.phase for e in recorder.events if isinstance(e, ev.PhaseStarted)]
    assert phases == ["cleanup", "setup", "cleanup"]
    assert finished.status == "passed"
    assert not record.exists()


def test_declined_the_cleanup_does_not_run_and_the_next_run_asks_again(tmp_path):
    finished, recorder, record = run_after_a_killed_run(tmp_path, Answer(agree=False))
    phases = [e.phase for e in recorder.events if isinstance(e, ev.PhaseStarted)]
    assert phases == ["setup"]  # the lab's guard refused: its objects are still there
    assert finished.status == "aborted"
    assert record.exists()


def test_declined_but_this_run_s_own_cleanup_ran_the_record_goes(tmp_path):
    (tmp_path / "work").mkdir()
    finished, _, record = run_after_a_killed_run(tmp_path, Answer(agree=False), left=False)
    assert finished.status == "passed"
    assert not record.exists()

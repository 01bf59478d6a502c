"""Going back, running a step again, jumping and improvising, in a real bash: the state the
next step finds is the one replaying the steps before it leaves, and the summary keeps each
step's latest outcome. The lab's "engine" here is a file, `trail`, each step appends to."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.run import events as ev
from runner.run.lab_runner import AutoPacer, LabRun, LabRunner
from runner.run.status import Decision, Jump, LabStatus, RunMode, StepStatus

pytestmark = pytest.mark.shell
PROFILE = EngineProfile("linux", "unix:///unused.sock", "/unused", "overlay2", "test", False)
T = {"fr": "t", "en": "t"}
RUN, BACK, RERUN, QUIT = Decision.RUN, Decision.BACK, Decision.RERUN, Decision.QUIT


def step(name: str, command: str | None = None, task: bool = False) -> dict:
    command = command or f"echo {name} >> trail"
    body = {"task": {"solution": [command]}} if task else {"run": command}
    return {"id": name, "title": T, "explain": T, **body}


def lab(*steps: dict) -> Lab:
    # setup refuses to start while the trail exists: a rewind that skipped the cleanup fails
    return Lab.model_validate({"format": 2, "id": "nav", "title": T, "setup": ["test ! -e trail"],
                               "steps": list(steps or map(step, "abcd")),
                               "cleanup": ["rm -f trail"]})


class Script(AutoPacer):
    """A person who answers from a script (step id -> answers, in order; RUN and CONTINUE
    once it runs out) and notes what each step found in the trail when it was shown."""

    def __init__(self, work: Path, before: dict | None = None, after: dict | None = None,
                 on_after=None) -> None:
        super().__init__()
        self.work, self.before, self.after = work, before or {}, after or {}
        self.seen: list[tuple[str, str]] = []
        self.on_after = on_after
        self.improvised: list[tuple[str, str]] = []

    def trail(self) -> str:
        path = self.work / "trail"
        return "".join(path.read_text().split()) if path.exists() else ""

    def before_step(self, step, commands):
        self.seen.append((step.id, self.trail()))
        answers = self.before.get(step.id, [])
        return answers.pop(0) if answers else RUN

    def after_step(self, step, passed):
        if self.on_after is not None:
            self.on_after(step, passed)
        answers = self.after.get(step.id, [])
        return answers.pop(0) if answers else Decision.CONTINUE

    def improvise(self, env, cwd):
        self.improvised.append((env.get("DOCKER_HOST", ""), cwd))
        (Path(cwd) / "sub").mkdir(exist_ok=True)
        return str(Path(cwd) / "sub")


class Recorder:
    def __init__(self) -> None:
        self.events: list[object] = []

    def on_event(self, event) -> None:
        self.events.append(event)

    def of(self, kind) -> list:
        return [event for event in self.events if isinstance(event, kind)]


def run(tmp_path: Path, the_lab: Lab, pacer: Script, start_at: int = 1,
        mode: RunMode | None = None) -> tuple[ev.LabFinished, Recorder]:
    recorder = Recorder()
    spec = LabRun(lab=the_lab, lab_path=tmp_path / "lab.yaml", profile=PROFILE,
                  listener=recorder, language="en", work_dir=pacer.work,
                  docker_factory=lambda: None, environ={"PATH": "/usr/bin:/bin"}, pacer=pacer,
                  start_at=start_at, mode=mode)
    return LabRunner(spec).run(), recorder


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def phases(recorder: Recorder) -> list[str]:
    return [event.phase for event in recorder.of(ev.PhaseStarted)]


def test_back_before_a_step_rewinds_and_shows_the_previous_step_as_replaying_left_it(
        tmp_path, work):
    pacer = Script(work, before={"c": [BACK]})
    finished, recorder = run(tmp_path, lab(), pacer)
    assert pacer.seen == [("a", ""), ("b", "a"), ("c", "ab"), ("b", "a"), ("c", "ab"),
                          ("d", "abc")]
    assert phases(recorder) == ["setup", "cleanup", "setup", "cleanup"]
    assert [(e.step.id, e.index, e.total) for e in recorder.of(ev.StepReplayed)] == [("a", 1, 4)]
    assert finished.status == LabStatus.PASSED
    assert [s.status for s in finished.steps] == [StepStatus.PASSED] * 4
    assert not any(s.replayed for s in finished.steps)  # a's own run still counts


def test_back_after_a_step_shows_it_again_from_the_state_before_it(tmp_path, work):
    pacer = Script(work, after={"c": [BACK]})
    run(tmp_path, lab(), pacer)
    assert pacer.seen == [("a", ""), ("b", "a"), ("c", "ab"), ("c", "ab"), ("d", "abc")]


def test_rerun_runs_the_step_again_on_the_state_as_it_is(tmp_path, work):
    pacer = Script(work, after={"b": [RERUN]})
    finished, recorder = run(tmp_path, lab(), pacer)
    assert pacer.seen == [("a", ""), ("b", "a"), ("c", "abb"), ("d", "abbc")]
    assert [e.step.id for e in recorder.of(ev.StepStarted)] == ["a", "b", "b", "c", "d"]
    assert len(finished.steps) == 4


def test_the_latest_outcome_of_a_step_run_again_counts(tmp_path, work):
    def fix(step, passed):
        if step.id == "b" and not passed:
            (work / "fixed").touch()

    pacer = Script(work, after={"b": [RERUN]}, on_after=fix)
    the_lab = lab(step("a"), step("b", "test -e fixed"), step("c"))
    finished, _ = run(tmp_path, the_lab, pacer)
    assert [s.status for s in finished.steps] == [StepStatus.PASSED] * 3
    assert finished.status == LabStatus.PASSED


def test_a_forward_jump_replays_the_steps_between_quietly(tmp_path, work):
    pacer = Script(work, before={"a": [Jump(4)]})
    finished, recorder = run(tmp_path, lab(), pacer)
    assert pacer.seen == [("a", ""), ("d", "abc")]
    assert [e.step.id for e in recorder.of(ev.StepReplayed)] == ["a", "b", "c"]
    assert [e.step.id for e in recorder.of(ev.StepStarted)] == ["a", "d"]
    assert not recorder.of(ev.CommandStarted)[:-1]  # only d's command is shown
    assert not [e for e in recorder.of(ev.CommandOutput)]  # nothing replayed is on screen
    assert [(s.status, s.replayed) for s in finished.steps] == [
        (StepStatus.PASSED, True)] * 3 + [(StepStatus.PASSED, False)]


def test_a_jump_back_rewinds(tmp_path, work):
    pacer = Script(work, before={"d": [Jump(2)]})
    run(tmp_path, lab(), pacer)
    assert pacer.seen == [("a", ""), ("b", "a"), ("c", "ab"), ("d", "abc"), ("b", "a"),
                          ("c", "ab"), ("d", "abc")]


def test_start_at_replays_the_steps_before_it(tmp_path, work):
    pacer = Script(work)
    finished, recorder = run(tmp_path, lab(), pacer, start_at=3)
    assert pacer.seen == [("c", "ab"), ("d", "abc")]
    assert phases(recorder) == ["setup", "cleanup"]  # a fresh start: no rewind
    assert [s.replayed for s in finished.steps] == [True, True, False, False]


def test_a_replayed_command_that_fails_stops_the_replay_there_and_says_so(tmp_path, work):
    pacer = Script(work, before={"a": [Jump(4)]})
    the_lab = lab(step("a"), step("b", "echo b >> trail && test -e never"), step("c"),
                  step("d"))
    finished, recorder = run(tmp_path, the_lab, pacer)
    assert [e.step.id for e in recorder.of(ev.StepReplayed)] == ["a", "b"]
    notice = recorder.of(ev.Notice)[-1]
    assert notice.message.key == "nav.replay_failed" and notice.message.params["id"] == "b"
    assert pacer.seen[1] == ("b", "ab")  # shown at the step that failed, to deal with it


def test_a_replayed_task_counts_as_done_by_its_solution_and_earns_nothing(tmp_path, work):
    pacer = Script(work, before={"a": [Jump(3)]})
    the_lab = lab(step("a"), step("b", task=True), step("c"))
    finished, _ = run(tmp_path, the_lab, pacer, mode=RunMode.INTERACTIVE)
    task = finished.steps[1].result
    assert (task.how, task.solution, task.earned, task.credited) == ("solution", "run", 0, False)
    assert finished.steps[1].replayed
    assert finished.status == LabStatus.INCOMPLETE  # graded: the task was not done
    assert (finished.grade.earned, finished.grade.total) == (0, 1)


def test_improvise_opens_the_person_s_shell_and_the_lab_shell_follows_its_folder(
        tmp_path, work):
    pacer = Script(work, before={"b": [Decision.IMPROVISE]},
                   after={"b": [Decision.IMPROVISE]})
    the_lab = lab(step("a"), step("b", "pwd > ../where"), step("c", "pwd > ../where2"))
    run(tmp_path, the_lab, pacer)
    assert [cwd for _, cwd in pacer.improvised] == [str(work), str(work / "sub")]
    assert (work / "where").read_text().strip() == str(work / "sub")
    assert (work / "sub" / "where2").read_text().strip() == str(work / "sub" / "sub")


def test_quit_lists_every_step_the_ones_not_reached_as_not_run(tmp_path, work):
    pacer = Script(work, before={"b": [QUIT]})
    finished, _ = run(tmp_path, lab(), pacer)
    assert [s.step_id for s in finished.steps] == ["a", "b", "c", "d"]
    assert [s.status for s in finished.steps] == [StepStatus.PASSED] + [StepStatus.NOT_RUN] * 3


def test_a_pacer_without_after_step_goes_on(tmp_path, work):
    class Minimal:  # a pacer written before after_step existed
        def __init__(self) -> None:
            self.work = work

        def before_step(self, step, commands):
            return RUN

    finished, _ = run(tmp_path, lab(), Minimal())  # type: ignore[arg-type]
    assert finished.status == LabStatus.PASSED

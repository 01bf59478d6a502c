"""grade-answers' pieces without processes: the answer script and what is read back from it,
the pacer's decisions, the screen's words, the JUnit from a report, the sandbox's teardown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from runner.answers import bash, pacer, throwaway
from runner.answers.file import Answers
from runner.answers.outputs import junit_xml
from runner.answers.pacer import AnswersPacer
from runner.answers.screen import AnswersScreen
from runner.cli import build_parser, main
from runner.lab.loader import load_lab, resolve_lab
from runner.messages import msg
from runner.report.digest import report_digest
from runner.run import events as ev
from runner.run.status import Decision
from runner.shell.student import StudentWork, TaskShell

LAB = load_lab(resolve_lab("manage-images-exercise"))
STEPS = {step.id: step for step in LAB.steps}
ANSWERS = Answers("a.yaml", LAB.id, "", {"pull-cache": ("docker pull memcached",),
                                         "list": ("cd /tmp", "docker images")})


def test_the_script_runs_each_command_through_eval_and_records_its_code(tmp_path):
    script = bash.answer_script(["cd 'a b'", "echo $HOME"], tmp_path / "s", tmp_path / "c")
    assert "eval 'cd '\"'\"'a b'\"'\"''\n__labrunner_done 0 $?" in script
    assert "eval 'echo $HOME'\n__labrunner_done 1 $?" in script  # expanded by bash, not here
    assert script.index("trap 'pwd >") < script.index("eval")


def test_codes_and_times_are_read_back_and_a_garbled_line_is_left_out(tmp_path):
    status = tmp_path / "status"
    status.write_text("0 0 1700000000,5\n1 127 1700000001.25\ngarbage\n", encoding="utf-8")
    assert bash._ends(status) == {0: (0, 1700000000.5), 1: (127, 1700000001.25)}


@pytest.mark.parametrize(("ends", "timed_out", "typed", "codes"), [
    ({0: (0, 1.0), 1: (1, 2.0), 2: (0, 3.0)}, False, 3, [0, 1, 0]),  # all ran
    ({0: (0, 1.0)}, False, 2, [0, None]),  # the second ran `exit`: the third never ran
    ({}, True, 1, [None]),  # the first was stopped by the time limit
    ({0: (0, 1.0), 1: (0, 2.0)}, True, 3, [0, 0, None]),
])
def test_the_work_is_the_commands_that_ran(ends, timed_out, typed, codes):
    work = bash._work(["a", "b", "c"], ends, "/w", timed_out)
    assert work.typed == ["a", "b", "c"][:typed] and work.cwd == "/w"
    assert [command.exit_code for command in work.commands] == codes


def test_the_pacer_skips_a_task_without_answer_and_runs_the_rest():
    answers_pacer = AnswersPacer(ANSWERS, 120, "en", print)
    assert answers_pacer.before_step(STEPS["pull-cache"], []) == Decision.RUN
    assert answers_pacer.before_step(STEPS["pull-web"], []) == Decision.SKIP
    assert answers_pacer.after_failed_task(STEPS["pull-cache"]) == Decision.CONTINUE
    assert not answers_pacer.confirm_destructive(STEPS["remove"])
    assert AnswersPacer(ANSWERS, 120, "en", print, allow_destructive=True).confirm_destructive(
        STEPS["remove"])


def test_a_task_runs_its_answer_never_its_solution_with_a_limit_per_command(monkeypatch):
    calls, said = [], []

    def fake_run(commands, env, cwd, limit, capture):
        calls.append((commands, env, cwd, limit))
        assert capture is False  # no output check in these tasks
        return StudentWork(list(commands), "/tmp"), True

    monkeypatch.setattr(pacer, "run_answer", fake_run)
    answers_pacer = AnswersPacer(ANSWERS, 120, "fr", said.append)
    work = answers_pacer.student_task(STEPS["list"], {"DOCKER_HOST": "unix:///s"}, "/w")
    assert work is not None and work.typed == ["cd /tmp", "docker images"]
    assert calls == [(("cd /tmp", "docker images"), {"DOCKER_HOST": "unix:///s"}, "/w", 240)]
    assert said == ["! la réponse a été arrêtée au bout de 240 s (son délai) : ce qu'elle "
                    "avait lancé est arrêté aussi"]
    answers_pacer.student_task(STEPS["pull-cache"], {}, "/w", shell=TaskShell())  # 300 s
    assert calls[-1][3] == 300


def test_a_task_with_output_checks_gets_each_command_output(monkeypatch):
    captures = []
    monkeypatch.setattr(pacer, "run_answer", lambda *args: captures.append(args[-1]) or (
        StudentWork([], "/w"), False))
    AnswersPacer(ANSWERS, 120, "en", print).student_task(STEPS["list"], {}, "/w",
                                                         shell=TaskShell(None, capture=True))
    assert captures == [True]


def test_with_outputs_each_command_writes_a_file_of_its_own_then_shows_it(tmp_path):
    script = bash.answer_script(["cd /tmp", "ls"], tmp_path / "s", tmp_path / "c", tmp_path)
    assert f"eval ls > {tmp_path}/1 2>&1\n__labrunner_done 1 $?\ncat {tmp_path}/1" in script
    assert "| tee" not in script  # a pipe would lose the `cd`


class Recorder:
    def __init__(self) -> None:
        self.events: list[object] = []

    def on_event(self, event: object) -> None:
        self.events.append(event)


def test_the_screen_speaks_of_the_answer_not_of_a_keyboard():
    reporter, lines = Recorder(), []
    screen = AnswersScreen(reporter, ANSWERS, "en", lines.append)
    screen.on_event(ev.TaskOpened(STEPS["list"], 1))
    screen.on_event(ev.TaskTyped(STEPS["list"], ("cd /tmp", "docker images")))
    skipped = ev.StepSkipped(STEPS["pull-web"], 2, 6, msg("engine.step_skipped_by_user"))
    screen.on_event(skipped)
    notice = ev.Notice(msg("answers.no_answer"))
    screen.on_event(notice)
    assert lines == ["The student's answer: 2 commands."]
    assert reporter.events[0].reason == msg("answers.no_answer")
    assert reporter.events[1:] == [notice]


def report(*tasks: tuple[str, bool, bool]) -> dict:
    """A format-2 report of manage-images-exercise: (task id, answered, credited) each."""
    steps = [{"id": task, "title": task, "status": "passed" if credited else "failed",
              "task": True, "applies": True, "checks": [],
              "result": {"how": "student" if credited else "skipped", "credited": credited,
                         "points": 1, "earned": int(credited), "hints": 0, "solution": "none",
                         "reason": "" if credited else f"not done: {task}",
                         "attempts": [{"number": 1, "by": "student",
                                       "opened": "2026-11-29T18:00:00Z",
                                       "closed": "2026-11-29T18:00:02Z", "commands": [],
                                       "engine_calls": [], "before": [], "checks": []}]
                         if answered else []}}
             for task, answered, credited in tasks]
    earned = sum(credited for _, _, credited in tasks)
    data = {"format": 2, "labrunner": "0", "student": "alice", "host": "ci",
            "started": "2026-11-29T18:00:00Z", "finished": "2026-11-29T18:00:09Z",
            "duration": 9.0, "mode": "answers", "graded": True, "language": "en",
            "lab": {"id": LAB.id, "title": "t", "file": "x", "sha256": "ab"},
            "engine": {"id": "E", "name": "n", "version": "1", "kind": "linux",
                       "storage": "overlay2", "sandbox": True},
            "status": "incomplete", "steps": steps,
            "grade": {"earned": earned, "total": len(tasks), "percent": None,
                      "pass_mark": 50, "passed": False}, "engine_calls": []}
    data["digest"] = report_digest(data)
    return data


def test_junit_has_a_testcase_per_task_and_a_failure_for_an_answer_that_earned_nothing():
    xml = junit_xml(report(("pull-cache", True, True), ("pull-web", True, False),
                           ("list", False, False)), Path("r.json"), "en")
    root = ET.fromstring(xml)
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert list(cases) == ["pull-cache", "pull-web", "list"]
    assert cases["pull-cache"].find("failure") is None and cases["pull-cache"].find(
        "skipped") is None
    assert cases["pull-web"].find("failure").get("message") == "not done: pull-web"
    assert cases["pull-web"].find("skipped") is None
    assert cases["list"].find("skipped") is not None  # no answer: skipped
    for element in (root, root.find("testsuite")):
        assert (element.get("tests"), element.get("failures"), element.get("skipped")) == (
            "3", "1", "1")


class FakeSandbox:
    def __init__(self, interrupts: int = 0, error: Exception | None = None) -> None:
        self.interrupts, self.error, self.downs = interrupts, error, 0

    def down(self) -> None:
        self.downs += 1
        if self.interrupts:
            self.interrupts -= 1
            raise KeyboardInterrupt
        if self.error:
            raise self.error


def test_the_sandbox_comes_down_even_when_ctrl_c_comes_again_then_its_folder_goes(tmp_path):
    folder = tmp_path / "lr-answers-x"
    folder.mkdir()
    sandbox = FakeSandbox(interrupts=2)
    throwaway.bring_down(sandbox, folder)
    assert sandbox.downs == 3 and not folder.exists()


def test_a_folder_whose_daemons_may_still_run_is_not_removed(tmp_path):
    folder = tmp_path / "lr-answers-x"
    folder.mkdir()
    throwaway.bring_down(FakeSandbox(interrupts=3), folder)
    assert folder.exists()
    with pytest.raises(RuntimeError):
        throwaway.bring_down(FakeSandbox(error=RuntimeError("stuck")), folder)
    assert folder.exists()


def test_the_command_is_registered_and_its_help_translated(capsys):
    parser = build_parser("fr")
    args = parser.parse_args(["grade-answers", "manage-images-exercise", "a.yaml", "--junit",
                              "j.xml", "--engine", "sandbox:vfs"])
    assert (args.command, args.lab, str(args.answers), str(args.junit), args.engine) == (
        "grade-answers", "manage-images-exercise", "a.yaml", "j.xml", "sandbox:vfs")
    with pytest.raises(SystemExit):
        main(["--lang", "fr", "grade-answers", "--help"])
    assert "fichier de réponses" in capsys.readouterr().out


def test_bad_answers_exit_2_before_any_engine_starts(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(throwaway, "throwaway_sandbox", None)  # touching it would fail
    answers = tmp_path / "a.yaml"
    answers.write_text("lab: manage-images-exercise\nanswers:\n  pul-web: x\n", "utf-8")
    assert main(["grade-answers", "manage-images-exercise", str(answers)]) == 2
    assert capsys.readouterr().err.startswith(f"{answers}:3:3: 'pul-web' is not a task")

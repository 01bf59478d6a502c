"""`labrunner grade-answers` on real engines: each run starts a throwaway sandbox of its own
(~6 s), grades a scripted answers file for manage-images-exercise, and brings it down — after
a signal too. Reports are validated against the schema; JUnit is parsed back."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from runner.report.digest import report_digest
from runner.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
TASKS = ["pull-cache", "pull-web", "list", "disk-space", "remove", "verify"]
HONEST = {"pull-cache": "docker pull memcached", "pull-web": "docker pull httpd:2-alpine",
          "list": "docker image ls", "disk-space": "docker system df",
          "remove": "docker image rm memcached httpd:2-alpine",
          "verify": ["cd /", "docker images"]}
SANDBOX_FOLDER = re.compile(r"(/\S*?/lr-answers-[A-Za-z0-9_]+)")


@pytest.fixture(autouse=True)
def sandbox_can_start() -> None:
    reason = Sandbox.can_start()
    if reason is not None:  # conftest turns this skip into a failure in CI
        pytest.skip(f"the sandbox cannot start here ({reason})")


@pytest.fixture
def tmpdir_short():
    """A short TMPDIR for the run (its sandbox's sockets live below it), empty afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="ga-"))
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def answers_file(folder: Path, answers: dict, lab: str = "manage-images-exercise") -> Path:
    path = folder / "answers.yaml"
    path.write_text(json.dumps({"lab": lab, "student": "alice", "answers": answers}),
                    encoding="utf-8")  # JSON is YAML
    return path


def grade(folder: Path, answers: Path, *extra: str, **popen) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "runner", "--lang", "en", "grade-answers",
               "manage-images-exercise", str(answers), "--report", str(folder / "r.json"),
               "--junit", str(folder / "j.xml"), *extra]
    env = dict(os.environ, TMPDIR=str(folder / "tmp"))
    (folder / "tmp").mkdir(exist_ok=True)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, **popen)


def processes_naming(text: str) -> list[str]:
    """The command lines of the processes that name `text` (a sandbox's folder)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            line = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in line:
            found.append(line)
    return found


def assert_sandbox_gone(output: str, folder: Path) -> None:
    # unix:///…/docker.sock names it too, with more slashes
    [sandbox] = {os.path.normpath(found) for found in SANDBOX_FOLDER.findall(output)}
    assert sandbox.startswith(str(folder / "tmp"))
    assert not Path(sandbox).exists()
    assert processes_naming(sandbox) == []
    assert list((folder / "tmp").iterdir()) == []  # work folder, task folders: all removed


def junit_counts(path: Path) -> tuple[dict[str, ET.Element], ET.Element]:
    root = ET.parse(path).getroot()
    return {case.get("name"): case for case in root.iter("testcase")}, root


def report_of(folder: Path) -> dict:
    import jsonschema

    data = json.loads((folder / "r.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["digest"] == report_digest(data)
    return data


def test_an_honest_answers_file_earns_full_marks_and_the_sandbox_goes(tmpdir_short):
    started = time.monotonic()
    done = grade(tmpdir_short, answers_file(tmpdir_short, HONEST))
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    data = report_of(tmpdir_short)
    assert (data["mode"], data["graded"], data["status"], data["student"]) == (
        "answers", True, "passed", "alice")
    assert data["grade"]["earned"] == data["grade"]["total"] == 6
    results = {step["id"]: step["result"] for step in data["steps"]}
    assert all(results[task]["how"] == "student" and results[task]["credited"] for task in TASKS)
    verify = results["verify"]["attempts"][0]["commands"]
    assert [(c["text"], c["exit_code"]) for c in verify] == [("cd /", 0), ("docker images", 0)]
    calls = results["pull-cache"]["attempts"][0]["engine_calls"]
    assert any(call["shell"] == "student" and call["endpoint"].endswith("/images/create")
               for call in calls)  # the guard recorded the answer as the student's shell
    cases, root = junit_counts(tmpdir_short / "j.xml")
    assert list(cases) == TASKS and root.get("tests") == "6" and root.get("failures") == "0"
    assert all(len(case) == 0 for case in cases.values())  # no failure, skipped nor error
    assert_sandbox_gone(done.stdout, tmpdir_short)
    print(f"grade-answers, honest, wall time: {seconds:.1f} s")


def test_a_tag_instead_of_a_pull_earns_nothing_for_that_task_only(tmpdir_short):
    answers = dict(HONEST, **{"pull-cache": ["docker pull python:3.9",
                                              "docker tag python:3.9 memcached"]})
    del answers["disk-space"]  # not answered: skipped
    done = grade(tmpdir_short, answers_file(tmpdir_short, answers))
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr
    data = report_of(tmpdir_short)
    results = {step["id"]: step["result"] for step in data["steps"]}
    assert not results["pull-cache"]["credited"] and results["pull-cache"]["earned"] == 0
    assert "image pull" in results["pull-cache"]["reason"]
    assert results["disk-space"]["how"] == "skipped" and results["disk-space"]["attempts"] == []
    assert [task for task in TASKS if results[task]["credited"]] == [
        "pull-web", "list", "remove", "verify"]
    assert data["status"] == "failed" and data["grade"]["earned"] == 4
    cases, root = junit_counts(tmpdir_short / "j.xml")
    assert len(cases) == 6 and (root.get("failures"), root.get("skipped")) == ("1", "1")
    assert cases["pull-cache"].find("failure") is not None
    assert cases["disk-space"].find("skipped") is not None
    assert_sandbox_gone(done.stdout, tmpdir_short)


def test_a_typo_in_a_task_id_exits_2_at_its_place_before_any_engine(tmpdir_short):
    answers = dict(HONEST)
    answers["pul-web"] = answers.pop("pull-web")
    path = tmpdir_short / "answers.yaml"
    path.write_text("lab: manage-images-exercise\nanswers:\n" + "".join(
        f"  {task}: {json.dumps(value)}\n" for task, value in answers.items()), "utf-8")
    done = grade(tmpdir_short, path)
    line = 3 + list(answers).index("pul-web")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"{path}:{line}:3: 'pul-web' is not a task of this lab")
    assert "Traceback" not in done.stderr
    assert not (tmpdir_short / "r.json").exists() and list((tmpdir_short / "tmp").iterdir()) == []


def test_a_signal_mid_answer_still_brings_the_sandbox_down(tmpdir_short):
    answers = answers_file(tmpdir_short, {"pull-cache": "sleep 120 & sleep 121"})
    command = [sys.executable, "-m", "runner", "--lang", "en", "grade-answers",
               "manage-images-exercise", str(answers), "--report", str(tmpdir_short / "r.json")]
    (tmpdir_short / "tmp").mkdir()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                               env=dict(os.environ, TMPDIR=str(tmpdir_short / "tmp")))
    output = ""
    for line in process.stdout:
        output += line
        if line.startswith("$ sleep 120"):
            break
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    output += process.stdout.read()
    assert process.wait(timeout=120) == 143
    assert processes_naming("sleep 12") == []  # the answer's own processes too
    assert_sandbox_gone(output, tmpdir_short)
    data = report_of(tmpdir_short)
    assert data["status"] == "interrupted" and data["grade"]["total"] == 6


def test_an_answer_runs_in_one_real_bash_each_command_recorded(tmp_path):
    """No engine needed: one bash for all the commands (a `cd`, a variable carry over), a
    syntax error fails only its command, `exit` ends the answer, outputs kept on request."""
    from runner.answers.bash import run_answer

    (tmp_path / "sub").mkdir()
    commands = ["cd sub", "X=42", "echo $X in $(basename $PWD)", "if then", "false",
                "echo done; exit 3", "echo never"]
    work, timed_out = run_answer(commands, dict(os.environ, BASH_ENV="/nonexistent"),
                                 str(tmp_path), 30, capture=True)
    assert not timed_out and work.cwd == str(tmp_path / "sub")
    assert work.typed == commands[:6]  # the last never ran
    assert [c.exit_code for c in work.commands] == [0, 0, 0, 2, 1, None]
    assert all(c.at > 0 for c in work.commands[:5])
    assert work.outputs[2] == "42 in sub\n" and "syntax error" in work.outputs[3]
    assert work.outputs[5] == "done\n"


def test_an_answer_past_its_time_limit_is_killed_with_what_it_started(tmp_path):
    from runner.answers.bash import run_answer

    started = time.monotonic()
    work, timed_out = run_answer(["sleep 301 &", "sleep 302"], dict(os.environ),
                                 str(tmp_path), 1)
    assert timed_out and time.monotonic() - started < 10
    assert [c.exit_code for c in work.commands] == [0, None]
    assert processes_naming("sleep 30") == []

"""`labrunner test` on the real sandbox engine: it passes a sound lab and catches each kind
of unsound one. Also the destructive guard, step retries and the JSON report of `run`."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import yaml

from runner.cli import main
from runner.engines.endpoint import docker_client, engine_info
from runner.engines.profile import detect_profile
from runner.lab.model import Lab
from runner.run import events as ev
from runner.run.lab_runner import AutoPacer, LabRun, LabRunner

TITLE = {"fr": "titre", "en": "title"}


def step(step_id: str, checks: list, **fields) -> dict:
    return {"id": step_id, "title": TITLE, "explain": TITLE, "checks": checks, **fields}


def write_lab(tmp_path: Path, steps: list, **fields) -> Path:
    lab = {"format": 2, "id": "mini", "title": TITLE, "steps": steps, **fields}
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(lab, allow_unicode=True), encoding="utf-8")
    return path


def self_test(path: Path, engine: str, capsys, *extra: str) -> tuple[int, str]:
    code = main(["test", str(path), "--engine", engine, "--in", "en", *extra])
    return code, capsys.readouterr().out


SOUND = [step("pull", [{"type": "image", "name": "alpine"}], run="docker pull -q alpine"),
         step("run", [{"type": "container", "name": "lr-mini", "state": "exited"},
                      {"type": "container_layer", "name": "lr-mini", "path": "/x"}],
              run="docker run --name lr-mini alpine touch /x")]
CLEANUP = ["docker rm -f lr-mini >/dev/null 2>&1 || true"]


def test_a_sound_lab_passes(sandbox_engine, clean_engine, tmp_path, capsys):
    path = write_lab(tmp_path, SOUND, cleanup=CLEANUP, keeps={"images": ["alpine"]})
    code, out = self_test(path, sandbox_engine.docker_host, capsys)
    assert code == 0, out
    assert "PASS pull" in out and "PASS run" in out and "1 passed, 0 failed" in out
    assert "checks not yet true before the step: 2, true after: 2" in out


def test_keeps_may_name_the_lab_s_variables(sandbox_engine, clean_engine, tmp_path, capsys):
    path = write_lab(tmp_path, SOUND, cleanup=CLEANUP, variables={"base": "alpine"},
                     keeps={"images": ["{base}"]})
    code, out = self_test(path, sandbox_engine.docker_host, capsys)
    assert code == 0, out


def test_a_check_true_before_its_step_fails_the_self_test(sandbox_engine, clean_engine,
                                                         tmp_path, capsys):
    late = step("again", [{"type": "image", "name": "alpine"}], run="docker pull -q alpine")
    path = write_lab(tmp_path, [*SOUND, late], cleanup=CLEANUP, keeps={"images": ["alpine"]})
    code, out = self_test(path, sandbox_engine.docker_host, capsys)
    assert code == 1
    assert "FAIL again" in out and "already true BEFORE the step" in out
    assert "0 passed, 1 failed" in out


def test_pre_skip_with_a_reason_exempts_that_check(sandbox_engine, clean_engine, tmp_path,
                                                   capsys):
    late = step("again", [{"type": "image", "name": "alpine", "pre": "skip",
                           "pre_reason": TITLE}], run="docker pull -q alpine")
    path = write_lab(tmp_path, [*SOUND, late], cleanup=CLEANUP, keeps={"images": ["alpine"]})
    assert self_test(path, sandbox_engine.docker_host, capsys)[0] == 0


def test_leftovers_and_a_failing_check_fail_the_self_test(sandbox_engine, clean_engine,
                                                         tmp_path, capsys):
    path = write_lab(tmp_path, SOUND)  # no cleanup, no keeps
    code, out = self_test(path, sandbox_engine.docker_host, capsys)
    assert code == 1
    assert "cleanup left a container: lr-mini" in out and "cleanup left an image: alpine" in out
    wrong = [step("pull", [{"type": "image", "name": "nginx"}], run="docker pull -q alpine")]
    code, out = self_test(write_lab(tmp_path, wrong, keeps={"images": ["alpine"]}),
                          sandbox_engine.docker_host, capsys)
    assert code == 1 and "false after the step: image nginx:latest is present" not in out
    assert "false after the step: image nginx is present" in out


def test_removing_what_the_lab_did_not_create_needs_destructive(sandbox_engine, clean_engine,
                                                               tmp_path, capsys):
    steps = [step("rmi", [{"type": "image", "name": "busybox", "state": "absent"}],
                  run="docker rmi busybox")]
    path = write_lab(tmp_path, steps, selftest={"prepare": ["docker pull -q busybox"]})
    code, out = self_test(path, sandbox_engine.docker_host, capsys)
    assert code == 1 and "removed an object it had not created: busybox:latest" in out
    marked = [dict(steps[0], destructive=True)]
    path = write_lab(tmp_path, marked, selftest={"prepare": ["docker pull -q busybox"]})
    assert self_test(path, sandbox_engine.docker_host, capsys)[0] == 0


def engine_run(sandbox_engine, tmp_path, data: dict, pacer, profile_changes=None):
    url = sandbox_engine.docker_host
    profile = replace(detect_profile(engine_info(url), url), **(profile_changes or {}))
    heard: list = []
    listener = type("L", (), {"on_event": lambda self, e: heard.append(e)})()
    client = docker_client(url)
    finished = LabRunner(LabRun(
        lab=Lab.model_validate({"format": 2, **data}), lab_path=tmp_path / "lab.yaml",
        profile=profile,
        listener=listener, language="en", work_dir=tmp_path / "work",
        docker_factory=lambda: client, environ={"PATH": "/usr/local/bin:/usr/bin:/bin"},
        pacer=pacer)).run()
    client.close()
    return finished, heard


class Declines(AutoPacer):
    def __init__(self):
        super().__init__()
        self.asked = []

    def confirm_destructive(self, step):
        self.asked.append(step.id)
        return False


def test_outside_the_sandbox_a_destructive_step_lists_what_it_deletes_and_asks(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    subprocess.run(["docker", "run", "--name", "precious", "busybox", "true"], env=docker_env,
                   check=True, capture_output=True)
    data = {"format": 2, "id": "wipe", "title": TITLE, "steps": [step(
        "wipe", [], destructive=True, run="docker rm -f $(docker ps -aq)")]}
    pacer = Declines()
    finished, heard = engine_run(sandbox_engine, tmp_path, data, pacer, {"sandbox": False})
    preview = [e for e in heard if isinstance(e, ev.DestructivePreview)]
    assert pacer.asked == ["wipe"] and preview[0].objects == {"containers": ["precious"]}
    assert finished.steps[0].status == "skipped"
    assert subprocess.run(["docker", "container", "inspect", "precious"], env=docker_env,
                          capture_output=True).returncode == 0, "declined: nothing deleted"
    finished, heard = engine_run(sandbox_engine, tmp_path, data, Declines())
    assert not any(isinstance(e, ev.DestructivePreview) for e in heard), "sandbox: no question"
    assert subprocess.run(["docker", "container", "inspect", "precious"], env=docker_env,
                          capture_output=True).returncode != 0


def test_a_failing_step_with_retry_runs_again_and_says_so(sandbox_engine, tmp_path):
    flaky = "test -e tried || { touch tried; echo 'network hiccup' >&2; false; }"
    data = {"format": 2, "id": "flaky", "title": TITLE, "steps": [step(
        "pull", [{"type": "output", "exit_code": 0}], run=flaky,
        rerun={"attempts": 3, "delay": 0})]}
    finished, heard = engine_run(sandbox_engine, tmp_path, data, AutoPacer())
    retried = [e for e in heard if isinstance(e, ev.StepRetried)]
    assert finished.status == "passed" and len(retried) == 1 and retried[0].attempt == 2
    data["steps"][0]["rerun"] = None
    (tmp_path / "work" / "tried").unlink()
    finished, _ = engine_run(sandbox_engine, tmp_path, data, AutoPacer())
    assert finished.status == "failed", "without retry the first failure counts"


def test_run_writes_a_json_report_with_the_grade(sandbox_engine, clean_engine, tmp_path,
                                                 capsys):
    task = step("pull-task", [{"type": "image", "name": "alpine"},
                              {"type": "typed", "regex": "docker (image )?pull"}],
                task={"solution": "docker pull -q alpine"})
    path = write_lab(tmp_path, [task, *SOUND[1:]], cleanup=CLEANUP)
    report = tmp_path / "report.json"
    code = main(["run", str(path), "--auto", "--engine", sandbox_engine.docker_host,
                 "--reporter", "plain", "--report", str(report), "--workdir",
                 str(tmp_path / "w")])
    out = capsys.readouterr().out
    assert code == 0, out
    data = json.loads(report.read_text())
    assert data["lab"]["id"] == "mini" and data["status"] == "passed"
    assert data["graded"] is False and data["mode"] == "unattended"  # --auto: a demonstration
    assert (data["grade"]["earned"], data["grade"]["total"]) == (0, 1)  # the solution: 0
    assert [s["id"] for s in data["steps"]] == ["pull-task", "run"]
    assert [c["status"] for c in data["steps"][0]["checks"]] == ["pass", "pass"]
    assert "Not graded: an unattended run" in out

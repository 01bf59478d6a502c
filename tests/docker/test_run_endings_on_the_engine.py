"""Every way a run ends runs the lab's cleanup and writes the report: a real labrunner on a
pseudo-terminal, on the sandbox engine, ended by real signals sent to its pid."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
READY = 'echo RE""ADY'  # prints READY; the command line shown does not contain it
T = {"fr": "t", "en": "t"}
# A lab command that leaves mouse reporting and bracketed paste on and the cursor hidden
BREAK_TERMINAL = r"printf '\e[?25l\e[?1000h\e[?2004h'"
# Run the CLI with a reporter that fails on a chunk of output holding BOOM: an internal error
CRASHING = ("import sys, runner.report as r\n"
            "from runner.run import events as ev\n"
            "real = r.Fanout.on_event\n"
            "def on_event(self, event):\n"
            "    if isinstance(event, ev.CommandOutput) and 'BOOM' in event.chunk:\n"
            "        raise RuntimeError('reporter broke')\n"
            "    real(self, event)\n"
            "r.Fanout.on_event = on_event\n"
            "from runner.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")


def step(step_id: str, commands: list[str], task: bool = False) -> dict:
    body = {"task": {"solution": commands}} if task else {"run": commands}
    return {"id": step_id, "title": T, "explain": T, **body}


def write_lab(tmp_path: Path, steps: list[dict], cleanup: list[str]) -> Path:
    lab = {"id": "endings", "title": T, "steps": steps, "cleanup": cleanup}
    path = tmp_path / "endings.yaml"
    path.write_text(yaml.safe_dump(lab))
    return path


def spawn(lab: Path, tmp_path: Path, engine: str, env: dict, prefix: tuple = ("-m", "runner"),
          extra: tuple = ()) -> pexpect.spawn:
    args = [*prefix, "run", str(lab), "--auto", "--lang", "en", "--reporter", "plain",
            "--engine", engine, "--workdir", str(tmp_path / "work"),
            "--report", str(tmp_path / "report.json"), *extra]
    return pexpect.spawn(sys.executable, args, cwd=str(ROOT), timeout=90, encoding="utf-8",
                         env=dict(env, HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "st")),
                         dimensions=(40, 150))


def finish(child: pexpect.spawn) -> tuple[int | None, str]:
    child.expect(pexpect.EOF, timeout=60)
    output = child.before
    child.close()
    return child.exitstatus, output


def container_left(name: str, docker_env: dict) -> bool:
    found = subprocess.run(["docker", "ps", "-aq", "--filter", f"name=^{name}$"], env=docker_env,
                           capture_output=True, text=True, check=True)
    return found.stdout.strip() != ""


def report(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))


VICTIM = ["docker run -d --name victim nginx", f"{READY}; sleep 60"]


@pytest.mark.parametrize("reporter", ["plain", "rich"])
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_run_the_cleanup_and_write_the_report(
        sandbox_engine, clean_engine, docker_env, tmp_path, signum, code, reporter):
    lab = write_lab(tmp_path, [step("start", VICTIM)], ["docker rm -f victim"])
    child = spawn(lab, tmp_path, sandbox_engine.docker_host, docker_env,
                  extra=("--reporter", reporter))
    child.expect_exact("READY")
    assert container_left("victim", docker_env)
    sent = time.monotonic()
    os.kill(child.pid, signum)
    status, output = finish(child)
    elapsed = time.monotonic() - sent
    print(f"{signal.Signals(signum).name} ({reporter}) to exit, cleanup done: {elapsed:.2f} s")
    assert status == code, output
    assert not container_left("victim", docker_env), "the cleanup did not run"
    assert report(tmp_path)["status"] == "interrupted"
    assert "Traceback" not in output
    assert elapsed < 15


def test_ctrl_c_during_the_cleanup_shortens_it_but_never_skips_it(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    started = tmp_path / "work" / "cleanup-started"
    lab = write_lab(tmp_path, [step("start", VICTIM)],
                    [f"touch {started}; sleep 60", "docker rm -f victim"])
    child = spawn(lab, tmp_path, sandbox_engine.docker_host, docker_env)
    child.expect_exact("READY")
    child.sendintr()  # a real Ctrl-C on the terminal
    deadline = time.monotonic() + 20
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert started.exists(), "the cleanup never started"
    time.sleep(0.3)
    sent = time.monotonic()
    child.sendintr()  # a second Ctrl-C, in the cleanup's `sleep 60`
    status, output = finish(child)
    assert status == 130, output
    assert time.monotonic() - sent < 20, "the second Ctrl-C did not shorten the cleanup"
    assert not container_left("victim", docker_env), "the cleanup was abandoned"
    assert report(tmp_path)["status"] == "interrupted"


def test_an_internal_error_runs_the_cleanup_and_leaves_a_log_and_exit_70(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    lab = write_lab(tmp_path, [step("start", ["docker run -d --name victim nginx", "echo BOOM"]),
                               step("after", ["true"])], ["docker rm -f victim"])
    child = spawn(lab, tmp_path, sandbox_engine.docker_host, docker_env, ("-c", CRASHING))
    status, output = finish(child)
    assert status == 70, output
    assert "Traceback" not in output
    assert "internal error (RuntimeError: reporter broke)" in output
    log = tmp_path / "work" / "labrunner-error.log"
    assert str(log) in output.replace("\r\n", "")
    assert "Traceback" in log.read_text() and "reporter broke" in log.read_text()
    assert not container_left("victim", docker_env), "the cleanup did not run"
    written = report(tmp_path)
    assert written["status"] == "aborted"
    assert written["error"] == {"message": "RuntimeError: reporter broke", "log": str(log)}
    assert [s["status"] for s in written["steps"]] == ["not_run", "not_run"]


@pytest.mark.parametrize("ending", ["end", "sigterm"])
def test_the_terminal_modes_a_command_turned_on_are_turned_off(
        sandbox_engine, clean_engine, docker_env, tmp_path, ending):
    commands = [BREAK_TERMINAL, f"{READY}; sleep 60" if ending == "sigterm" else READY]
    lab = write_lab(tmp_path, [step("break", commands)], ["true"])
    child = spawn(lab, tmp_path, sandbox_engine.docker_host, docker_env)
    child.expect_exact("READY")
    if ending == "sigterm":
        os.kill(child.pid, signal.SIGTERM)
    status, output = finish(child)
    assert status == (143 if ending == "sigterm" else 0), output
    tail = child.after if isinstance(child.after, str) else ""
    end = (output + tail)[-400:]
    for restore in ("\x1b[?25h", "\x1b[?1000l", "\x1b[?2004l", "\x1b[?1049l"):
        assert restore in end, (restore, end)


def test_ctrl_c_after_one_of_three_tasks_is_graded_over_three(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    lab = write_lab(tmp_path, [step("one", ["true"], task=True),
                               step("two", [f"{READY}; sleep 60"], task=True),
                               step("three", ["true"], task=True)], ["true"])
    child = spawn(lab, tmp_path, sandbox_engine.docker_host, docker_env)
    child.expect_exact("READY")
    child.sendintr()
    status, output = finish(child)
    assert status == 130, output
    written = report(tmp_path)
    assert "(points: 0 of 3)" in output, output  # --auto: the solutions' points, over all 3
    assert (written["grade"]["earned"], written["grade"]["total"]) == (0, 3)
    assert written["status"] == "interrupted" and written["graded"] is False
    assert [s["status"] for s in written["steps"]] == ["passed", "not_run", "not_run"]


@pytest.mark.parametrize("bad", ["report-folder-missing", "report-is-a-folder",
                                 "workdir-is-a-file"])
def test_bad_paths_are_refused_before_anything_runs(tmp_path, bad):
    ran = tmp_path / "ran"
    lab = write_lab(tmp_path, [step("start", [f"touch {ran}"])], [])
    args = ["--report", str(tmp_path / "missing" / "r.json")]
    if bad == "report-is-a-folder":
        args = ["--report", str(tmp_path)]
    elif bad == "workdir-is-a-file":
        (tmp_path / "file").write_text("")
        args = ["--workdir", str(tmp_path / "file")]
    done = subprocess.run([sys.executable, "-m", "runner", "run", str(lab), "--auto", "--lang",
                           "en", "--engine", "unix:///nowhere.sock", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert ("--report" if bad.startswith("report") else "--workdir") in done.stderr
    assert not ran.exists()


def test_closing_the_terminal_window_still_runs_the_cleanup_and_writes_the_report(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    lab = write_lab(tmp_path, [step("start", VICTIM)], ["docker rm -f victim"])
    child = spawn(lab, tmp_path, sandbox_engine.docker_host, docker_env)
    child.expect_exact("READY")
    os.close(child.child_fd)  # the window closes: SIGHUP, and every write to it fails (EIO)
    _, status = os.waitpid(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 129
    assert not container_left("victim", docker_env), "the cleanup did not run"
    assert report(tmp_path)["status"] == "interrupted"
    assert not list(tmp_path.rglob("labrunner-error.log")), "an internal error was logged"

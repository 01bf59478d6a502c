"""`labrunner run … --reporter plain > run.log` on a terminal: the file gets the plain log and
the terminal still shows the run (rich, on /dev/tty). Through a real pseudo-terminal."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SCRIPT = """
import sys
from runner.checks.base import CheckOutcome
from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.messages import msg
from runner.report import make_reporter
from runner.run import events as ev
from runner.run.status import LabStatus

lab = Lab.model_validate({"format": 2, "id": "demo", "title": {"fr": "Démo", "en": "Demo"},
    "steps": [{"id": "one", "title": {"fr": "Un", "en": "One"},
               "explain": {"fr": "x", "en": "Explained"}, "run": "echo hi"}]})
step = lab.steps[0]
profile = EngineProfile("linux", "unix:///s.sock", "/data", "overlay2", "27", True)
reporter = make_reporter("plain", sys.stdout, "en", mirror=sys.argv[1] == "mirror")
for event in (ev.LabStarted(lab, "en", profile, "/w"), ev.StepStarted(step, 1, 1),
              ev.CommandStarted(step, "echo hi"), ev.CommandOutput("hi\\n"),
              ev.CheckEvaluated(step, None, CheckOutcome("pass", msg("check.exit_code_is",
                                                                     code=0))),
              ev.StepChanges(step, containers_created=("www",)),
              ev.LabFinished(lab, LabStatus.PASSED, (), 0.5)):
    reporter.on_event(event)
print("LOG-END")
"""


def run_redirected(tmp_path: Path, mode: str) -> tuple[str, str]:
    """(what the terminal showed, what the file got) for the script run as `… > log`."""
    script, log = tmp_path / "show.py", tmp_path / "run.log"
    script.write_text(SCRIPT, encoding="utf-8")
    child = pexpect.spawn("bash", ["-c", f"{sys.executable} {script} {mode} > {log}; "
                                         "echo SCREEN-END"],
                          cwd=str(ROOT), encoding="utf-8", dimensions=(40, 80), timeout=30,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                               "TERM": "xterm"})
    child.expect("SCREEN-END")
    screen = ANSI.sub("", child.before)  # rich's colours: a terminal, indeed
    child.expect(pexpect.EOF)
    return screen, log.read_text(encoding="utf-8")


def test_the_terminal_shows_the_run_while_the_file_gets_the_plain_log(tmp_path):
    screen, log = run_redirected(tmp_path, "mirror")
    assert "─" in screen and "[1/1] One" in screen  # rich's rule, on the terminal
    assert "✔" in screen and "What changed" in screen and "$ echo hi" in screen
    assert "== Demo (demo) ==" not in screen  # the plain log is not on the screen
    assert "== Demo (demo) ==" in log and "  PASS " in log and "$ echo hi" in log
    assert "container www created" in log and log.rstrip().endswith("LOG-END")
    assert "\x1b" not in log and "─" not in log  # no colour codes, no rich drawing


def test_without_mirror_the_terminal_stays_as_before(tmp_path):
    screen, log = run_redirected(tmp_path, "none")
    assert "[1/1] One" not in screen and "✔" not in screen
    assert "== Demo (demo) ==" in log

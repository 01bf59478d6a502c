"""A hint names the lab's variables as its explanation does: the student reads
`docker history web`, never `docker history {image}`."""

from __future__ import annotations

import pytest

from runner.lab.model import Lab
from runner.run import events as ev
from runner.run.lab_runner import LabRun, LabRunner
from runner.run.status import Decision
from tests.shell.test_practice_flow import PROFILE, SETUP, Student

pytestmark = pytest.mark.shell


def test_a_hint_shows_the_values_of_the_lab_variables(tmp_path):
    step = {"id": "history", "title": {"fr": "h", "en": "h"}, "explain": {"fr": "x", "en": "x"},
            "run": ["docker history {image}"],
            "hints": [{"fr": "`docker history {image}`", "en": "`docker history {image}`"}],
            "checks": [{"type": "output", "exit_code": 0, "contains": "IMAGE"}]}
    lab = Lab.model_validate({"format": 2, "id": "p", "title": {"fr": "p", "en": "p"},
                              "variables": {"image": "web"}, "setup": SETUP, "steps": [step]})
    from runner.lab.practice import practice_lab

    heard: list = []
    listener = type("Heard", (), {"on_event": lambda self, event: heard.append(event)})()
    student = Student([(["docker histroy web"], ["unknown command"], [1])],
                      after=[Decision.HINT, Decision.CONTINUE])
    path = tmp_path / "lab.yaml"
    path.write_text("# the lab\n", encoding="utf-8")
    LabRunner(LabRun(lab=practice_lab(lab), lab_path=path, profile=PROFILE, listener=listener,
                     language="en", work_dir=tmp_path / "work", docker_factory=lambda: None,
                     environ={"PATH": "/usr/bin:/bin"}, pacer=student)).run()
    shown = [(event.text.fr, event.text.en) for event in heard if isinstance(event, ev.HintShown)]
    assert shown == [("`docker history web`", "`docker history web`")]

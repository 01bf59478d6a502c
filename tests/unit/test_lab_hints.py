"""Every task of every bundled lab has authored, bilingual hints: a nudge, then the command
with blanks (in practice mode, the solution itself stays behind `v` and `x`)."""

from __future__ import annotations

import pytest

from runner.lab.loader import bundled_labs, load_lab
from runner.lab.practice import practice_lab

LABS = {path.stem: load_lab(path) for path in bundled_labs()}


@pytest.mark.parametrize("name", sorted(LABS))
def test_every_task_has_a_nudge_then_a_near_solution(name):
    tasks = [step for step in practice_lab(LABS[name]).steps if step.task is not None]
    assert tasks, "a bundled lab has something for the student to type"
    assert [step.id for step in tasks if len(step.task.hints) < 2] == []


@pytest.mark.parametrize("name", sorted(LABS))
def test_run_steps_the_student_types_have_authored_hints_with_blanks(name):
    lab = LABS[name]
    practised = {step.id for step in practice_lab(lab).steps if step.task is not None}
    run_steps = [step for step in lab.steps if step.run is not None and step.id in practised]
    assert [step.id for step in run_steps if not step.hints] == [], "hints are authored"
    assert [step.id for step in run_steps
            if not all("____" in text for text in (step.hints[-1].fr, step.hints[-1].en))] == []


@pytest.mark.parametrize("name", sorted(LABS))
def test_hints_speak_both_languages(name):
    steps = practice_lab(LABS[name]).steps
    hints = [hint for step in steps if step.task is not None for hint in step.task.hints]
    assert [hint for hint in hints if not (hint.fr.strip() and hint.en.strip())] == []
    assert [hint.fr for hint in hints if hint.fr == hint.en and " : " not in hint.fr
            and any(word in hint.fr for word in (" the ", " then "))] == []

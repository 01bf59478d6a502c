"""The lab keys a grade reads: a task's points and hints, the lab's pass mark and what a
solution earns; their defaults, and bad values refused by the schema."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from runner.lab.model import Lab

TASK = {"id": "t", "title": {"fr": "t", "en": "t"}, "explain": {"fr": "t", "en": "t"},
        "task": {"solution": "docker pull nginx"}}


def lab(task: dict | None = None, **keys) -> Lab:
    step = dict(TASK, task=dict(TASK["task"], **(task or {})))
    return Lab.model_validate({"format": 2, "id": "demo", "title": {"fr": "d", "en": "d"},
                               "steps": [step], **keys})


def test_defaults_one_point_no_hint_half_the_points_and_nothing_for_a_solution():
    model = lab()
    assert model.steps[0].task.points == 1 and model.steps[0].task.hints == []
    assert model.grading.pass_mark == 50 and model.grading.solution_points == "none"


def test_declared_points_hints_and_grading_are_kept():
    model = lab({"points": 3, "hints": [{"fr": "Indice", "en": "Hint"}]},
                grading={"pass_mark": 80, "solution_points": "full"})
    assert model.steps[0].task.points == 3
    assert model.steps[0].task.hints[0].en == "Hint"
    assert (model.grading.pass_mark, model.grading.solution_points) == (80, "full")


@pytest.mark.parametrize(("task", "keys"), [
    ({"points": -1}, {}), ({"points": "2"}, {}), ({"points": 1.5}, {}),
    ({"hints": ["just text"]}, {}), ({}, {"grading": {"pass_mark": 101}}),
    ({}, {"grading": {"solution_points": "half"}}), ({}, {"grading": {"pass": 50}}),
])
def test_bad_values_are_refused(task, keys):
    with pytest.raises(ValidationError):
        lab(task, **keys)

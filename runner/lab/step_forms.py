"""Each step in every form it can run in: as written, and as each of its `variants` makes it
on some engine. The rules and semantic checks look at every form, each error placed where
the author wrote the key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from runner.lab.model import Lab, Step
from runner.lab.yaml_source import Path


@dataclass(frozen=True)
class StepForm:
    step: Step  # the step as it runs in this form
    step_at: Path  # the step in the document
    checks_at: Path  # where this form's `checks` list is written
    commands_at: Path  # where this form's `run` (or `task`) is written


def step_forms(lab: Lab) -> Iterator[StepForm]:
    for s, step in enumerate(lab.steps):
        at: Path = ("steps", s)
        yield StepForm(step, at, at, at)
        for key, variant in step.variants.items():
            form, _ = step.variant_for(frozenset({key}))
            own = (*at, "variants", key)
            yield StepForm(form, at, own if variant.checks is not None else at,
                           own if variant.run is not None or variant.task is not None else at)


def unique_paths(errors: Iterator) -> Iterator:
    """Each error once: a form that inherits the step's checks would repeat the step's."""
    seen: set[tuple] = set()
    for error in errors:
        key = (error.pos.line, error.pos.column, error.key)
        if key not in seen:
            seen.add(key)
            yield error

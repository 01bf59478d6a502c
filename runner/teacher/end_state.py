"""An exercise's end state, read on an engine: every check a lab marks `end_state: true`,
evaluated once (the state does not change while the teacher looks), step by step.

A task is credited when one of its end-state checks passes and none fails; a task without
any, or whose end-state checks all had to be skipped on this engine, is reported as not
checkable from the outside (its proof is the run's own report).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from runner.checks import evaluate
from runner.checks.base import CheckContext, CheckOutcome
from runner.engines.tags import engine_tags
from runner.lab.model import Lab, Step
from runner.run.status import CheckStatus


@dataclass(frozen=True)
class StepEndState:
    step: Step  # as it is on this engine (its variant applied)
    applies: bool
    verdicts: tuple[tuple[Any, CheckOutcome], ...]  # (check, outcome), end-state checks only

    @property
    def checked(self) -> bool:
        """Has this step anything the engine can show afterwards?"""
        return self.applies and bool(self.verdicts)

    @property
    def evaluated(self) -> bool:
        """Has at least one of its end-state checks been evaluated here (not all skipped, as a
        path check is on an engine whose disk is not visible from here)?"""
        return self.checked and any(o.status != CheckStatus.SKIP for _, o in self.verdicts)

    @property
    def holds(self) -> bool:
        """Credit needs proof: one check that passes and none that fails (skips prove
        nothing)."""
        statuses = [outcome.status for _, outcome in self.verdicts]
        return self.checked and CheckStatus.PASS in statuses and CheckStatus.FAIL not in statuses


def has_end_state(lab: Lab) -> bool:
    return any(check.end_state for step in lab.steps for check in _all_checks(step))


def read_end_state(lab: Lab, values: Mapping[str, str], profile: Any,
                   docker_factory: Callable[[], Any], environ: Mapping[str, str]
                   ) -> list[StepEndState]:
    """Each step of the lab with its end-state checks evaluated on the engine."""
    names = engine_tags(profile)
    states = []
    for written in lab.steps:
        step, _ = written.variant_for(names)
        applies = not (step.only_on and names.isdisjoint(step.only_on))
        verdicts = tuple(
            (check, evaluate(check, _context(values, profile, docker_factory, environ),
                             once=True))
            for check in step.checks if check.end_state and applies)
        states.append(StepEndState(step, applies, verdicts))
    return states


def _context(values: Mapping[str, str], profile: Any, docker_factory: Callable[[], Any],
             environ: Mapping[str, str]) -> CheckContext:
    # engine_calls None: no record of what the student did is read here (not "no calls").
    return CheckContext([], profile, values, docker_factory, typed=None, environ=environ,
                        engine_calls=None)


def _all_checks(step: Step):
    yield from step.checks
    for variant in step.variants.values():
        yield from variant.checks or ()

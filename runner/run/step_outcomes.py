"""Each step's latest outcome in a run that may go back, re-run a step or jump ahead.

A step run again replaces its outcome; a step only replayed quietly (to rebuild the engine's
state for a jump) gets an outcome marked `replayed` unless it already has one from this run;
a step never reached is `not_run`. The summary therefore always lists every step of the lab,
in order, however the run ended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from runner.checks.base import CheckOutcome
from runner.lab.model import Step
from runner.messages import msg
from runner.run.credit import How, SolutionUse, TaskProgress, TaskResult, not_reached
from runner.run.events import StepSummary
from runner.run.status import CheckStatus, StepStatus


class StepOutcomes:
    def __init__(self, language: str) -> None:
        self.language = language
        self.by_index: dict[int, StepSummary] = {}

    def record(self, index: int, summary: StepSummary) -> None:
        """The step's latest outcome: it replaces any earlier one."""
        self.by_index[index] = summary

    def record_replayed(self, index: int, step: Step) -> None:
        """The step's commands (a task's solution) were replayed quietly; an outcome the
        person's own run of it gave earlier in this run still holds."""
        if index in self.by_index:
            return
        result = replayed_task_result(step.task.points) if step.task is not None else None
        self.by_index[index] = replace(summary_of(step, self.language, StepStatus.PASSED, []),
                                       replayed=True, result=result)

    def any_failed(self) -> bool:
        return any(summary.status == StepStatus.FAILED for summary in self.by_index.values())

    def every_step(self, steps: list[tuple[Step, bool]],
                   progress: Callable[[str], TaskProgress | None]) -> tuple[StepSummary, ...]:
        """One summary per step of the lab (`steps`: each as it is on this engine, and
        whether it applies here); a step without an outcome was not run."""
        return tuple(self.by_index.get(index) or self._not_run(step, applies, progress(step.id))
                     for index, (step, applies) in enumerate(steps, start=1))

    def _not_run(self, step: Step, applies: bool, progress: TaskProgress | None) -> StepSummary:
        """A step the run did not reach (or stopped in); its task counts in the total."""
        result = not_reached(step.task.points, progress) \
            if step.task is not None and applies else None
        return replace(summary_of(step, self.language, StepStatus.NOT_RUN, []),
                       applies=applies, result=result)


def replayed_task_result(points: int) -> TaskResult:
    """A task passed over by a jump: its solution ran, nothing is credited."""
    return TaskResult(How.SOLUTION, False, points, 0, solution=SolutionUse.RUN,
                      reason=msg("nav.credit_replayed"))


def summary_of(step: Step, language: str, status: StepStatus, outcomes: list[CheckOutcome],
               attempts: int = 1) -> StepSummary:
    count = lambda s: sum(1 for o in outcomes if o.status == s)  # noqa: E731
    return StepSummary(step.id, step.title.get(language), status,
                       *map(count, (CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.SKIP)),
                       step.is_task, attempts)

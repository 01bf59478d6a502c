"""The grade of a run and the status it ends with: one rule, read by every reporter and the CLI.

The total sums the points of every task of the lab that applies on this engine — not reached,
skipped and interrupted ones included, with nothing earned — so stopping early never raises a
grade. A lab without tasks has no points: its grade follows its steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from runner.run.status import LabStatus


@dataclass(frozen=True)
class Grade:
    earned: int
    total: int
    percent: float | None  # None: nothing to earn (no task, or none that applies here)
    pass_mark: int
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return {"earned": self.earned, "total": self.total, "percent": self.percent,
                "pass_mark": self.pass_mark, "passed": self.passed}


def grade_of(steps: Sequence[Any], pass_mark: int, status: str) -> Grade:
    """The points earned over the points of every task that applies (steps: StepSummary)."""
    results = [step.result for step in steps if step.applies and step.result is not None]
    return grade_of_points([(result.earned, result.points) for result in results], pass_mark,
                           status)


def grade_of_points(points: Sequence[tuple[int, int]], pass_mark: int, status: str) -> Grade:
    """The grade of tasks given as (earned, worth): `grade_of` for a run, and for a teacher's
    `labrunner check`, whose results are plain data."""
    earned = sum(got for got, _ in points)
    total = sum(worth for _, worth in points)
    if not total:
        return Grade(earned, total, None, pass_mark, status == LabStatus.PASSED)
    exact = 100 * earned / total
    return Grade(earned, total, round(exact, 1), pass_mark, exact >= pass_mark)


def final_status(status: str, steps: Sequence[Any], graded: bool) -> str:
    """A run whose steps all passed is `incomplete` while a task it grades was not credited
    (skipped, done by its solution, nothing to prove). Unattended runs are not graded."""
    if status != LabStatus.PASSED or not graded:
        return status
    results = [step.result for step in steps if step.applies and step.result is not None]
    return LabStatus.INCOMPLETE if any(not r.credited for r in results) else status

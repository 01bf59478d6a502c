"""The closed sets of a run: how a step, a lab and a check end, and what a person decides.

They are `StrEnum`s whose values are the words the JSON report and the catalogs use
(`report.status_not_run`), so a member equals its string and tests iterate over the members
instead of re-listing the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StepStatus(StrEnum):
    """How one step ended (StepSummary.status)."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"  # the run stopped before this step


class RunMode(StrEnum):
    """Who was at the keyboard (the report's `mode`)."""

    INTERACTIVE = "interactive"
    UNATTENDED = "unattended"  # --auto, or no terminal: a demonstration, not graded
    ANSWERS = "answers"  # grade-answers: a student's answers file, run unattended and graded


class LabStatus(StrEnum):
    """How the whole run ended (LabFinished.status); the CLI maps it to an exit code."""

    PASSED = "passed"
    FAILED = "failed"
    INCOMPLETE = "incomplete"  # no step failed, but a graded task earned no credit
    INTERRUPTED = "interrupted"  # Ctrl-C, or a signal (SIGTERM, SIGHUP)
    QUIT = "quit"  # the person answered q at a prompt (the cleanup has run)
    ABORTED = "aborted"  # setup failed or the shell died


class CheckStatus(StrEnum):
    """One check's verdict (CheckOutcome.status)."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"  # not evaluated here, e.g. a path on an engine whose disk is not visible


class Decision(StrEnum):
    """What the person (or a pacer) decides before or after a step, or after a failed task."""

    RUN = "run"
    SKIP = "skip"
    QUIT = "quit"
    RETRY = "retry"
    CONTINUE = "continue"
    HINT = "hint"  # show the task's next hint, then ask again
    SHOW_SOLUTION = "show_solution"  # show the task's solution, then ask again
    RUN_SOLUTION = "run_solution"  # run the task's solution in the lab's shell
    BACK = "back"  # rewind: cleanup, setup, the earlier steps replayed quietly
    RERUN = "rerun"  # after a step: run it again, the engine as it is now
    IMPROVISE = "improvise"  # the person's own shell on the lab's engine, then asked again


@dataclass(frozen=True)
class Jump:
    """Go to step `index` (1-based): later steps are reached by replaying the ones between
    quietly, earlier ones by a rewind (runner/run/replay.py)."""

    index: int

"""The decisions a person takes during a run (Pacer), and AutoPacer, which takes them all
unattended (--auto, no terminal, `labrunner test`): every step runs, tasks run their solution.
The keyboard's pacer is runner/run/pacing.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from runner.lab.model import Step
from runner.run.status import Decision, Jump
from runner.shell.student import StudentWork


class Pacer(Protocol):
    """Every decision a person may take during a run; AutoPacer takes them unattended."""

    def before_step(self, step: Step, commands: list[str]) -> Decision | Jump:
        """RUN, SKIP or QUIT; BACK (rewind, then the previous step), Jump(n), IMPROVISE
        (`improvise`, then asked again), HINT before a task (shown, then asked again).
        `commands` are what will run, variables substituted."""

    def after_step(self, step: Step, passed: bool) -> Decision | Jump:
        """Once the step ran: CONTINUE, RERUN (again, the engine as it is now), BACK
        (rewind to the state before this step, then show it again), Jump(n), IMPROVISE
        (then asked again) or QUIT. Optional: a pacer without it always continues."""

    def improvise(self, env: Mapping[str, str], cwd: str) -> str:
        """The person's own interactive shell on the lab's engine (`env`: the lab shell's,
        through the guard), started in `cwd`; returns the folder it ended in."""

    def confirm_destructive(self, step: Step) -> bool:
        """May this step delete the objects just listed (DestructivePreview)?"""

    def confirm_earlier_cleanup(self, pid: int) -> bool:
        """Run the lab's cleanup for an earlier run (pid) killed before its own cleanup?"""

    def student_task(self, step: Step, env: Mapping[str, str], cwd: str) -> StudentWork | None:
        """Let the student do the task; None: run its solution unattended instead."""

    def after_failed_task(self, step: Step) -> str:
        """A task's checks failed: RETRY, CONTINUE, QUIT, HINT, SHOW_SOLUTION or
        RUN_SOLUTION (HINT and SHOW_SOLUTION: shown, then asked again)."""


class AutoPacer:
    """--auto: run every step without waiting; tasks run their solution.

    Destructive steps outside the sandbox run only with --yes-destructive."""

    def __init__(self, allow_destructive: bool = False) -> None:
        self.allow_destructive = allow_destructive

    def before_step(self, step: Step, commands: list[str]) -> Decision:
        return Decision.RUN

    def after_step(self, step: Step, passed: bool) -> Decision:
        return Decision.CONTINUE

    def confirm_destructive(self, step: Step) -> bool:
        return self.allow_destructive

    def confirm_earlier_cleanup(self, pid: int) -> bool:
        return True  # the lab's cleanup removes only what the lab creates

    def engine_consent(self):
        """The guard's `ask`: yes with --yes-destructive, else no (refused, saying how) —
        unless a destructive step, or an earlier run's cleanup, was allowed (step_confirmed)."""
        from runner.guard.consent import Answer, StepConsent

        answer = Answer.YES if self.allow_destructive else Answer.NO
        self._consent = StepConsent(lambda question: answer)
        return self._consent

    def next_step(self) -> None:
        if getattr(self, "_consent", None) is not None:
            self._consent.next_step()

    def step_confirmed(self) -> None:
        if getattr(self, "_consent", None) is not None:
            self._consent.allow_rest_of_step()

    def stop_asking(self) -> None:
        self.next_step()

    def student_task(self, step: Step, env: Mapping[str, str], cwd: str) -> None:
        return None

    def after_failed_task(self, step: Step) -> str:
        return Decision.CONTINUE

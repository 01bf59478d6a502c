"""One task, attempt after attempt: the checks when the student's shell opens, the shell, the
checks when it closes; after a failure the student retries, asks for a hint, sees or runs
the solution, goes on or quits. Every attempt is recorded (runner/run/credit.py Attempt) for
the credit rule and the report. Unattended, the solution runs instead of the shell.
"""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING

from runner.checks import evaluate
from runner.checks.base import CheckOutcome
from runner.run import events as ev
from runner.run.credit import ATTEMPT_CHECKS, Attempt, SolutionUse, TaskProgress
from runner.run.status import CheckStatus, Decision
from runner.shell.student import TypedCommand

if TYPE_CHECKING:
    from runner.run.step_runner import StepRunner

Outcomes = list[CheckOutcome]


class TaskFlow:
    def __init__(self, runner: StepRunner) -> None:
        self.runner = runner
        self.context = runner.context
        self.step = runner.step
        self.progress: TaskProgress = runner.progress

    def run(self) -> Outcomes | None:
        """The task's final verdicts; None when the student quits."""
        while True:
            outcomes = self._attempt()
            if outcomes is None or _passed(outcomes):
                return outcomes
            decision = self._after_failure()
            if decision == Decision.QUIT:
                return None
            if decision == Decision.RUN_SOLUTION:
                return self._run_solution(self._before())
            if decision != Decision.RETRY:
                return outcomes
            self.runner.attempts += 1

    def show_hint(self) -> None:
        """The next hint (the last one again once all were shown); counted once each."""
        hints = self.step.task.hints if self.step.task else []
        if not hints:
            return
        self.progress.hints = min(self.progress.hints + 1, len(hints))
        self.context.emit(ev.HintShown(self.step, self.progress.hints, len(hints),
                                       hints[self.progress.hints - 1]))

    def _attempt(self) -> Outcomes | None:
        """One opening of the student's shell, recorded; unattended: the solution runs."""
        context = self.context
        before = self._before()
        context.emit(ev.TaskOpened(self.step, self.runner.attempts))
        opened, mark = time.time(), len(context.engine_records())
        environ = context.student_environ or context.environ
        work = context.pacer.student_task(self.step, environ, context.shell.cwd)
        if work is None:
            self.progress.solution = SolutionUse.RUN
            return self._run_solution(before, opened)
        closed = time.time()
        context.emit(ev.TaskTyped(self.step, tuple(work.typed)))
        context.follow_directory(work.cwd)
        calls = self._calls_since(mark, "student")
        outcomes, checks = self.runner.check_all([], typed=work.typed, engine_calls=calls)
        self._record(Attempt(self.runner.attempts, opened, closed, "student",
                             tuple(work.commands), calls, before, checks))
        return outcomes

    def _run_solution(self, before, opened: float | None = None) -> Outcomes:
        """The solution's commands in the lab's shell, recorded as an attempt by the solution."""
        if opened is None:  # asked for after a failure: a new attempt, announced
            self.progress.solution = SolutionUse.RUN
            self.runner.attempts += 1
            self.context.emit(ev.SolutionRun(self.step))
        opened, mark = opened or time.time(), len(self.context.engine_records())
        results = self.runner.run_commands()
        calls = self._calls_since(mark, "lab")
        outcomes, checks = self.runner.check_all(results, engine_calls=calls)
        ends = itertools.accumulate((r.duration for r in results), initial=opened)
        commands = tuple(TypedCommand(r.command, r.exit_code, round(end, 3))
                         for r, end in zip(results, list(ends)[1:], strict=True))
        self._record(Attempt(self.runner.attempts, opened, time.time(), "solution", commands,
                             calls, before, checks))
        return outcomes

    def _after_failure(self) -> str:
        """Ask what next; a hint or the solution is shown, then the question comes again."""
        while True:
            decision = self.context.pacer.after_failed_task(self.step)
            if decision == Decision.HINT:
                self.show_hint()
            elif decision == Decision.SHOW_SOLUTION:
                if self.progress.solution == SolutionUse.NONE:
                    self.progress.solution = SolutionUse.SHOWN
                self.context.emit(ev.SolutionShown(self.step, tuple(self.runner.commands)))
            else:
                return decision

    def _before(self) -> tuple[tuple[object, CheckOutcome | None], ...]:
        """Each check as the task opens (once, no retry); None for checks on what the attempt
        does (output, typed, engine calls): nothing was done yet."""
        context = self.runner.check_context([], typed=[])
        return tuple((check, None if check.type in ATTEMPT_CHECKS
                      else evaluate(check, context, once=True)) for check in self.step.checks)

    def _calls_since(self, mark: int, shell: str) -> tuple[dict, ...]:
        return tuple(call for call in self.context.engine_records()[mark:]
                     if call.get("shell") == shell)

    def _record(self, attempt: Attempt) -> None:
        self.progress.attempts.append(attempt)


def _passed(outcomes: Outcomes) -> bool:
    return all(outcome.status != CheckStatus.FAIL for outcome in outcomes)

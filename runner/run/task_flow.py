"""One task, attempt after attempt: the checks when the student's shell opens, the shell, the
checks when it closes; after a failure the student retries, asks for a hint, sees or runs
the solution, goes on or quits. Every attempt is recorded (runner/run/credit.py Attempt) for
the credit rule and the report. Unattended, the solution runs instead of the shell.

A practice step (runner/lab/practice.py) is a task too: its preparation commands run, shown,
as it first opens; its shell's output is captured, and its `output` checks read the commands
typed last, one for each of the solution's commands after the preparation (the last typed
stands for the solution's last), with their exit codes. The attempts share one history file,
removed when the task ends.
"""

from __future__ import annotations

import inspect
import itertools
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from runner.checks import evaluate
from runner.checks.base import CheckOutcome
from runner.checks.output import OutputCheck
from runner.lab.practice import preparation
from runner.lab.types import LocalizedText
from runner.lab.variables import substitute
from runner.run import events as ev
from runner.run.credit import ATTEMPT_CHECKS, Attempt, SolutionUse, TaskProgress
from runner.run.status import CheckStatus, Decision
from runner.shell.owner import write_owner_marker
from runner.shell.session import CommandResult
from runner.shell.student import StudentWork, TaskShell, TypedCommand

if TYPE_CHECKING:
    from runner.run.step_runner import StepRunner

Outcomes = list[CheckOutcome]


class TaskFlow:
    def __init__(self, runner: StepRunner) -> None:
        self.runner = runner
        self.context = runner.context
        self.step = runner.step
        self.progress: TaskProgress = runner.progress
        self.prepared: list[CommandResult] | None = None  # None: preparation not run yet
        self._history: Path | None = None  # the folder of the attempts' history file

    def run(self) -> Outcomes | None:
        """The task's final verdicts; None when the student quits."""
        try:
            return self._attempts()
        finally:
            if self._history is not None:
                shutil.rmtree(self._history, ignore_errors=True)

    def _attempts(self) -> Outcomes | None:
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
        hint, values = hints[self.progress.hints - 1], self.context.values
        # a hint names the lab's variables as its explanation does: `docker pull {image}`
        shown = LocalizedText(fr=substitute(hint.fr, values), en=substitute(hint.en, values))
        self.context.emit(ev.HintShown(self.step, self.progress.hints, len(hints), shown))

    def _attempt(self) -> Outcomes | None:
        """One opening of the student's shell, recorded; unattended: the solution runs."""
        context = self.context
        self._prepare()  # first: what the preparation leaves is not the student's change
        before = self._before()
        context.emit(ev.TaskOpened(self.step, self.runner.attempts))
        opened, mark = time.time(), len(context.engine_records())
        work = self._student_work()
        if work is None:
            self.progress.solution = SolutionUse.RUN
            return self._run_solution(before, opened)
        closed = time.time()
        context.emit(ev.TaskTyped(self.step, tuple(work.typed)))
        context.follow_directory(work.cwd)
        calls = self._calls_since(mark, "student")
        outcomes, checks = self.runner.check_all(self._typed_results(work), typed=work.typed,
                                                 engine_calls=calls)
        self._record(Attempt(self.runner.attempts, opened, closed, "student",
                             tuple(work.commands), calls, before, checks))
        return outcomes

    def _prepare(self) -> None:
        """A practice step's preparation commands, shown, once (runner/lab/practice.py)."""
        if self.prepared is None:
            count = preparation(self.step)
            self.prepared = [self.runner.run_command(c) for c in self.runner.commands[:count]]

    def _student_work(self) -> StudentWork | None:
        """The student's shell (None: the pacer runs the solution instead). A pacer that
        takes `shell` gets the task's history file and, for output checks, the capture."""
        context = self.context
        environ = context.student_environ or context.environ
        student_task = context.pacer.student_task
        if "shell" not in inspect.signature(student_task).parameters:
            return student_task(self.step, environ, context.shell.cwd)
        capture = any(isinstance(check, OutputCheck) for check in self.step.checks)
        shell = TaskShell(self._history_file(), capture)
        return student_task(self.step, environ, context.shell.cwd, shell=shell)

    def _history_file(self) -> Path:
        """One history file for all the task's attempts, in a folder a later run removes if
        this one is killed."""
        if self._history is None:
            self._history = Path(tempfile.mkdtemp(prefix="labrunner-task-"))
            write_owner_marker(self._history)
        return self._history / "history"

    def _typed_results(self, work: StudentWork) -> list[CommandResult]:
        """What output checks read: the preparation's results, then the commands typed last,
        one for each of the solution's remaining commands ([] for a step without output
        checks: an authored task)."""
        if not any(isinstance(check, OutputCheck) for check in self.step.checks):
            return []
        wanted = len(self.runner.commands) - len(self.prepared or [])
        outputs = [*work.outputs, *[""] * (len(work.commands) - len(work.outputs))]
        pairs = list(zip(work.commands, outputs, strict=False))[-wanted:] if wanted else []
        return [*(self.prepared or []), *(CommandResult(c.text, c.exit_code, output, False, 0.0)
                                         for c, output in pairs)]

    def _run_solution(self, before, opened: float | None = None) -> Outcomes:
        """The solution's commands in the lab's shell, recorded as an attempt by the solution
        (after a practice step's preparation, only the commands that follow it)."""
        if opened is None:  # asked for after a failure: a new attempt, announced
            self.progress.solution = SolutionUse.RUN
            self.runner.attempts += 1
            self.context.emit(ev.SolutionRun(self.step))
        opened, mark = opened or time.time(), len(self.context.engine_records())
        prepared = self.prepared or []
        results = self.runner.run_commands(self.runner.commands[len(prepared):])
        calls = self._calls_since(mark, "lab")
        outcomes, checks = self.runner.check_all(prepared + results, engine_calls=calls)
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
        if self.prepared:
            attempt = _prepared_as_preconditions(attempt)
        self.progress.attempts.append(attempt)


def _prepared_as_preconditions(attempt: Attempt) -> Attempt:
    """A practice step's checks that its preparation already made true are preconditions:
    they must still hold, but only a change of the student's (their engine calls) earns."""
    done = {id(check) for check, outcome in attempt.before if outcome and outcome.passed}

    def marked(pairs):
        return tuple((check.model_copy(update={"precondition": True})
                      if id(check) in done else check, outcome) for check, outcome in pairs)

    return replace(attempt, before=marked(attempt.before), checks=marked(attempt.checks))


def _passed(outcomes: Outcomes) -> bool:
    return all(outcome.status != CheckStatus.FAIL for outcome in outcomes)

"""One step of a lab: the destructive guard, pre-checks, commands (retried), task, checks.

The engine (runner/engine.py) walks the lab and owns the shell; a StepRunner runs one step in
it and reports everything as events. It never prints and never reads the keyboard: the
pacer decides (Enter, a confirmation, the student's own shell).
"""

from __future__ import annotations

import time
from typing import Any

from runner.checks import evaluate
from runner.checks.base import CheckContext, CheckOutcome
from runner.engines.inventory import KINDS, take
from runner.lab.model import OutputCheck, Step
from runner.lab.variables import substitute
from runner.run import events as ev
from runner.run.destructive import deleted_kinds
from runner.shell.session import Answer, CommandResult

Outcomes = list[CheckOutcome]


class StepRunner:
    def __init__(self, engine: Any, step: Step, commands: list[str]) -> None:
        self.engine = engine  # LabRunner: run_, shell, values, docker(), emit()
        self.step = step
        self.commands = commands
        self.attempts = 1

    def destructive_allowed(self) -> bool:
        """The sandbox allows it; elsewhere the student sees what would go, and decides."""
        if self.engine.run_.profile.sandbox:
            return True
        kinds = deleted_kinds(self.commands) or frozenset(KINDS)
        inventory = take(self.engine.docker().api)
        objects = {kind: inventory.names(kind) for kind in KINDS if kind in kinds}
        self.engine.emit(ev.DestructivePreview(self.step, objects))
        return self.engine.run_.pacer.confirm_destructive(self.step)

    def pre_check(self) -> None:
        """Evaluate the checks before the step (`labrunner test`): each must not pass yet.

        Output checks look at the step's own output, which does not exist yet: not evaluated."""
        for check in self.step.checks:
            if check.pre == "skip" or isinstance(check, OutputCheck):
                continue
            result = evaluate(check, self._context([], typed=[]))
            self.engine.emit(ev.PreCheckEvaluated(self.step, check, result))

    def run(self) -> Outcomes | None:
        """Commands (or the student's task), then the checks; None when the student quits."""
        if self.step.is_task:
            return self._task()
        return self._check_all(self._run_commands())

    def _task(self) -> Outcomes | None:
        pacer = self.engine.run_.pacer
        while True:
            self.engine.emit(ev.TaskOpened(self.step, self.attempts))
            work = pacer.student_task(self.step, self.engine.shell_environment(),
                                      self.engine.shell.cwd)
            if work is None:  # unattended (--auto, labrunner test): the solution runs
                return self._check_all(self._run_commands())
            self.engine.emit(ev.TaskTyped(self.step, tuple(work.typed)))
            self.engine.follow_directory(work.cwd)
            outcomes = self._check_all([], typed=work.typed)
            if all(o.status != "fail" for o in outcomes):
                return outcomes
            decision = pacer.after_failed_task(self.step)
            if decision == "quit":
                return None
            if decision != "retry":
                return outcomes
            self.attempts += 1

    def _run_commands(self) -> list[CommandResult]:
        retry = self.step.retry
        attempts = retry.attempts if retry else 1
        for attempt in range(1, attempts + 1):
            results = [self._run_command(command) for command in self.commands]
            failed = next((r for r in results if r.exit_code != 0), None)
            if failed is None or attempt == attempts:
                return results
            self.engine.emit(ev.StepRetried(self.step, attempt + 1, attempts, failed))
            time.sleep(retry.delay)
        raise AssertionError("unreachable")

    def _run_command(self, text: str) -> CommandResult:
        engine = self.engine
        engine.emit(ev.CommandStarted(self.step, text))
        answers = [Answer(substitute(a.expect, engine.values), substitute(a.send, engine.values))
                   for a in self.step.answers]
        timeout = self.step.timeout or engine.lab.timeout
        result = engine.shell.run(text, timeout=timeout, answers=answers)
        engine.emit(ev.CommandFinished(self.step, result))
        return result

    def _check_all(self, results: list[CommandResult], typed: list[str] | None = None) -> Outcomes:
        outcomes = []
        for check in self.step.checks:
            result = evaluate(check, self._context(results, typed))
            self.engine.emit(ev.CheckEvaluated(self.step, check, result))
            outcomes.append(result)
        return outcomes

    def _context(self, results: list[CommandResult], typed: list[str] | None) -> CheckContext:
        engine = self.engine
        return CheckContext(results, engine.run_.profile, engine.values, engine.docker,
                            cwd=engine.shell.cwd, typed=typed)

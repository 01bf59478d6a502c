"""One step of a lab: the destructive guard, pre-checks, commands (run again on failure when
the step says `rerun`), the student's task, checks.

The lab runner (runner/run/lab_runner.py) walks the lab and owns the shell; a StepRunner runs
one step in it, with exactly what a StepContext gives it, and reports everything as events.
It never prints and never reads the keyboard: the pacer decides (Enter, a confirmation, the
student's own shell).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from runner.checks import evaluate
from runner.checks.base import CheckContext, CheckOutcome
from runner.checks.output import OutputCheck
from runner.engines.profile import EngineProfile
from runner.lab.model import Step
from runner.lab.variables import substitute
from runner.run import destructive
from runner.run import events as ev
from runner.run.command_verdicts import unexpected_ends
from runner.run.credit import TaskProgress, is_precondition
from runner.shell.session import Answer, CommandResult, ShellSession

Outcomes = list[CheckOutcome]


@dataclass
class StepContext:
    """What one step needs from the run, and nothing more."""

    shell: ShellSession  # the lab's persistent shell
    values: Mapping[str, str]  # variables, built-ins included
    profile: EngineProfile  # the Docker engine the lab runs on
    docker: Callable[[], Any]  # the run's one engine client, created on first use
    emit: Callable[[ev.Event], None]
    pacer: Any  # runner.run.lab_runner.Pacer
    environ: Mapping[str, str]  # the lab shell's environment (probes run with it)
    timeout: float  # the lab's default seconds per command
    follow_directory: Callable[[str], None]  # the lab shell goes where the student ended
    student_environ: Mapping[str, str] | None = None  # the task shell's; None: environ
    # The guard's records so far (runner/guard/record.py), oldest first: sliced per attempt.
    engine_records: Callable[[], Sequence[dict]] = lambda: ()
    guarded: bool = False  # a guard records the calls; without one, engine_call cannot look


class StepRunner:
    def __init__(self, context: StepContext, step: Step, commands: list[str]) -> None:
        self.context = context
        self.step = step
        self.commands = commands
        self.attempts = 1
        self.progress = TaskProgress()  # a task's attempts, hints and solution

    def destructive_allowed(self) -> bool:
        """May this destructive step run here (runner/run/destructive.py decides)?"""
        context = self.context
        return destructive.may_run(self.step, self.commands, context.profile, context.docker,
                                   context.emit, context.pacer.confirm_destructive)

    def pre_check(self) -> None:
        """Evaluate the checks before the step (`labrunner test`): each must not pass yet.

        Output checks look at the step's own output, which does not exist yet, and a task's
        preconditions (`precondition: true`) may hold already: neither is evaluated. One
        attempt each: a check that is expected to fail is not retried."""
        for check in self.step.checks:
            if is_precondition(check) or isinstance(check, OutputCheck):
                continue
            result = evaluate(check, self.check_context([], typed=[]), once=True)
            self.context.emit(ev.PreCheckEvaluated(self.step, check, result))

    def run(self) -> Outcomes | None:
        """Commands (or the student's task), then the checks; None when the student quits."""
        if self.step.is_task:
            return self.task_flow().run()
        mark = len(self.context.engine_records())
        results = self.run_commands()
        calls = tuple(call for call in self.context.engine_records()[mark:]
                      if call.get("shell") == "lab")
        return self.check_all(results, engine_calls=calls)[0]

    def task_flow(self):
        """The task's attempts, hints and solution (runner/run/task_flow.py)."""
        from runner.run.task_flow import TaskFlow

        return TaskFlow(self)

    def run_commands(self, commands: list[str] | None = None) -> list[CommandResult]:
        """The step's commands (or these), run again as its `rerun` says when one fails."""
        commands = self.commands if commands is None else commands
        rerun = self.step.rerun
        attempts = rerun.attempts if rerun else 1
        for attempt in range(1, attempts + 1):
            results = [self.run_command(command) for command in commands]
            failed = next((r for r in results if r.exit_code != 0), None)
            if failed is None or attempt == attempts:
                return results
            self.context.emit(ev.StepRetried(self.step, attempt + 1, attempts, failed))
            time.sleep(rerun.delay)
        raise AssertionError("unreachable")

    def run_command(self, text: str) -> CommandResult:
        """One command in the lab's shell, shown (events) and answered as the step says."""
        context = self.context
        context.emit(ev.CommandStarted(self.step, text))
        answers = [Answer(substitute(a.expect, context.values, escape=re.escape),
                          substitute(a.send, context.values)) for a in self.step.answers]
        timeout = self.step.timeout or context.timeout
        result = context.shell.run(text, timeout=timeout, answers=answers)
        context.emit(ev.CommandFinished(self.step, result))
        return result

    def check_all(self, results: list[CommandResult], typed: list[str] | None = None,
                  engine_calls: Sequence[dict] = ()) -> tuple[Outcomes, tuple]:
        """The step's checks, then a failed outcome for each command that failed or timed
        out where no output check expects it (runner/run/command_verdicts.py). Returns the
        outcomes and the (check, outcome) pairs."""
        evaluated = []
        for check in self.step.checks:
            result = evaluate(check, self.check_context(results, typed, engine_calls))
            self.context.emit(ev.CheckEvaluated(self.step, check, result))
            evaluated.append((check, result))
        for check, result in unexpected_ends(results, evaluated):
            self.context.emit(ev.CheckEvaluated(self.step, check, result))
            evaluated.append((check, result))
        return [result for _, result in evaluated], tuple(evaluated)

    def check_context(self, results: list[CommandResult], typed: list[str] | None,
                      engine_calls: Sequence[dict] = ()) -> CheckContext:
        context = self.context
        return CheckContext(results, context.profile, context.values, context.docker,
                            cwd=context.shell.cwd, typed=typed, environ=context.environ,
                            engine_calls=tuple(engine_calls) if context.guarded else None)

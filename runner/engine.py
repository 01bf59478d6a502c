"""Walks a lab: setup, then each step (commands in one shell, then checks), then cleanup.

The engine reports everything as events to a listener and asks a pacer before each step
(Enter to run, or nothing at all with --auto); it never prints and never reads the keyboard.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from runner import events as ev
from runner.checks import evaluate
from runner.checks.base import CheckContext, CheckOutcome
from runner.engine_profile import EngineProfile
from runner.errors import ShellError
from runner.messages import msg
from runner.model import Lab, LocalizedText, Step
from runner.shell import Answer, CommandResult, ShellSession
from runner.variables import substitute


class Pacer(Protocol):
    def before_step(self, step: Step, commands: list[str]) -> str:
        """Return "run", "skip" or "quit"; `commands` are what will run, variables substituted."""


class AutoPacer:
    """--auto: run every step without waiting."""

    def before_step(self, step: Step, commands: list[str]) -> str:
        return "run"


@dataclass
class LabRun:
    """Everything one run of a lab needs, injected so tests can swap any part."""

    lab: Lab
    lab_path: Path
    profile: EngineProfile
    listener: ev.Listener
    language: str
    work_dir: Path
    docker_factory: Callable[[], Any]
    environ: Mapping[str, str]
    pacer: Pacer = AutoPacer()
    shell_factory: Callable[..., ShellSession] = ShellSession


class LabEngine:
    def __init__(self, run: LabRun) -> None:
        self.run_ = run
        self.lab = run.lab
        self.values = builtin_values(run) | _lab_values(run.lab, builtin_values(run))
        self.summaries: list[ev.StepSummary] = []
        self.shell: ShellSession | None = None
        self.quiet = False  # setup and cleanup output is kept in results, not shown live

    def run(self) -> ev.LabFinished:
        """Run the whole lab; returns (and emits) the final LabFinished event."""
        started = time.monotonic()
        self._emit(ev.LabStarted(self.lab, self.run_.language, self.run_.profile,
                                 str(self.run_.work_dir)))
        status = "passed"
        try:
            self.shell = self._start_shell()
            if not self._run_phase("setup", self.lab.setup):
                status = "aborted"
            else:
                status = self._run_steps_then_cleanup()
        finally:
            if self.shell is not None:
                self.shell.close()
        finished = ev.LabFinished(self.lab, status, tuple(self.summaries),
                                  time.monotonic() - started, str(self.run_.work_dir))
        self._emit(finished)
        return finished

    def _run_steps_then_cleanup(self) -> str:
        try:
            status = self._run_steps()
        except KeyboardInterrupt:
            self._interrupt_shell()
            status = "interrupted"
        except ShellError as error:
            self._emit(ev.Notice(msg(error.key, **error.params), "error"))
            status = "aborted"
        self._run_cleanup()
        return status

    def _run_steps(self) -> str:
        total = len(self.lab.steps)
        failed = False
        for index, step in enumerate(self.lab.steps, start=1):
            summary = self._run_step(step, index, total)
            if summary is None:
                self._mark_not_run(index)
                return "interrupted"
            self.summaries.append(summary)
            failed = failed or summary.status == "failed"
        return "failed" if failed else "passed"

    def _run_step(self, step: Step, index: int, total: int) -> ev.StepSummary | None:
        kind = self.run_.profile.kind
        if step.only_on and kind not in step.only_on:
            reason = msg("engine.step_only_on", kinds=", ".join(step.only_on), kind=kind)
            return self._skip(step, index, total, reason)
        notes = tuple(msg("engine.note", text=text.en, text_fr=text.fr)
                      for engine, note in step.engine_notes.items() if engine == kind
                      for text in [self._localized(note)])
        self._emit(ev.StepStarted(step, index, total, notes, self._localized(step.explain)))
        commands = [substitute(command, self.values, quote=True) for command in step.commands]
        choice = self.run_.pacer.before_step(step, commands)
        if choice == "quit":
            return None
        if choice == "skip":
            return self._skip(step, index, total, msg("engine.step_skipped_by_user"))
        results = [self._run_command(step, command) for command in commands]
        outcomes = [self._check(step, check, results) for check in step.checks]
        passed = all(o.status != "fail" for o in outcomes)
        self._emit(ev.StepFinished(step, passed))
        return _summary(step, self.run_.language, "passed" if passed else "failed", outcomes)

    def _localized(self, text: LocalizedText) -> LocalizedText:
        """Explanations may name variables too, e.g. `{docker_root}`."""
        return LocalizedText(fr=substitute(text.fr, self.values),
                             en=substitute(text.en, self.values))

    def _skip(self, step: Step, index: int, total: int, reason) -> ev.StepSummary:
        self._emit(ev.StepSkipped(step, index, total, reason))
        return _summary(step, self.run_.language, "skipped", [])

    def _mark_not_run(self, first_index: int) -> None:
        for step in self.lab.steps[first_index - 1:]:
            self.summaries.append(_summary(step, self.run_.language, "not_run", []))

    def _run_command(self, step: Step, text: str) -> CommandResult:
        self._emit(ev.CommandStarted(step, text))
        answers = [Answer(substitute(a.expect, self.values), substitute(a.send, self.values))
                   for a in step.answers]
        timeout = step.timeout or self.lab.timeout
        result = self.shell.run(text, timeout=timeout, answers=answers)
        self._emit(ev.CommandFinished(step, result))
        return result

    def _check(self, step: Step, check, results: list[CommandResult]) -> CheckOutcome:
        context = CheckContext(results, self.run_.profile, self.values, self.run_.docker_factory)
        result = evaluate(check, context)
        self._emit(ev.CheckEvaluated(step, check, result))
        return result

    def _run_phase(self, phase: str, commands: list[str]) -> bool:
        """Run setup or cleanup quietly; report the commands that failed."""
        if not commands:
            return True
        self._emit(ev.PhaseStarted(phase))
        failures = []
        self.quiet = True
        try:
            for command in commands:
                text = substitute(command, self.values, quote=True)
                result = self.shell.run(text, timeout=self.lab.timeout)
                if result.exit_code != 0:
                    failures.append(result)
                    if phase == "setup":
                        break
        finally:
            self.quiet = False
        self._emit(ev.PhaseFinished(phase, tuple(failures)))
        return not failures

    def _run_cleanup(self) -> None:
        """Cleanup always runs; a second Ctrl-C during it is ignored once so it can finish."""
        try:
            try:
                self._run_phase("cleanup", self.lab.cleanup)
            except ShellError:  # the session died during the steps: cleanup gets a new one
                self.shell.close()
                self.shell = self._start_shell()
                self._run_phase("cleanup", self.lab.cleanup)
        except KeyboardInterrupt:
            self._interrupt_shell()
            self._emit(ev.Notice(msg("engine.cleanup_interrupted"), "warning"))

    def _interrupt_shell(self) -> None:
        if self.shell is not None:
            self.shell.interrupt()

    def _start_shell(self) -> ShellSession:
        environ = dict(self.run_.environ)
        environ["DOCKER_HOST"] = self.run_.profile.endpoint
        self.run_.work_dir.mkdir(parents=True, exist_ok=True)
        shell = self.run_.shell_factory(env=environ, cwd=str(self.run_.work_dir),
                                        on_output=self._on_output)
        shell.start()
        return shell

    def _on_output(self, chunk: str) -> None:
        if not self.quiet:
            self._emit(ev.CommandOutput(chunk))

    def _emit(self, event: object) -> None:
        self.run_.listener.on_event(event)


def builtin_values(run: LabRun) -> dict[str, str]:
    """Variables every lab may use: where the engine keeps its data, where the lab lives…"""
    return {
        "docker_root": run.profile.docker_root,
        "docker_host": run.profile.endpoint,
        "engine_kind": run.profile.kind,
        "lab_dir": str(run.lab_path.resolve().parent),
        "work_dir": str(run.work_dir),
        "lang": run.language,
    }


def _lab_values(lab: Lab, builtins: dict[str, str]) -> dict[str, str]:
    # A lab variable may be built from built-ins, e.g. layers: "{docker_root}/overlay2".
    return {name: substitute(value, builtins) for name, value in lab.variables.items()}


def _summary(step: Step, language: str, status: str, outcomes: list[CheckOutcome]):
    count = lambda s: sum(1 for o in outcomes if o.status == s)  # noqa: E731
    return ev.StepSummary(step.id, step.title.get(language), status,
                          count("pass"), count("fail"), count("skip"))

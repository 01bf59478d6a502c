"""Walks a lab: setup, then each step (commands in one shell, then checks), then cleanup.

The engine reports everything as events to a listener and asks a pacer before and after
each step (Enter to run, or nothing at all with --auto; runner/run/auto_pacer.py); it never
prints and never reads the keyboard. The pacer may also go back, re-run a step, jump to
another or open the person's own shell (runner/run/navigation.py: rewinds, quiet replays),
and each step's latest outcome counts (runner/run/step_outcomes.py).
Each task's result comes from runner/run/credit.py, the run's final status from
runner/run/grade.py.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from runner.engines.profile import EngineProfile
from runner.engines.tags import described, engine_tags
from runner.errors import ShellError
from runner.lab.model import Lab, LocalizedText, Step
from runner.lab.variables import substitute
from runner.messages import msg
from runner.run import events as ev
from runner.run.auto_pacer import AutoPacer, Pacer
from runner.run.credit import TaskProgress, TaskResult, task_result
from runner.run.engine_guard import shell_environment, start_guard
from runner.run.grade import final_status
from runner.run.navigation import Navigation, SetupFailed
from runner.run.records import RunRecord, forget
from runner.run.status import CheckStatus, Decision, Jump, LabStatus, RunMode, StepStatus
from runner.run.step_outcomes import StepOutcomes, summary_of
from runner.run.step_runner import StepContext, StepRunner
from runner.shell.session import ShellSession


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
    pacer: Pacer = field(default_factory=AutoPacer)
    shell_factory: Callable[..., ShellSession] = ShellSession
    pre_checks: bool = False  # labrunner test: evaluate each step's checks before it too
    # Runs of this lab killed before their cleanup (runner/run/records.py): cleaned up first
    earlier_runs: tuple[RunRecord, ...] = ()
    # Who is at the keyboard; None: unattended with AutoPacer, else interactive
    mode: RunMode | None = None
    start_at: int = 1  # run --from, or a resumed run: the steps before replay quietly

    @property
    def run_mode(self) -> RunMode:
        if self.mode is not None:
            return self.mode
        return RunMode.UNATTENDED if isinstance(self.pacer, AutoPacer) else RunMode.INTERACTIVE


class LabRunner:
    def __init__(self, run: LabRun) -> None:
        self.run_ = run
        self.lab = run.lab
        # once: on a helper each storage question is an exec
        self.values = lab_values(run.lab, run.profile, run.lab_path, str(run.work_dir),
                                 run.language)
        self.outcomes = StepOutcomes(run.language)
        self.navigation = Navigation(self)  # back, again, jumps: quiet replays and rewinds
        self.shell: ShellSession | None = None
        self.quiet = False  # setup and cleanup output is kept in results, not shown live
        self._docker: Any = None
        self.guard: Any = None  # runner/guard: between the shells and the engine
        self.declined: list[RunRecord] = []  # earlier runs whose cleanup the person declined
        self.progress: dict[str, TaskProgress] = {}  # tasks begun, by step id (for a stop)

    def run(self) -> ev.LabFinished:
        """Run the whole lab; returns (and emits) the final LabFinished event.

        Whatever ends the steps (Ctrl-C, SIGTERM, an internal error), the cleanup runs and
        LabFinished is emitted, so the report is written."""
        started = time.monotonic()
        mode = self.run_.run_mode
        self.emit(ev.LabStarted(self.lab, self.run_.language, self.run_.profile,
                                str(self.run_.work_dir), str(self.run_.lab_path), mode))
        self.crash: BaseException | None = None
        try:
            self.guard = self._start_guard()
            self.shell = self._start_shell()
            status = self._run_guarded()
        finally:
            self.tell_pacer("stop_asking")
            try:
                if self.shell is not None:
                    self.shell.close()
            finally:
                if self.guard is not None:
                    self.guard.stop()
        calls = tuple(self.guard.records) if self.guard is not None else ()
        summaries = self.summaries()
        status = final_status(status, summaries, mode != RunMode.UNATTENDED)
        finished = ev.LabFinished(self.lab, status, summaries,
                                  time.monotonic() - started, str(self.run_.work_dir),
                                  *self._crash_details(), engine_calls=calls, mode=mode,
                                  pass_mark=self.lab.grading.pass_mark)
        self._emit_despite_interrupts(finished)
        return finished

    def _run_guarded(self) -> str:
        status, needs_cleanup = self._run_until_stopped()
        if not needs_cleanup:
            return status
        try:
            interrupted = self._run_cleanup()
        except Exception as error:  # noqa: BLE001 - a crash in the cleanup still ends the run
            self.crash = self.crash or error
            return LabStatus.ABORTED
        if not interrupted:  # the same cleanup removed what the declined earlier runs left
            for record in self.declined:
                forget(record)
        return LabStatus.INTERRUPTED if interrupted and not self.crash else status

    def _run_until_stopped(self) -> tuple[str, bool]:
        """(status, whether the cleanup must run): setup then the steps, until they end."""
        try:
            self._clean_after_earlier_runs()
            if not self._run_phase("setup", self.lab.setup):
                return LabStatus.ABORTED, False
            return self._run_steps(), True
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM / SIGHUP (runner/run/signals.py)
            status = LabStatus.INTERRUPTED
        except ShellError as error:
            self.emit(ev.Notice(msg(error.key, **error.params), "error"))
            status = LabStatus.ABORTED
        except Exception as error:  # noqa: BLE001 - an internal error: cleanup, then say so
            self.crash = error
            status = LabStatus.ABORTED
        self._interrupt_shell()  # the command running then may still be running
        return status, True

    def _clean_after_earlier_runs(self) -> None:
        """Run the lab's cleanup once for each earlier run killed before its own (if the
        person agrees), so their objects do not make this run's setup refuse to start."""
        for record in self.run_.earlier_runs:
            self.emit(ev.Notice(msg("engine.earlier_run_left", pid=record.pid,
                                    started=record.started_at), "warning"))
            if not self.run_.pacer.confirm_earlier_cleanup(record.pid):
                self.emit(ev.Notice(msg("engine.earlier_run_cleanup_declined")))
                self.declined.append(record)  # forgotten once this run's own cleanup ran
                continue
            # Its objects are not this run's: the person's yes lets the guard remove them.
            self.tell_pacer("step_confirmed")
            if self._run_cleanup(earlier=True):
                raise KeyboardInterrupt  # stopped during it: this run stops too
            forget(record)

    def _crash_details(self) -> tuple[str, str]:
        """The internal error in one line, and the log file holding its traceback."""
        if self.crash is None:
            return "", ""
        from runner.run.crash_log import write_crash_log

        log = write_crash_log(self.crash, self.run_.work_dir)
        return f"{type(self.crash).__name__}: {self.crash}"[:500], str(log or "")

    def _run_steps(self) -> str:
        """Each step in turn, wherever the pacer sends the run (back, again, a jump)."""
        total = len(self.lab.steps)
        try:
            index, ask = self.navigation.go(1, self.run_.start_at), True
            while index <= total:
                move = self._run_step(index, total, ask)
                if move is None:
                    return LabStatus.QUIT
                index, ask = move
        except SetupFailed:  # in a rewind
            return LabStatus.ABORTED
        return LabStatus.FAILED if self.outcomes.any_failed() else LabStatus.PASSED

    def _run_step(self, index: int, total: int, ask: bool) -> tuple[int, bool] | None:
        """Show and run step `index` (`ask`: the pacer decides first); where to go next (a
        step, and whether to ask before it), or None when the person quits."""
        step, variant, notes, applies = self.prepared(self.lab.steps[index - 1])
        if not applies:
            reason = msg("engine.step_only_on", kinds=", ".join(step.only_on),
                         kind=described(self.run_.profile))
            self.outcomes.record(index, self.skip(step, index, total, reason, notes, False))
            return index + 1, True
        self.tell_pacer("next_step")  # the guard asks afresh
        self.emit(ev.StepStarted(step, index, total, notes, self._localized(step.explain)))
        commands = self.commands(step)
        runner = StepRunner(self.step_context(), step, commands)
        self._keep_task_progress(step, runner)
        if ask and (choice := self._before_step(step, commands, runner)) != Decision.RUN:
            return self.navigation.before(choice, step, index, total)
        summary = self._execute(step, variant, runner, index, total)
        if summary is None:
            return None
        self.outcomes.record(index, summary)
        if summary.status == StepStatus.SKIPPED:
            return index + 1, True
        return self.navigation.after(step, index, summary.status == StepStatus.PASSED)

    def _execute(self, step: Step, variant: str | None, runner: StepRunner, index: int,
                 total: int) -> ev.StepSummary | None:
        """The step's commands (or the task) and checks; None when the person quits."""
        if step.destructive:
            if not runner.destructive_allowed():
                return self.skip(step, index, total, msg("engine.destructive_declined"))
            # yes to the preview: the guard lets this step's deletions through unasked
            self.tell_pacer("step_confirmed")
        if self.run_.pre_checks:
            runner.pre_check()
        outcomes = runner.run()
        if outcomes is None:
            return None
        passed = all(o.status != CheckStatus.FAIL for o in outcomes)
        self.emit(ev.StepFinished(step, passed))
        status = StepStatus.PASSED if passed else StepStatus.FAILED
        summary = summary_of(step, self.run_.language, status, outcomes, runner.attempts)
        return replace(summary, variant=variant or "", result=self._graded(step, runner.progress))

    def _before_step(self, step: Step, commands: list[str], runner: StepRunner
                     ) -> Decision | Jump:
        """The pacer's choice; a hint asked for before a task is shown, an improvised shell
        opened, then the pacer is asked again."""
        while True:
            choice = self.run_.pacer.before_step(step, commands)
            if choice == Decision.HINT:
                runner.task_flow().show_hint()
            elif choice == Decision.IMPROVISE:
                self.improvise()
            else:
                return choice

    def improvise(self) -> None:
        """The person's own shell on the lab's engine, through the guard as the lab's shell;
        the lab's shell then goes on in the folder it ended in."""
        folder = self.run_.pacer.improvise(self.shell_environment(), self.shell.cwd)
        self.follow_directory(folder)

    def rewind(self) -> None:
        """The engine as a fresh run finds it: the lab's cleanup, its setup, the lab's shell
        back in the work folder."""
        if self._run_cleanup():
            raise KeyboardInterrupt  # Ctrl-C during it: the run stops (its cleanup runs again)
        if not self._run_phase("setup", self.lab.setup):
            raise SetupFailed
        self.shell.run(f"cd {shlex.quote(str(self.run_.work_dir))}", timeout=self.lab.timeout)

    def prepared(self, step: Step) -> tuple[Step, str | None, tuple, bool]:
        """The step as it is on this engine (its variant, its title's variables filled in),
        the variant's name, the engine notes for this engine, and whether it applies here."""
        names = engine_tags(self.run_.profile)
        step, variant = step.variant_for(names)
        step = self._resolved(step)
        notes = tuple(msg("engine.note", text=text.en, text_fr=text.fr)
                      for engine, note in step.engine_notes.items() if engine in names
                      for text in [self._localized(note)])
        return step, variant, notes, not (step.only_on and names.isdisjoint(step.only_on))

    def commands(self, step: Step) -> list[str]:
        return [substitute(command, self.values, quote=True) for command in step.commands]

    def _keep_task_progress(self, step: Step, runner: StepRunner) -> None:
        """A task shown again (back, re-run) starts new attempts, but the hints seen and a
        solution used still count."""
        if not step.is_task:
            return
        earlier = self.progress.get(step.id)
        if earlier is not None:
            runner.progress.hints, runner.progress.solution = earlier.hints, earlier.solution
        self.progress[step.id] = runner.progress

    def summaries(self) -> tuple[ev.StepSummary, ...]:
        """Every step of the lab, in order: its latest outcome, or not run."""
        steps = [(step, applies) for step, _, _, applies in map(self.prepared, self.lab.steps)]
        return self.outcomes.every_step(steps, self.progress.get)

    def _graded(self, step: Step, progress: TaskProgress | None,
                skipped: bool = False) -> TaskResult | None:
        """A task's result (said to the student: TaskGraded, unless unattended, where the
        solutions run and nothing is graded); None for a step that is not a task."""
        if step.task is None:
            return None
        result = task_result(progress or TaskProgress(), step.task.points,
                             self.lab.grading.solution_points, skipped)
        if self.run_.run_mode != RunMode.UNATTENDED:
            self.emit(ev.TaskGraded(step, result))
        return result

    def step_context(self) -> StepContext:
        return StepContext(shell=self.shell, values=self.values, profile=self.run_.profile,
                           docker=self.docker, emit=self.emit, pacer=self.run_.pacer,
                           environ=self.shell_environment(), timeout=self.lab.timeout,
                           follow_directory=self.follow_directory,
                           student_environ=self.shell_environment("student"),
                           engine_records=self._engine_records,
                           guarded=self.guard is not None)

    def _engine_records(self) -> list[dict]:
        return self.guard.records if self.guard is not None else []

    def _localized(self, text: LocalizedText) -> LocalizedText:
        """Explanations and titles may name variables, e.g. `{docker_root}`."""
        return LocalizedText(fr=substitute(text.fr, self.values),
                             en=substitute(text.en, self.values))

    def skip(self, step: Step, index: int, total: int, reason, notes: tuple = (),
              applies: bool = True) -> ev.StepSummary:
        self.emit(ev.StepSkipped(step, index, total, reason, notes))
        result = self._graded(step, self.progress.get(step.id), skipped=True) if applies else None
        return replace(summary_of(step, self.run_.language, StepStatus.SKIPPED, []),
                       applies=applies, result=result)

    def _resolved(self, step: Step) -> Step:
        """The step with its title's variables filled in: every event and summary carry it."""
        return step.model_copy(update={"title": self._localized(step.title)})

    def _run_phase(self, phase: str, commands: list[str]) -> bool:
        """Run setup or cleanup quietly; report the commands that failed."""
        if not commands:
            return True
        self.tell_pacer("next_step")  # no yes carries into it
        self.emit(ev.PhaseStarted(phase))
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
        self.emit(ev.PhaseFinished(phase, tuple(failures)))
        return not failures

    def _run_cleanup(self, earlier: bool = False) -> bool:
        """Cleanup always runs, every command of it. Ctrl-C or a signal during it stops only the
        command running then; returns whether that happened. `earlier`: for a killed earlier
        run, whose objects the person allowed it to remove."""
        if not self.lab.cleanup:
            return False
        if not earlier:  # a yes given in the last step does not carry into the cleanup
            self.tell_pacer("next_step")
        self._emit_despite_interrupts(ev.PhaseStarted("cleanup"))
        failures, interrupted = [], False
        self.quiet = True
        try:
            for command in self.lab.cleanup:
                try:
                    result = self._run_in_cleanup(substitute(command, self.values, quote=True))
                    if result.exit_code != 0:
                        failures.append(result)
                except KeyboardInterrupt:
                    interrupted = True
                    self._interrupt_shell()
        finally:
            self.quiet = False
        if interrupted:
            self._emit_despite_interrupts(ev.Notice(msg("engine.cleanup_interrupted"), "warning"))
        self._emit_despite_interrupts(ev.PhaseFinished("cleanup", tuple(failures)))
        return interrupted

    def _run_in_cleanup(self, text: str):
        try:
            return self.shell.run(text, timeout=self.lab.timeout)
        except ShellError:  # the session died during the steps: cleanup gets a new one
            self.shell.close()
            self.shell = self._start_shell()
            return self.shell.run(text, timeout=self.lab.timeout)

    def _interrupt_shell(self) -> None:
        """Stop the running command; a further Ctrl-C while it stops does not get out."""
        for _ in range(3):
            try:
                if self.shell is not None:
                    self.shell.interrupt()
                return
            except KeyboardInterrupt:
                continue
            except ShellError:
                return  # bash is gone: the cleanup starts a new one

    def _emit_despite_interrupts(self, event: object) -> None:
        """Events that end a run are delivered even if Ctrl-C or a signal lands meanwhile."""
        for _ in range(3):
            try:
                self.emit(event)
                return
            except KeyboardInterrupt:
                continue

    def _start_shell(self) -> ShellSession:
        self.run_.work_dir.mkdir(parents=True, exist_ok=True)
        shell = self.run_.shell_factory(env=self.shell_environment(), cwd=str(self.run_.work_dir),
                                        on_output=self._on_output)
        shell.start()
        return shell

    def tell_pacer(self, event: str) -> Any:
        """The guard's hooks on the pacer (engine_consent, next_step, step_confirmed,
        stop_asking); a pacer without them (tests' own) ignores them."""
        hook = getattr(self.run_.pacer, event, None)
        return hook() if hook is not None else None

    def _start_guard(self) -> Any:
        consent = self.tell_pacer("engine_consent")
        return start_guard(self.run_.profile, self.run_.environ, consent, self.run_.language,
                           lambda message: self.emit(ev.Notice(message, "warning")))

    def shell_environment(self, shell: str = "lab") -> dict[str, str]:
        """The lab shell's environment, or the student's task shell's: the lab's engine,
        through the guard's socket for that shell."""
        return shell_environment(self.run_.environ, self.run_.profile.endpoint, self.guard,
                                 shell)

    def follow_directory(self, folder: str) -> None:
        """After a task, the lab shell continues in the folder the student ended in."""
        if folder and folder != self.shell.cwd:
            self.shell.run(f"cd {shlex.quote(folder)}", timeout=self.lab.timeout)

    def docker(self) -> Any:
        """One engine client for the whole run, created on first use (`run` gives a reader
        on the standard library, runner/engines/reader.py; `labrunner test` the SDK's)."""
        if self._docker is None:
            self._docker = self.run_.docker_factory()
        return self._docker

    def _on_output(self, chunk: str) -> None:
        if not self.quiet:
            self.emit(ev.CommandOutput(chunk))

    def emit(self, event: object) -> None:
        self.run_.listener.on_event(event)


def lab_values(lab: Lab, profile: EngineProfile, lab_path: Path, work_dir: str,
               language: str) -> dict[str, str]:
    """The variables a lab's commands and checks see: the built-ins every lab may use (where
    the engine keeps its data, where the lab lives…), then the lab's own, built from them.
    A teacher's `labrunner check` passes no work folder: the student's files are not its."""
    builtins = {
        "docker_root": profile.docker_root,
        "docker_host": profile.endpoint,
        "engine_kind": profile.kind,
        "lab_dir": str(lab_path.resolve().parent),
        "work_dir": work_dir,
        "lang": language,
    } | _storage_values(profile)
    return builtins | _lab_values(lab, builtins)


def _storage_values(profile: EngineProfile) -> dict[str, str]:
    """Where this engine keeps layers, read through a helper where one was started for it."""
    from runner.storage.host_files import files_or_nowhere
    from runner.storage.variables import storage_values

    return storage_values(profile, files_or_nowhere(profile))


def _lab_values(lab: Lab, builtins: dict[str, str]) -> dict[str, str]:
    # A lab variable may be built from built-ins, e.g. layers: "{docker_root}/overlay2".
    return {name: substitute(value, builtins) for name, value in lab.variables.items()}

"""`labrunner test`: prove a lab sound by running it unattended on a private sandbox engine.

For each lab (and language): the engine is emptied (it is labrunner's own, never the user's),
`selftest.prepare` runs, then the lab with every check evaluated before its step too (it
must NOT pass yet: a check that already holds proves nothing) and after it (it must pass),
then cleanup, after which the engine must hold nothing new beyond the lab's `keeps`.
Nothing here prints: the verdict is data, rendered by runner/report/selftest_text.py.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.checks.base import Problem
from runner.engines.inventory import Inventory, take
from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.lab.variables import substitute
from runner.messages import Message, Translatable, msg
from runner.report.base import Reporter
from runner.run import events as ev
from runner.run.lab_runner import AutoPacer, LabRun, LabRunner
from runner.run.status import CheckStatus, LabStatus, StepStatus

PHASE_FAILED = {"setup": "selftest.setup_failed", "cleanup": "selftest.cleanup_failed"}


@dataclass
class StepVerdict:
    step_id: str
    status: StepStatus  # the step's own
    not_yet: int = 0  # checks that failed before the step, as they should
    passed_after: int = 0
    problems: list[Message] = field(default_factory=list)
    variant: str = ""  # the lab's variant for this engine that ran ("" = the step as written)
    applies: bool = True  # False: skipped because the step is not for this engine


@dataclass
class LabVerdict:
    lab_id: str
    language: str
    steps: list[StepVerdict] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)  # setup, cleanup, leftovers
    retries: list[Message] = field(default_factory=list)  # said, never hidden
    duration: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems and not any(step.problems for step in self.steps)


@dataclass(frozen=True)
class ProblemsDetail(Translatable):
    """A failed check's problems on one line, `what: expected ≠ actual; …`: translated when
    the verdict is shown, in the reader's language (not the language the lab ran in)."""

    problems: tuple[Problem, ...]

    def text(self, language: str) -> str:
        from runner.report.text import label, shown_value

        detail = "; ".join(f"{label(p.what.text(language), language)} "
                           f"{shown_value(p.expected, language)} ≠ "
                           f"{shown_value(p.actual, language)}" for p in self.problems)
        return detail.replace("\n", " ")


class Recorder(Reporter):
    """Listens to the engine and turns what it hears into a LabVerdict."""

    def __init__(self, verdict: LabVerdict, language: str, forward: Any = None) -> None:
        super().__init__(language)
        self.verdict = verdict
        self.forward = forward  # --verbose: the plain reporter shows the run too
        self.steps: dict[str, StepVerdict] = {}

    def on_event(self, event: object) -> None:
        super().on_event(event)
        if self.forward is not None:
            self.forward.on_event(event)

    def _step(self, step_id: str) -> StepVerdict:
        return self.steps.setdefault(step_id, StepVerdict(step_id, StepStatus.NOT_RUN))

    def on_pre_check_evaluated(self, event: ev.PreCheckEvaluated) -> None:
        verdict = self._step(event.step.id)
        if event.outcome.status == CheckStatus.PASS:
            verdict.problems.append(msg("selftest.passes_before", summary=event.outcome.summary))
        elif event.outcome.status == CheckStatus.FAIL:
            verdict.not_yet += 1

    def on_check_evaluated(self, event: ev.CheckEvaluated) -> None:
        verdict = self._step(event.step.id)
        if event.outcome.status == CheckStatus.PASS:
            verdict.passed_after += 1
        elif event.outcome.status == CheckStatus.FAIL:
            verdict.problems.append(msg("selftest.fails_after", summary=event.outcome.summary,
                                        detail=ProblemsDetail(event.outcome.problems)))

    def on_step_retried(self, event: ev.StepRetried) -> None:
        self.verdict.retries.append(msg("selftest.retried", step=event.step.id,
                                        attempt=event.attempt, code=event.failed.exit_code))

    def on_phase_finished(self, event: ev.PhaseFinished) -> None:
        for result in event.failures:
            self.verdict.problems.append(msg(PHASE_FAILED[event.phase],
                                             command=result.command, code=result.exit_code))

    def on_lab_finished(self, event: ev.LabFinished) -> None:
        for summary in event.steps:
            verdict = self._step(summary.step_id)
            verdict.status = summary.status
            verdict.variant, verdict.applies = summary.variant, summary.applies
            self.verdict.steps.append(verdict)
        if event.status in (LabStatus.ABORTED, LabStatus.INTERRUPTED):
            self.verdict.problems.append(msg("selftest.lab_stopped", status=event.status))

    handles = {ev.PreCheckEvaluated: on_pre_check_evaluated,
               ev.CheckEvaluated: on_check_evaluated, ev.StepRetried: on_step_retried,
               ev.PhaseFinished: on_phase_finished, ev.LabFinished: on_lab_finished}
    # The verdict is made of checks (before and after), retries, setup/cleanup failures and
    # the summaries; the rest is the run's transcript, which `forward` shows with --verbose.
    ignores = frozenset({
        ev.LabStarted, ev.Notice, ev.PromptShown, ev.StepStarted, ev.StepSkipped,
        ev.CommandStarted, ev.CommandOutput, ev.CommandFinished, ev.DestructivePreview,
        ev.TaskOpened, ev.TaskTyped, ev.HintShown, ev.SolutionShown, ev.SolutionRun,
        ev.TaskGraded, ev.StepFinished, ev.PhaseStarted, ev.StepReplayed, ev.StepChanges})


@dataclass
class SelfTest:
    """Everything a self-test of one lab needs; the engine must be a labrunner sandbox."""

    lab: Lab
    lab_path: Path
    language: str
    profile: EngineProfile
    docker_factory: Callable[[], Any]
    work_dir: Path
    environ: dict[str, str]
    forward: Any = None

    def run(self) -> LabVerdict:
        started = time.monotonic()
        verdict = LabVerdict(self.lab.id, self.language)
        client = self.docker_factory()
        empty_engine(client)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        if self._prepare(verdict):
            before = take(client.api)
            LabRunner(self._lab_run(verdict, client)).run()
            verdict.problems += leftovers(self.lab, before, take(client.api))
        verdict.duration = time.monotonic() - started
        return verdict

    def _lab_run(self, verdict: LabVerdict, client: Any) -> LabRun:
        return LabRun(lab=self.lab, lab_path=self.lab_path, profile=self.profile,
                      listener=Recorder(verdict, self.language, self.forward),
                      language=self.language, work_dir=self.work_dir,
                      docker_factory=lambda: client, environ=self.environ,
                      pacer=AutoPacer(allow_destructive=True), pre_checks=True)

    def _prepare(self, verdict: LabVerdict) -> bool:
        env = dict(self.environ, DOCKER_HOST=self.profile.endpoint)
        for command in self.lab.selftest.prepare:
            done = subprocess.run(["bash", "-c", command], cwd=self.work_dir, env=env,
                                  capture_output=True, text=True, timeout=self.lab.timeout)
            if done.returncode != 0:
                verdict.problems.append(msg("selftest.prepare_failed", command=command,
                                            code=done.returncode,
                                            detail=(done.stderr or done.stdout).strip()[-300:]))
                return False
        return True


def empty_engine(client: Any) -> None:
    """Remove every container, image and volume: only ever called on a sandbox engine."""
    api = client.api
    for container in api.containers(all=True):
        api.remove_container(container["Id"], force=True, v=True)
    _remove_images(api)
    for volume in (api.volumes() or {}).get("Volumes") or []:
        api.remove_volume(volume["Name"], force=True)


def _remove_images(api: Any) -> None:
    """Newest first, so that an image built FROM another goes before its parent (the engine
    refuses to remove a parent with children, even forced); a pass that still meets a
    conflict is followed by another, until nothing is left or nothing more can go."""
    from docker.errors import APIError

    while True:
        images = sorted(api.images(all=True), key=lambda image: image.get("Created", 0),
                        reverse=True)
        removed = 0
        for image in images:
            try:
                if _exists(api, image):  # removing a child may already have removed parents
                    api.remove_image(image["Id"], force=True)
                    removed += 1
            except APIError as error:
                if error.status_code != 409:
                    raise
        if not images or not removed:
            return


def _exists(api: Any, image: dict) -> bool:
    from docker.errors import NotFound

    try:
        api.inspect_image(image["Id"])
    except NotFound:
        return False
    return True


def leftovers(lab: Lab, before: Inventory, after: Inventory) -> list[Message]:
    """What the lab left (beyond `keeps`), and what it removed that it had not created."""
    keeps = lab.keeps.model_copy(update={  # keeps may name variables: {image}
        kind: [substitute(name, lab.variables) for name in getattr(lab.keeps, kind)]
        for kind in ("images", "containers", "volumes")})
    kept_images = {_reference(name) for name in keeps.images}
    problems = [msg("selftest.left_container", name=name)
                for cid, name in after.containers.items()
                if cid not in before.containers and name not in keeps.containers]
    problems += [msg("selftest.left_image", name=", ".join(tags) or image_id[7:19])
                 for image_id, tags in after.images.items()
                 if image_id not in before.images
                 and not (tags and {_familiar(tag) for tag in tags} <= kept_images)]
    problems += [msg("selftest.left_volume", name=name)
                 for name in sorted(after.volumes - before.volumes - set(keeps.volumes))]
    if not any(step.destructive for step in lab.steps):
        gone = [name for cid, name in before.containers.items() if cid not in after.containers]
        gone += [", ".join(tags) or image_id[7:19] for image_id, tags in before.images.items()
                 if image_id not in after.images]
        problems += [msg("selftest.removed", name=name) for name in gone]
    return problems


def _reference(name: str) -> str:
    """`nginx` -> `nginx:latest`, as Docker lists tags."""
    name = _familiar(name)
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last or "@" in last else f"{name}:latest"


def _familiar(reference: str) -> str:
    """A Docker Hub reference as Docker writes it: Podman lists `docker.io/library/nginx:latest`
    for what Docker calls `nginx:latest`."""
    return reference.removeprefix("docker.io/library/").removeprefix("docker.io/")

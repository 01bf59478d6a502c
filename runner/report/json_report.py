"""A JSON report of one run (format 2, schema/report.schema.json), for a teacher or a CI: who,
where, when, on which lab file and engine; every step and check; every attempt at every task
(commands with exit codes and times, the guard's record of the engine calls, the checks when
the task opened and closed); how each task was done and what it earned; the grade; a digest.

It listens like any reporter and writes the file when the lab finishes, however it finishes.
Messages are kept in the run's language; types and statuses are stable words.
"""

from __future__ import annotations

import getpass
import json
import socket
import time
from pathlib import Path
from typing import Any

from runner import __version__
from runner.report.base import Reporter
from runner.report.digest import report_digest
from runner.report.report_parts import check_dict, engine_dict, iso, lab_dict, result_dict
from runner.run import events as ev

FORMAT_VERSION = 2


class JsonReport(Reporter):
    def __init__(self, path: Path, language: str, student: str | None = None) -> None:
        super().__init__(language)
        self.path = path
        self.student = student or _os_user()
        self.started = time.time()
        self.data: dict[str, Any] = {}
        self.checks: dict[str, list[dict]] = {}

    def on_lab_started(self, event: ev.LabStarted) -> None:
        self.started = time.time()
        self.data = {"lab": lab_dict(event.lab, event.lab_file, self.language),
                     "engine": engine_dict(event.profile)}

    def on_check_evaluated(self, event: ev.CheckEvaluated) -> None:
        self.checks.setdefault(event.step.id, []).append(
            check_dict(event.check, event.outcome, self.language))

    def on_task_opened(self, event: ev.TaskOpened | ev.SolutionRun | ev.CommandStarted) -> None:
        # A task tried again (or done by its solution), a step run again (re-run, back, a
        # jump) keeps only its last verdicts here; every attempt's are in its result.
        self.checks[event.step.id] = []

    def on_lab_finished(self, event: ev.LabFinished) -> None:
        data = self.report(event)
        self.path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")

    def report(self, event: ev.LabFinished) -> dict[str, Any]:
        """The whole report, its digest last."""
        data = {"format": FORMAT_VERSION, "labrunner": __version__, "student": self.student,
                "host": socket.gethostname(), "started": iso(self.started),
                "finished": iso(time.time()), "duration": round(event.duration, 2),
                "mode": event.mode, "graded": event.graded, "language": self.language,
                **self.data, "status": event.status,
                "steps": [self._step(step) for step in event.steps],
                "grade": event.grade.as_dict(), "engine_calls": list(event.engine_calls)}
        if event.error:  # an internal error ended the run: what it was, where its traceback is
            data["error"] = {"message": event.error, "log": event.error_log}
        data["digest"] = report_digest(data)
        return data

    def _step(self, step: ev.StepSummary) -> dict[str, Any]:
        data = {"id": step.step_id, "title": step.title, "status": step.status,
                "task": step.task, "applies": step.applies,
                **({"variant": step.variant} if step.variant else {}),
                **({"replayed": True} if step.replayed else {}),
                "checks": self.checks.get(step.step_id, [])}
        if step.result is not None:
            data["result"] = result_dict(step.result, self.language)
        return data

    handles = {ev.LabStarted: on_lab_started, ev.CheckEvaluated: on_check_evaluated,
               ev.TaskOpened: on_task_opened, ev.SolutionRun: on_task_opened,
               ev.CommandStarted: on_task_opened,
               ev.LabFinished: on_lab_finished}
    # The report is the run's result, not its transcript: what was shown on the way (live
    # output, notices, prompts, hints) or is summed up at the end (StepSummary, TaskResult)
    # is left out.
    ignores = frozenset({
        ev.Notice, ev.PromptShown, ev.StepStarted, ev.StepSkipped, ev.CommandOutput,
        ev.CommandFinished, ev.PreCheckEvaluated, ev.StepRetried,
        ev.DestructivePreview, ev.TaskTyped, ev.HintShown, ev.SolutionShown, ev.TaskGraded,
        ev.StepFinished, ev.PhaseStarted, ev.PhaseFinished, ev.StepReplayed,
        ev.StepChanges})


def _os_user() -> str:
    """The OS user running labrunner (what `--student` defaults to)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return ""

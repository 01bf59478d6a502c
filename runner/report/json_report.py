"""A JSON report of one run, for a teacher or a CI: every step, every check, the grade.

It listens like any reporter and writes the file when the lab finishes. Messages are kept in
the run's language; check types and statuses are stable words a program can read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from runner.report.base import Reporter
from runner.report.text import percent
from runner.run import events as ev

FORMAT_VERSION = 1


class JsonReport(Reporter):
    def __init__(self, path: Path, language: str) -> None:
        super().__init__(language)
        self.path = path
        self.data: dict[str, Any] = {"format": FORMAT_VERSION, "steps": []}
        self.checks: dict[str, list[dict]] = {}
        self.typed: dict[str, list[str]] = {}

    def on_lab_started(self, event: ev.LabStarted) -> None:
        self.data |= {"lab": event.lab.id, "title": event.lab.title.get(self.language),
                      "language": self.language, "engine": event.profile.kind,
                      "docker_version": event.profile.server_version}

    def on_check_evaluated(self, event: ev.CheckEvaluated) -> None:
        outcome = event.outcome
        self.checks.setdefault(event.step.id, []).append({
            "type": event.check.type, "status": outcome.status, "summary": self.text(
                outcome.summary), "attempts": outcome.attempts,
            "problems": [{"what": self.text(p.what), "expected": p.expected,
                          "actual": p.actual} for p in outcome.problems]})

    def on_task_opened(self, event: ev.TaskOpened) -> None:
        # A task tried again keeps only its last verdicts: they are the ones that count.
        self.checks[event.step.id] = []

    def on_task_typed(self, event: ev.TaskTyped) -> None:
        self.typed[event.step.id] = list(event.commands)

    def on_lab_finished(self, event: ev.LabFinished) -> None:
        steps = [{"id": s.step_id, "title": s.title, "status": s.status, "task": s.task,
                  "attempts": s.attempts, "checks": self.checks.get(s.step_id, []),
                  "applies": s.applies, **({"variant": s.variant} if s.variant else {}),
                  **({"typed": self.typed[s.step_id]} if s.step_id in self.typed else {})}
                 for s in event.steps]
        done, total = event.grade
        self.data |= {"status": event.status, "duration": round(event.duration, 2),
                      "steps": steps, "grade": {"passed": done, "total": total,
                                                "percent": percent(done, total)}}
        self.data["engine_calls"] = list(event.engine_calls)  # what the shells asked the engine
        if event.error:  # an internal error ended the run: what it was, where its traceback is
            self.data["error"] = {"message": event.error, "log": event.error_log}
        self.path.write_text(json.dumps(self.data, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")

    handles = {ev.LabStarted: on_lab_started, ev.CheckEvaluated: on_check_evaluated,
               ev.TaskOpened: on_task_opened, ev.TaskTyped: on_task_typed,
               ev.LabFinished: on_lab_finished}
    # The report is the run's result, not its transcript: what was shown on the way (live
    # output, notices, prompts) or is summed up at the end (StepSummary) is left out.
    ignores = frozenset({
        ev.Notice, ev.PromptShown, ev.StepStarted, ev.StepSkipped, ev.CommandStarted,
        ev.CommandOutput, ev.CommandFinished, ev.PreCheckEvaluated, ev.StepRetried,
        ev.DestructivePreview, ev.StepFinished, ev.PhaseStarted, ev.PhaseFinished})

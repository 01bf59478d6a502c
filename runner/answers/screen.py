"""What a `grade-answers` run shows: the usual reporter, with the lines that speak to a
student at a keyboard ("type the commands, then exit", "skipped at your request") said as
they are true here (the answer's commands run; no answer for this task). The JSON report
hears the events unchanged."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from runner.answers.file import Answers
from runner.i18n import t
from runner.messages import msg
from runner.run import events as ev


class AnswersScreen:
    def __init__(self, reporter: Any, answers: Answers, language: str,
                 write: Callable[[str], None]) -> None:
        self.reporter = reporter
        self.answers = answers
        self.language = language
        self.write = write

    def on_event(self, event: object) -> None:
        if isinstance(event, ev.TaskOpened):
            count = len(self.answers.for_task(event.step.id))
            self.write(t("answers.task_opened", self.language, count=count))
        elif isinstance(event, ev.TaskTyped):
            return  # each command was shown as it ran
        elif isinstance(event, ev.StepSkipped) and event.step.is_task \
                and not self.answers.for_task(event.step.id):
            self.reporter.on_event(dataclasses.replace(event, reason=msg("answers.no_answer")))
        else:
            self.reporter.on_event(event)

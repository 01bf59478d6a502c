"""The reporter interface: one `on_event`, dispatched through a table each reporter declares.

A reporter names the events it handles (`handles`: event class -> method) and the ones it
ignores on purpose (`ignores`). Any other event raises UnhandledEvent: a renamed or new event
can never drop output silently (tests send every event through every reporter).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from runner.messages import Message
from runner.run import events as ev
from runner.run.events import Event
from runner.run.status import StepStatus


class UnhandledEvent(TypeError):
    """A programming error: a reporter got an event its tables do not mention."""


class Reporter:
    """Subclasses fill `handles` and `ignores`; together they must cover every event."""

    handles: ClassVar[Mapping[type[Event], Callable[[Any, Any], None]]] = {}
    ignores: ClassVar[frozenset[type[Event]]] = frozenset()

    def __init__(self, language: str) -> None:
        self.language = language

    def on_event(self, event: Event) -> None:
        handler = self.handles.get(type(event))
        if handler is not None:
            handler(self, event)
        elif type(event) not in self.ignores:
            raise UnhandledEvent(f"{type(self).__name__} neither handles nor ignores "
                                 f"{type(event).__name__}: add it to one of its tables")

    def text(self, message: Message) -> str:
        return message.text(self.language)

    def t(self, key: str, **params) -> str:
        from runner.i18n import t

        return t(key, self.language, **params)


class ScreenReporter(Reporter):
    """What a person reads, on a terminal (rich) or in a pipe (plain): the same events shown,
    each by the subclass's method of that name (a missing one fails at import)."""

    SHOWN: ClassVar[Mapping[type[Event], str]] = {
        ev.LabStarted: "on_lab_started", ev.Notice: "on_notice",
        ev.PromptShown: "on_prompt_shown", ev.StepStarted: "on_step_started",
        ev.StepSkipped: "on_step_skipped", ev.CommandStarted: "on_command_started",
        ev.CommandOutput: "on_command_output", ev.CommandFinished: "on_command_finished",
        ev.CheckEvaluated: "on_check_evaluated", ev.StepRetried: "on_step_retried",
        ev.DestructivePreview: "on_destructive_preview", ev.TaskOpened: "on_task_opened",
        ev.TaskTyped: "on_task_typed", ev.HintShown: "on_hint_shown",
        ev.SolutionShown: "on_solution_shown", ev.SolutionRun: "on_solution_run",
        ev.TaskGraded: "on_task_graded", ev.PhaseFinished: "on_phase_finished",
        ev.LabFinished: "on_lab_finished", ev.StepReplayed: "on_step_replayed",
        ev.StepChanges: "on_step_changes",
    }
    # A step's end shows in its checks; setup and cleanup run quietly (only failures are
    # shown); checks evaluated before their step are `labrunner test`'s (its Recorder).
    ignores = frozenset({ev.StepFinished, ev.PhaseStarted, ev.PreCheckEvaluated})
    # The engine guard's questions are shown from its own thread: one event on screen at a time.
    _screen = threading.RLock()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handles = {event: getattr(cls, name) for event, name in cls.SHOWN.items()}

    def on_event(self, event: Event) -> None:
        with self._screen:
            super().on_event(event)


def status_counts(steps: Iterable[Any]) -> Counter[StepStatus]:
    """How many steps ended in each status (a missing status counts 0)."""
    return Counter(StepStatus(step.status) for step in steps)

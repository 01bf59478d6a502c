"""The reporter interface: one `on_event`, dispatched through a table each reporter declares.

A reporter names the events it handles (`handles`: event class -> method) and the ones it
ignores on purpose (`ignores`). Any other event raises UnhandledEvent: a renamed or new event
can never drop output silently (tests send every event through every reporter).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from runner.messages import Message
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


def status_counts(steps: Iterable[Any]) -> Counter[StepStatus]:
    """How many steps ended in each status (a missing status counts 0)."""
    return Counter(StepStatus(step.status) for step in steps)

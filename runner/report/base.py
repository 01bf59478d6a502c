"""The reporter interface: one `on_event`, dispatched to `on_<event name>` methods."""

from __future__ import annotations

import re

from runner.messages import Message

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class Reporter:
    """Subclasses define the `on_...` methods they care about; the rest is ignored."""

    def __init__(self, language: str) -> None:
        self.language = language

    def on_event(self, event: object) -> None:
        name = "on_" + _CAMEL.sub("_", type(event).__name__).lower()
        handler = getattr(self, name, None)
        if handler is not None:
            handler(event)

    def text(self, message: Message) -> str:
        return message.text(self.language)

    def ask(self, prompt: str) -> str:
        """Read one answer from the user (interactive runs); reporters own the terminal."""
        raise NotImplementedError


def status_counts(steps) -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.status] = counts.get(step.status, 0) + 1
    return counts

"""Reporters turn engine events into something a person (or a machine) reads."""

from __future__ import annotations

import os
import sys
from typing import TextIO


def make_reporter(kind: str | None, stream: TextIO | None = None, language: str = "en"):
    """`rich` on a terminal, `plain` for pipes and CI (no colour codes), unless told."""
    stream = stream or sys.stdout
    if kind is None:
        kind = "rich" if stream.isatty() and not os.environ.get("NO_COLOR") else "plain"
    if kind == "rich":
        from runner.report.console import RichReporter

        return RichReporter(stream, language)
    from runner.report.plain import PlainReporter

    return PlainReporter(stream, language)


class Fanout:
    """Several listeners as one: the screen and a JSON report hear the same events."""

    def __init__(self, *listeners) -> None:
        self.listeners = listeners

    def on_event(self, event: object) -> None:
        for listener in self.listeners:
            listener.on_event(event)

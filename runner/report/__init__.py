"""Reporters turn engine events into something a person (or a machine) reads."""

from __future__ import annotations

import os
import sys
from typing import TextIO


def make_reporter(kind: str | None, stream: TextIO | None = None, language: str = "en",
                  mirror: bool = False):
    """`rich` on a terminal, `plain` for pipes and CI (no colour codes), unless told.

    `mirror`: the run is interactive; when `stream` is redirected to a file while a terminal
    exists, that file gets the plain log and the terminal still shows the run (rich)."""
    stream = stream or sys.stdout
    if kind is None:
        kind = "rich" if stream.isatty() and not os.environ.get("NO_COLOR") else "plain"
    if kind == "rich":
        from runner.report.console import RichReporter

        return RichReporter(stream, language)
    from runner.report.plain import PlainReporter

    log = PlainReporter(stream, language, _terminal_width(stream))
    screen = _terminal_screen(language) if mirror and not stream.isatty() else None
    return log if screen is None else Fanout(log, screen)


def _terminal_width(stream: TextIO) -> int | None:
    """The terminal's width when `stream` is one (plain text there wraps commands itself)."""
    if not stream.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def _terminal_screen(language: str):
    """The rich display on the controlling terminal, or None when there is none."""
    try:
        tty = open("/dev/tty", "w", encoding="utf-8", errors="replace")  # noqa: SIM115 - the run's
    except OSError:
        return None
    from runner.report.console import RichReporter
    from runner.report.mirror import UntilGone

    return UntilGone(RichReporter(tty, language))


class Fanout:
    """Several listeners as one: the screen and a JSON report hear the same events."""

    def __init__(self, *listeners) -> None:
        self.listeners = listeners

    def on_event(self, event: object) -> None:
        for listener in self.listeners:
            listener.on_event(event)

"""When the terminal goes away mid-run (its window closed, the reader of a pipe gone), the run
goes on without a screen: the cleanup must still run and the report still be written."""

from __future__ import annotations

import os
import sys

from runner.run.events import Event, Listener


class ScreenUntilGone:
    """Hands events to the screen reporter until writing to the screen fails (EIO, EPIPE)."""

    def __init__(self, screen: Listener) -> None:
        self.screen = screen
        self.gone = False

    def on_event(self, event: Event) -> None:
        if self.gone:
            return
        try:
            self.screen.on_event(event)
        except OSError:  # BrokenPipeError too: nobody reads the screen any more
            self.gone = True
            silence_stdout()


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that later writes and Python's final flush do not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

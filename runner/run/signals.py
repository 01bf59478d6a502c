"""SIGTERM and SIGHUP end a run the way Ctrl-C does: cleanup, report, then exit 128 + signal.

A closed terminal window (SIGHUP) or a cancelled CI job (SIGTERM) would otherwise kill the
process at once, leaving the lab's objects behind. `run` installs this around a run only, and
puts the previous handlers back after it.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """A SIGTERM or SIGHUP, raised where Ctrl-C would be, so the runner treats them alike."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class SignalRecord:
    """Which ending signal came first (None: none, or only Ctrl-C): it decides the exit code."""

    def __init__(self) -> None:
        self.first: int | None = None

    def exit_code(self, default: int = 130) -> int:
        return 128 + self.first if self.first is not None else default

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.first is None:
            self.first = signum
        raise Terminated(signum)


@contextmanager
def ending_signals_as_interrupts() -> Iterator[SignalRecord]:
    """Within the block, SIGTERM and SIGHUP raise Terminated; the old handlers come back after."""
    record = SignalRecord()
    previous = {signum: signal.signal(signum, record.handle) for signum in ENDING_SIGNALS}
    try:
        yield record
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

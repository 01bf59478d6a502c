"""Single key presses from the presenter's terminal, with no Enter after them.

The terminal is put in cbreak mode only while a key is awaited (no echo, Ctrl-C still
interrupts), so the lab's output and the improvised shell see a normal terminal. Keys typed
ahead (an Enter pressed twice, keys pressed during a long pull) are dropped before each
question, so one press never skips a screen the class has not seen.
"""

from __future__ import annotations

import contextlib
import os
import termios
import tty
from collections.abc import Iterator
from typing import Protocol

ENTER = "enter"
END_OF_INPUT = "\x04"  # Ctrl-D
TYPED_AHEAD_EOF = "\x00"  # how Linux hands on a Ctrl-D typed in the terminal's own mode


class Keys(Protocol):
    def drop_typed_ahead(self) -> None:
        """Forget the keys typed before a question is shown."""

    def key(self) -> str | None:
        """The next key (ENTER for Enter, else the character); None at end of input."""

    def line(self) -> str | None:
        """A line typed with echo (a step number), without its newline; None at the end."""


class KeyReader:
    """Keys read from a terminal's file descriptor (stdin by default)."""

    def __init__(self, fd: int = 0) -> None:
        self.fd = fd
        self.pending = ""  # keys read at once (a fast typist) but not handed out yet

    def drop_typed_ahead(self) -> None:
        self.pending = ""
        with contextlib.suppress(termios.error):
            termios.tcflush(self.fd, termios.TCIFLUSH)

    def key(self) -> str | None:
        if not self.pending:
            with cbreak(self.fd):
                data = os.read(self.fd, 64)
            if not data:
                return None
            self.pending = _without_escapes(data.decode("utf-8", errors="replace"))
            if not self.pending:
                return ""  # an arrow or a function key: no answer, asked again
        key, self.pending = self.pending[0], self.pending[1:]
        return key_name(key)

    def line(self) -> str | None:
        self.pending = ""
        with os.fdopen(os.dup(self.fd), "r", encoding="utf-8", errors="replace") as stream:
            text = stream.readline()
        return text.rstrip("\n") if text else None


def key_name(key: str) -> str | None:
    if key in ("\r", "\n"):
        return ENTER
    if key == TYPED_AHEAD_EOF:
        return ""  # a Ctrl-D pressed during a command: a stray key does not end the demo
    return None if key == END_OF_INPUT else key


def _without_escapes(text: str) -> str:
    """The keys typed, without the escape sequences arrows and function keys send."""
    import re

    return re.sub(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?", "", text)


@contextlib.contextmanager
def cbreak(fd: int) -> Iterator[None]:
    """One key at a time, not echoed; Ctrl-C still raises KeyboardInterrupt."""
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:  # not a terminal (a test's pipe): read it as it is
        yield
        return
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # not TCSAFLUSH: an Enter typed ahead counts
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)

"""The person at the keyboard: every answer of a run is read through one Terminal object,
so reporters only render and tests swap in a fake that answers from a script.

The prompt goes through the screen reporter (a PromptShown event: the rich console prints it
like everything else, so its display stays coherent) while the run's output is on the
terminal; when that output is redirected (`--reporter plain > run.log`) the prompt is written
to the terminal itself, where the person reads and types, not into the file.
"""

from __future__ import annotations

import select
import sys
import threading
from collections.abc import Callable
from typing import Protocol, TextIO

from runner.run.events import Listener, PromptShown


class Terminal(Protocol):
    def ask(self, prompt: str) -> str | None:
        """Show `prompt`, return the line typed (without its newline); None at end of input."""


class KeyboardTerminal:
    """input() on the terminal, after `show` has displayed the prompt."""

    def __init__(self, show: Callable[[str], None], read: Callable[[], str] = input) -> None:
        self.show = show
        self.read = read

    def ask(self, prompt: str) -> str | None:
        self.show(prompt)
        try:
            return self.read()
        except EOFError:  # Ctrl-D, or stdin closed: the caller decides what that means
            return None

    def ask_unless(self, prompt: str, stop: threading.Event) -> str | None:
        """ask(), from another thread than the run's: None as soon as `stop` is set. A
        thread blocked in input() would keep stdin's lock and abort Python at exit."""
        self.show(prompt)
        while not stop.is_set():
            try:
                ready, _, _ = select.select([sys.stdin], [], [], 0.2)
            except (OSError, ValueError):  # stdin closed
                return None
            if ready:
                line = sys.stdin.readline()
                return line.rstrip("\n") if line else None
        return None


def keyboard_terminal(listener: Listener, output: TextIO) -> KeyboardTerminal:
    """The terminal of `labrunner run`: prompts through the reporters while `output` (their
    stream) is the terminal, straight to the terminal when it is redirected."""
    if output.isatty():
        return KeyboardTerminal(lambda prompt: listener.on_event(PromptShown(prompt)))
    return KeyboardTerminal(show_on_terminal)


def show_on_terminal(prompt: str) -> None:
    """Write the prompt on the controlling terminal (stdout is a file); else on stderr."""
    encoding = sys.stdin.encoding or "utf-8"  # stdin is that terminal: same encoding
    try:
        with open("/dev/tty", "w", encoding=encoding, errors="replace") as tty:
            tty.write(prompt)
    except OSError:  # no controlling terminal: stderr is the best remaining guess
        sys.stderr.write(prompt)
        sys.stderr.flush()

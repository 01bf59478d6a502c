"""A command typed out on the projector: character by character at a readable speed, or one
chunk per key press as presenters' typing tools do (any key types the next chunk; Enter
types the rest at once). Then Enter runs it; unattended (--pace) it runs after a short beat.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from runner.present.keys import ENTER, Keys

DEFAULT_SPEED = 25.0  # characters a second: a quick typist the class can still follow
CHUNK = 4  # characters per key press with --keys
BEAT = 0.6  # seconds between the typed command and its run, unattended

Write = Callable[[str], None]


@dataclass
class Typist:
    """How commands appear: `speed` characters a second, or `by_keys`; `keys` is None when
    nobody is at the keyboard (--pace)."""

    keys: Keys | None
    speed: float = DEFAULT_SPEED
    by_keys: bool = False
    sleep: Callable[[float], None] = field(default=time.sleep)

    def type_command(self, lines: list[str], write: Write, newline: Write) -> None:
        """Type `lines` (the first after the prompt, the next indented: `newline` starts
        them), then wait for Enter (or the beat)."""
        rushed = False  # --keys: Enter typed the rest of the command at once
        for number, line in enumerate(lines):
            if number:
                newline("")
            if rushed:
                write(line)
            elif self.by_keys and self.keys is not None:
                rushed = self._type_by_keys(line, write)
            else:
                self._type_at_speed(line, write)
        self._wait_for_enter()

    def _type_at_speed(self, line: str, write: Write) -> None:
        for character in line:
            write(character)
            if self.speed > 0 and not character.isspace():
                self.sleep(1 / self.speed)
            elif self.speed > 0:
                self.sleep(0.5 / self.speed)  # a space comes quicker than a letter

    def _type_by_keys(self, line: str, write: Write) -> bool:
        """One chunk per key press; True when Enter (or the end of input) typed the rest."""
        typed = 0
        while typed < len(line):
            key = self.keys.key()
            if key is None or key == ENTER:
                write(line[typed:])
                return True
            if key:
                write(line[typed:typed + CHUNK])
                typed += CHUNK
        return False

    def _wait_for_enter(self) -> None:
        if self.keys is None:
            self.sleep(BEAT)
            return
        while self.keys.key() not in (ENTER, None):
            continue  # any other key: the command is typed, only Enter runs it

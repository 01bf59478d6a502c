"""Splits the raw output of the bash session into the command's own text and the prompt marker.

The session's prompt is a marker, `ESC ]__LR_<nonce>_<seq>_RC=<$?>_PWD=<$PWD>_<nonce>__ BEL`
(shaped like a terminal OSC sequence, so ordinary text never has to be held back: a line is
shown as soon as it arrives), printed by bash each time it is ready for a command. `seq`
numbers the commands we send, so a prompt that does not end the current command (bash
answering a stray Ctrl-C, or a typed answer no program read) is recognised and skipped.

This module finds the marker in the stream of terminal output, normalizes `\\r\\n` to
`\\n`, and hands back only text that can no longer turn out to be part of a marker, so a
marker split across two reads never reaches the user. Each chunk is looked at once (the
held-back text stays a few bytes long), so a command printing megabytes costs linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEQ_VARIABLE = "__lr_seq"  # set by the session before each command (see runner/shell.py)
_DIGITS = "0123456789"
_SHAPE = ("#", "_RC=", "#", "_PWD=")  # what follows the head: # stands for digits
_MAX_PWD = 4200  # PATH_MAX plus slack: beyond that, text that looked like a marker is not one


@dataclass(frozen=True)
class Marker:
    """What bash reported when it gave the prompt back."""

    seq: int  # the number of the command that ran last
    exit_code: int
    pwd: str


def prompt_string(nonce: str) -> str:
    """The PS1 that prints the marker (bash expands `\\e`, `\\a`, `$?` and `$PWD` in it)."""
    return f"\\e]__LR_{nonce}_${{{SEQ_VARIABLE}-0}}_RC=$?_PWD=${{PWD-}}_{nonce}__\\a"


class MarkerScanner:
    """Feed it decoded chunks; it returns the text to show and, at the end, the marker."""

    def __init__(self, nonce: str) -> None:
        self._head = f"\x1b]__LR_{nonce}_"
        self._marker = re.compile(rf"\x1b]__LR_{nonce}_(\d+)_RC=(\d+)_PWD=(.*?)_{nonce}__\x07",
                                  re.S)
        self._pending = ""  # text held back: it may be (the start of) a marker
        self._carriage = False  # a chunk ended with \r: its \n may come in the next chunk

    def feed(self, chunk: str) -> tuple[str, Marker | None]:
        """Take one chunk; return the text now safe to show and the marker if it is complete.

        Text that follows a marker (late output of a background job) is kept for the next
        command, as a terminal would show it there."""
        if self._carriage:
            chunk = "\r" + chunk
        self._carriage = chunk.endswith("\r")
        if self._carriage:
            chunk = chunk[:-1]
        self._pending += chunk.replace("\r\n", "\n")
        return self._scan()

    def _scan(self) -> tuple[str, Marker | None]:
        text, start = self._pending, 0
        while (found := text.find(self._head, start)) >= 0:
            match = self._marker.match(text, found)
            if match:
                self._pending = text[match.end():]
                return text[:found], Marker(int(match[1]), int(match[2]), match[3])
            if self._may_become_marker(text[found + len(self._head):]):
                self._pending = text[found:]
                return text[:found], None
            start = found + 1  # looked like a marker, is not one: it is plain output
        return self._keep_possible_head(text, start)

    def _keep_possible_head(self, text: str, start: int) -> tuple[str, None]:
        """Hold back a trailing `ESC ]__LR_…` that the next chunk may complete into a marker."""
        cut = text.rfind("\x1b", start)
        if cut >= 0 and self._head.startswith(text[cut:]):
            self._pending = text[cut:]
            return text[:cut], None
        self._pending = ""
        return text, None

    @staticmethod
    def _may_become_marker(rest: str) -> bool:
        """Whether the text after a marker's head can still grow into `<seq>_RC=<rc>_PWD=…`."""
        if len(rest) > _MAX_PWD:
            return False
        index = 0
        for piece in _SHAPE:
            if piece == "#":
                end = index
                while end < len(rest) and rest[end] in _DIGITS:
                    end += 1
                if end == len(rest):
                    return True
                if end == index:
                    return False
                index = end
            else:
                part = rest[index:index + len(piece)]
                if not piece.startswith(part):
                    return False
                if len(part) < len(piece):
                    return True
                index += len(piece)
        return True  # inside the directory name: wait for the closing `_<nonce>__\n`

"""The last part of a command's output, kept in bounded memory, and how much was left out.

A command may print gigabytes (`yes`, a runaway loop): its whole output is streamed to the
screen as it comes, but what is kept for the checks, the report and the final replay of a
redrawn display is only its tail, OUTPUT_LIMIT characters, cut at a line start when one is
near. Appending costs time linear in the output, whatever the size of each piece.
"""

from __future__ import annotations

OUTPUT_LIMIT = 2 << 20  # characters kept: a command's last 2 MiB (2 097 152 characters)


class OutputTail:
    """Feed it text; `text` is the last `limit` characters, `dropped` counts the rest."""

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        self.limit = limit
        self.dropped = 0  # characters left out, from the start of the output
        self.dropped_lines = 0  # newlines among them: the kept text starts on that line
        self._pieces: list[str] = []
        self._size = 0

    def add(self, text: str) -> None:
        """Append `text`; trim once twice the limit is held, so each character is copied a
        bounded number of times."""
        if text:
            self._pieces.append(text)
            self._size += len(text)
            if self._size > 2 * self.limit:
                self._trim()

    @property
    def text(self) -> str:
        """The kept output (trimmed to the limit)."""
        if self._size > self.limit or len(self._pieces) > 1:
            self._trim()
        return self._pieces[0] if self._pieces else ""

    def _trim(self) -> None:
        whole = "".join(self._pieces)
        cut = max(0, len(whole) - self.limit)
        if cut:
            line_start = whole.find("\n", cut, cut + self.limit // 16)
            cut = line_start + 1 if line_start >= 0 else cut  # a whole first line if near
            self.dropped += cut
            self.dropped_lines += whole.count("\n", 0, cut)
        self._pieces = [whole[cut:]] if cut < len(whole) else []
        self._size = len(whole) - cut


def megabytes(characters: int) -> int:
    """A count of characters as whole megabytes for people, at least 1 (a character is
    counted as a byte: the difference does not matter at this scale)."""
    return max(1, round(characters / 10**6))

"""Terminal output as a person finally sees it on the screen.

Docker draws its pull and push progress on a terminal by moving the cursor up to a layer's
line (ESC[nA), erasing it (ESC[2K) and writing its new state. Removing the escape codes is not
enough: every layer line would be lost. This replays the cursor moves and erasures the
programs of a lab use, on a grid of lines, and returns the final text; colours, titles and
links are dropped. A line redrawn after a carriage return shows its last version.

Hostile output stays cheap: the cursor lives on a screen of at most MAX_COLUMNS columns and
MAX_ROWS rows (a move beyond them stops at the edge, as on a real terminal), so an escape code
of a few bytes can never make a huge line or thousands of lines; lines are lists of
characters, so writing costs time linear in the text written.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"\x1b\[(?P<params>[0-?]*)[ -/]*(?P<final>[@-~])"  # CSI: cursor moves, erase, colours
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window title, hyperlink
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|\x1b"  # a lone ESC (binary output, a cut sequence): a terminal shows nothing
    r"|(?P<control>\r\n|\n|\r|\x08)")
_DRAWING = re.compile(r"[\x1b\r\x08]")  # text without these is shown as it is


MAX_COLUMNS = 1000  # the cursor never moves right of this (text written may go further)
MAX_ROWS = 10000  # cursor moves down stop at the bottom of a screen this high
_MAX_DIGITS = 6  # a longer count is clamped without converting it (int() refuses 4300+ digits)


def _count(params: str) -> int:
    """The count of a CSI sequence: 1 when absent or not a number, at most MAX_ROWS."""
    if not params.isdigit():
        return 1
    return MAX_ROWS if len(params) > _MAX_DIGITS else min(int(params), MAX_ROWS)


class _Screen:
    def __init__(self) -> None:
        self.lines: list[list[str]] = [[]]
        self.row = 0
        self.col = 0
        self.redraw = False  # after \r: the next text replaces the line (its last version)
        self.blank = (0, 0)  # (row, n): that row's first n characters are known blank

    def write(self, text: str) -> None:
        """Write `text` at the cursor, over what is there; linear in `text` alone."""
        if self.redraw:
            self.lines[self.row] = []
        if self.blank[0] == self.row:
            self.blank = (self.row, min(self.blank[1], self.col))
        line = self.lines[self.row]
        if len(line) < self.col:  # pad with blanks, never beyond the screen's width
            self.col = max(len(line), min(self.col, MAX_COLUMNS - 1))
            line.extend([" "] * (self.col - len(line)))
        line[self.col:self.col + len(text)] = text
        self.col += len(text)
        self.redraw = False

    def control(self, char: str) -> None:
        if char in ("\n", "\r\n"):
            self.move_to(self.row + 1, 0)
        elif char == "\r":
            self.col, self.redraw = 0, True
        else:  # backspace
            self.col = max(0, self.col - 1)

    def move_to(self, row: int, col: int) -> None:
        """Move the cursor, within the screen: down to its bottom row at most (the lines
        already written, or MAX_ROWS), and a vertical move keeps it within MAX_COLUMNS."""
        bottom = max(len(self.lines), MAX_ROWS) - 1
        self.row, self.redraw = min(max(0, row), bottom), False
        self.col = min(max(0, col), MAX_COLUMNS - 1)
        while len(self.lines) <= self.row:
            self.lines.append([])

    def csi(self, params: str, final: str) -> None:
        count = _count(params)
        moves = {"A": (-count, None), "B": (count, None), "E": (count, 0), "F": (-count, 0)}
        if final in moves:
            rows, col = moves[final]
            self.move_to(self.row + rows, self.col if col is None else col)
        elif final == "C":
            self.col = min(self.col + count, max(self.col, MAX_COLUMNS - 1))
        elif final == "D":
            self.col = max(0, self.col - count)
        elif final == "G":
            self.col = max(0, min(count, MAX_COLUMNS) - 1)
        elif final == "K":
            self.erase(params)

    def erase(self, params: str) -> None:
        line = self.lines[self.row]
        if params in ("", "0"):
            del line[self.col:]
        elif params == "1":  # blank the start: only what is not blank yet (a repeat is free)
            done = min(self.blank[1], self.col, len(line)) if self.blank[0] == self.row else 0
            line[done:self.col] = [" "] * (self.col - done)
            self.blank = (self.row, max(self.col, done))
        else:
            self.lines[self.row] = []


def screen_text(text: str) -> str:
    """The text left on screen once `text` has been written to a terminal."""
    if not _DRAWING.search(text):  # plain lines (the common case): nothing to replay
        return "\n".join(line.rstrip(" ") for line in text.split("\n"))
    screen = _Screen()
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            screen.write(text[position:match.start()])
        if match.group("control"):
            screen.control(match.group("control"))
        elif match.group("final"):
            screen.csi(match.group("params"), match.group("final"))
        position = match.end()
    if position < len(text):
        screen.write(text[position:])
    return "\n".join("".join(line).rstrip(" ") for line in screen.lines)

"""Terminal output as a person finally sees it on the screen.

Docker draws its pull and push progress on a terminal by moving the cursor up to a layer's
line (ESC[nA), erasing it (ESC[2K) and writing its new state. Removing the escape codes is not
enough: every layer line would be lost. This replays the cursor moves and erasures the
programs of a lab use, on a grid of lines, and returns the final text; colours, titles and
links are dropped. A line redrawn after a carriage return shows its last version.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"\x1b\[(?P<params>[0-?]*)[ -/]*(?P<final>[@-~])"  # CSI: cursor moves, erase, colours
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window title, hyperlink
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|(?P<control>\r\n|\n|\r|\x08)")


class _Screen:
    def __init__(self) -> None:
        self.lines = [""]
        self.row = 0
        self.col = 0
        self.redraw = False  # after \r: the next text replaces the line (its last version)

    def write(self, text: str) -> None:
        line = "" if self.redraw else self.lines[self.row]
        line = line.ljust(self.col)
        self.lines[self.row] = line[:self.col] + text + line[self.col + len(text):]
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
        self.row, self.col, self.redraw = max(0, row), max(0, col), False
        while len(self.lines) <= self.row:
            self.lines.append("")

    def csi(self, params: str, final: str) -> None:
        count = int(params) if params.isdigit() else 1
        moves = {"A": (-count, None), "B": (count, None), "E": (count, 0), "F": (-count, 0)}
        if final in moves:
            rows, col = moves[final]
            self.move_to(self.row + rows, self.col if col is None else col)
        elif final in "CD":
            self.col = max(0, self.col + (count if final == "C" else -count))
        elif final == "G":
            self.col = count - 1
        elif final == "K":
            self.erase(params)

    def erase(self, params: str) -> None:
        line = self.lines[self.row]
        if params in ("", "0"):
            self.lines[self.row] = line[:self.col]
        elif params == "1":
            self.lines[self.row] = " " * self.col + line[self.col:]
        else:
            self.lines[self.row] = ""


def screen_text(text: str) -> str:
    """The text left on screen once `text` has been written to a terminal."""
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
    return "\n".join(line.rstrip(" ") for line in screen.lines)

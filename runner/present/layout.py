"""A command laid out for the screen: wrapped at spaces where it can be, each continuation
line indented under the `$ `, so a long command never wraps back to column 0 and looks like
output."""

from __future__ import annotations

import textwrap

PROMPT = "$ "
INDENT = "  "


def command_lines(command: str, width: int) -> list[str]:
    """The lines of `command` (its own newlines kept) for a screen `width` columns wide; the
    first line goes after the prompt, the next ones after the indent."""
    room = max(width - len(PROMPT) - 1, 20)  # one column spare: no auto-wrap at the edge
    lines: list[str] = []
    for line in command.splitlines() or [""]:
        lines += textwrap.wrap(line, room, break_on_hyphens=False) or [""]
    return lines

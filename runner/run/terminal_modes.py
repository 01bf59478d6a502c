"""Put the user's terminal back as labrunner found it, whatever a lab command printed.

A command may hide the cursor, turn on mouse reporting or bracketed paste, or switch to the
alternate screen, then be killed before it undoes it; the person's shell would stay broken.
"""

from __future__ import annotations

from typing import TextIO

# cursor shown; mouse reporting (X10, normal, button, any, SGR) off; bracketed paste off;
# back from the alternate screen.
RESTORE_MODES = ("\x1b[?25h" "\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l"
                 "\x1b[?2004l" "\x1b[?1049l")


def restore_terminal_modes(stream: TextIO) -> None:
    """Write the sequences that undo those modes, only when `stream` is a terminal."""
    try:
        if stream.isatty():
            stream.write(RESTORE_MODES)
            stream.flush()
    except (OSError, ValueError):  # the terminal is gone (SIGHUP) or the stream closed
        pass

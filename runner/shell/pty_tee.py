"""Run an interactive program on a pseudo-terminal of its own and keep what it printed.

The student's task shell runs here when its output is checked (practice mode): every byte it
prints goes to this terminal as it comes, and into a capped buffer (the last CAPTURE_LIMIT
bytes). Keys go to it unchanged (this terminal is in raw mode meanwhile, so Ctrl-C, arrows
and completion reach bash), and a resized window resizes its terminal too.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
from collections.abc import Mapping, Sequence

CAPTURE_LIMIT = 1 << 20  # 1 MiB: the end of a long output is what checks read
# OSC 133;A, the standard "a prompt starts here" mark (terminals that do not know it ignore
# it): the task shell's prompt carries it, so the capture can be cut per command.
PROMPT_MARK = b"\x1b]133;A\x07"


class CappedCapture:
    """The last `limit` bytes written, and how many prompt marks were cut off before them."""

    def __init__(self, limit: int = CAPTURE_LIMIT) -> None:
        self.limit = limit
        self.data = bytearray()
        self.marks_dropped = 0

    def write(self, chunk: bytes) -> None:
        self.data += chunk
        excess = len(self.data) - self.limit
        if excess <= 0:
            return
        cut = _cut_after_mark(self.data, excess)
        self.marks_dropped += bytes(self.data[:cut]).count(PROMPT_MARK)
        del self.data[:cut]


def _cut_after_mark(data: bytearray, excess: int) -> int:
    """Where to cut `excess` bytes at least without splitting a prompt mark."""
    start = data.find(PROMPT_MARK, max(0, excess - len(PROMPT_MARK) + 1))
    return start + len(PROMPT_MARK) if 0 <= start < excess else excess


def run_teed(argv: Sequence[str], cwd: str, env: Mapping[str, str],
             capture: CappedCapture) -> int:
    """Run `argv` on its own pseudo-terminal until it ends; its exit status."""
    from ptyprocess import PtyProcess

    sys.stdout.flush()
    process = PtyProcess.spawn(list(argv), cwd=cwd, env=dict(env), dimensions=_size())
    previous = _follow_window_size(process)
    try:
        with _raw(sys.stdin.fileno()), _screen() as screen:
            _copy(process.fd, sys.stdin.fileno(), screen, capture)
    finally:
        if previous is not None:
            signal.signal(signal.SIGWINCH, previous)
        process.close(force=True)
    return process.exitstatus if process.exitstatus is not None else 1


def _copy(child: int, keys: int, screen: int, capture: CappedCapture) -> None:
    """Keys to the program, its output to the screen and the capture, until it ends."""
    sources = [child, keys]
    while True:
        ready = select.select(sources, [], [])[0]
        if child in ready:
            chunk = _read(child)
            if not chunk:
                return
            _write_all(screen, chunk)
            capture.write(chunk)
        if keys in ready:
            typed = _read(keys)
            if typed:
                _write_all(child, typed)
            else:  # no more input (not a terminal): end the shell as Ctrl-D would
                sources.remove(keys)
                _write_all(child, b"\x04")


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the program's side of the terminal is closed
        return b""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except OSError:
            return  # the reader is gone: nothing more to show it


@contextlib.contextmanager
def _screen():
    """Where the shell is shown: this terminal, even when stdout is redirected to a file
    (`--reporter plain > run.log`: the log gets the run, the person sees their shell)."""
    if os.isatty(sys.stdout.fileno()) or not os.isatty(sys.stdin.fileno()):
        yield sys.stdout.fileno()
        return
    try:
        fd = os.open("/dev/tty", os.O_WRONLY | os.O_NOCTTY)
    except OSError:
        yield sys.stdout.fileno()
        return
    try:
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def _raw(fd: int):
    """This terminal in raw mode meanwhile (when it is one), restored however it ends."""
    if not os.isatty(fd):
        yield
        return
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    tty.setraw(fd)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _size() -> tuple[int, int]:
    """This terminal's rows and columns (24 x 80 when there is none)."""
    for stream in (sys.stdout, sys.stdin):
        with contextlib.suppress(OSError, ValueError):
            size = os.get_terminal_size(stream.fileno())
            return size.lines, size.columns
    return 24, 80


def _follow_window_size(process):
    """A resized window resizes the program's terminal (only the main thread may listen)."""
    try:
        return signal.signal(signal.SIGWINCH,
                             lambda *_: process.setwinsize(*_size()))
    except ValueError:
        return None

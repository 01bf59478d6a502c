"""One shell in the helper that answers every question of the run, over one attached stream.

An exec per question costs a process start in the runtime (~20-40 ms); this session costs that
once, then a question is a line written and an answer read (~1-3 ms). Questions go on its
standard input (question, number of arguments, one argument a line), answers come back in the
exec's multiplexed stream, each ended by a mark of random hex between NULs that no file name
(no NUL) and no file of the host (it cannot know the mark) holds.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
from collections.abc import Callable
from typing import Any

from runner.storage.helper_script import Access

FRAME_HEADER = 8
PATIENCE = 2.0  # seconds of silence before asking the engine whether the helper still runs


def _no_delay(sock: Any) -> None:
    """Send each question at once: with Nagle's algorithm a small write waits for the peer's
    delayed ACK (~40 ms) over TCP."""
    if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class SessionEnded(OSError):
    """The session's stream closed (the helper was removed, the engine went away)."""


class Session:
    """A question-answering shell in the helper, reached through a hijacked exec stream."""

    def __init__(self, stream: Any, end: str, alive: Callable[[], bool] = lambda: True,
                 timeout: float = 60) -> None:
        self._stream = stream  # keeps the SDK's response (and TLS wrapper) alive
        self._alive = alive  # the engine's word on the helper: it keeps this stream open
        self._timeout = timeout
        self._socket = getattr(stream, "_sock", stream)  # the socket under a SocketIO
        self._mark = b"\0\0" + end.encode() + b"\0\0"
        self._pending = bytearray()  # received bytes not yet parsed into frames
        self._lock = threading.Lock()

    @classmethod
    def open(cls, api: Any, container_id: str, access: Access, alive: Callable[[], bool],
             timeout: float = 60) -> Session:
        """Start the session shell in the helper (`api`: the SDK's low-level APIClient);
        `alive` says whether the helper still runs."""
        end = secrets.token_hex(16)
        created = api.exec_create(container_id, access.session_argv(end), stdin=True,
                                  stdout=True, stderr=False)
        # The shell writes nothing before its first question, so no answer byte can hide in
        # the HTTP parser's buffer, which this raw stream bypasses.
        stream = api.exec_start(created["Id"], socket=True)
        session = cls(stream, end, alive, timeout)
        session._socket.settimeout(PATIENCE)
        _no_delay(session._socket)
        return session

    @staticmethod
    def can_carry(args: tuple[str, ...]) -> bool:
        """Arguments travel one a line: one with a newline needs an exec of its own."""
        return not any("\n" in arg for arg in args)

    def ask(self, question: str, *args: str) -> bytes:
        """The answer's standard output; SessionEnded (an OSError) when the stream is gone."""
        lines = [question, str(len(args)), *args]
        with self._lock:
            self._socket.sendall("".join(f"{line}\n" for line in lines).encode(
                "utf-8", "surrogateescape"))
            return self._answer()

    def close(self) -> None:
        """End the shell (its input closes) and the stream."""
        for end in (self._socket, self._stream):
            with contextlib.suppress(OSError):  # already closed by the other side
                end.close()

    def _answer(self) -> bytes:
        answer = bytearray()
        while not answer.endswith(self._mark):
            number, data = self._frame()
            if number == 1:
                answer += data
        return bytes(answer[:-len(self._mark)])

    def _frame(self) -> tuple[int, bytes]:
        header = self._take(FRAME_HEADER)
        return header[0], self._take(int.from_bytes(header[4:8], "big"))

    def _take(self, size: int) -> bytes:
        waited = 0.0
        while len(self._pending) < size:
            try:
                chunk = self._socket.recv(65536)
            except TimeoutError:
                # The engine keeps an exec's stream open after its container is removed:
                # silence is either a slow answer or a helper gone. Ask which.
                waited += PATIENCE
                if waited >= self._timeout or not self._alive():
                    raise
                continue
            if not chunk:
                raise SessionEnded("the helper's session ended")
            self._pending += chunk
        taken = bytes(self._pending[:size])
        del self._pending[:size]
        return taken

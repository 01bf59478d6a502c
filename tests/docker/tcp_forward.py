"""A tiny TCP-to-unix-socket forwarder: a local engine reached through tcp://127.0.0.1:PORT,
as labrunner reaches a remote engine (its files are then not this machine's to read)."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator


class _Pipe(socketserver.BaseRequestHandler):
    """One TCP connection forwarded to the engine's unix socket, both ways, bytes as they are
    (the API's exec upgrades the connection to a raw stream)."""

    def handle(self) -> None:
        # As a real engine's TCP port does (Go's default): no Nagle delay on small writes.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        engine = socket.socket(socket.AF_UNIX)
        engine.connect(self.server.unix_path)  # type: ignore[attr-defined]
        back = threading.Thread(target=_copy, args=(engine, self.request), daemon=True)
        back.start()
        _copy(self.request, engine)
        back.join()
        engine.close()


def _copy(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):  # the other side closed: the copy ends
        while chunk := source.recv(65536):
            target.sendall(chunk)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)  # pass the end on, as a real TCP peer would


class _Forwarder(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def tcp_to_unix(docker_host: str) -> Iterator[str]:
    """tcp://127.0.0.1:PORT (bound to 127.0.0.1 only) forwarding to `unix://…`; stopped on
    leaving the block."""
    server = _Forwarder(("127.0.0.1", 0), _Pipe)
    server.unix_path = docker_host.removeprefix("unix://")  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

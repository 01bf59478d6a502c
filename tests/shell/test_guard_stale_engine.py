"""The guard in front of an engine that closes a kept-alive connection between two requests
(as a busy or restarted engine may): the next request is sent again on a new connection
instead of the client's connection being dropped without an answer."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from runner.guard.guard import Guard

pytestmark = pytest.mark.shell
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK"


def engine_closing_after_each_answer(path: Path) -> tuple[socket.socket, list[int]]:
    """A fake engine: one answer per connection, then it closes it (keep-alive or not)."""
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    served: list[int] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                if data:
                    served.append(len(served) + 1)
                    connection.sendall(ANSWER)

    threading.Thread(target=serve, daemon=True).start()
    return server, served


def test_a_request_on_a_connection_the_engine_closed_is_sent_again(tmp_path):
    server, served = engine_closing_after_each_answer(tmp_path / "engine.sock")
    guard = Guard(f"unix://{tmp_path / 'engine.sock'}", sandbox=True)
    try:
        client = socket.socket(socket.AF_UNIX)
        client.connect(str(guard.start()))
        answers = []
        for _ in range(3):  # three requests on ONE kept-alive client connection
            client.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n")
            answer = b""
            while not answer.endswith(b"OK"):
                chunk = client.recv(4096)
                assert chunk, "the guard dropped the client's connection without an answer"
                answer += chunk
            answers.append(answer.split(b"\r\n", 1)[0])
        client.close()
    finally:
        guard.stop()
        server.close()
    assert answers == [b"HTTP/1.1 200 OK"] * 3
    assert len(served) == 3


def test_the_status_is_recorded_before_the_client_has_the_answer(tmp_path):
    """A CLI that ends on the head (`docker stop`: no body) may have its checks read the
    record at once: the status must already be there."""
    server, _ = engine_closing_after_each_answer(tmp_path / "engine.sock")
    guard = Guard(f"unix://{tmp_path / 'engine.sock'}", sandbox=True)
    try:
        seen = []
        for _ in range(20):
            client = socket.socket(socket.AF_UNIX)
            client.connect(str(guard.start() if not guard.sockets else guard.sockets["lab"]))
            client.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n")
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
            seen.append(guard.records[-1]["status"])  # read at once, no waiting
            client.close()
    finally:
        guard.stop()
        server.close()
    assert seen == [200] * 20

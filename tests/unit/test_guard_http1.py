"""Where HTTP/1.1 messages end, as the Docker API frames them, and chunked copying
(runner/guard/http1.py, streams.py)."""

from __future__ import annotations

import asyncio

import pytest

from runner.guard.http1 import BadHead, Framing, parse_head, request_framing, response_framing
from runner.guard.streams import copy_chunks


def head(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_head_keeps_its_bytes_and_reads_its_headers():
    raw = head("POST /v1.47/build?t=x HTTP/1.1", "Host: api.moby.localhost",
               "Transfer-Encoding: chunked", "X-A: 1", "x-a: 2")
    parsed = parse_head(raw)
    assert parsed.raw == raw and parsed.start == ("POST", "/v1.47/build?t=x", "HTTP/1.1")
    assert parsed.header("x-a") == "1, 2" and request_framing(parsed) is Framing.CHUNKED


@pytest.mark.parametrize("raw", [b"hello\r\n\r\n", head("GET / HTTP/1.1", "no colon here")])
def test_what_is_not_http_is_refused(raw):
    with pytest.raises(BadHead):
        parse_head(raw)


@pytest.mark.parametrize(("lines", "framing"), [
    (("GET /_ping HTTP/1.1", "Host: x"), Framing.NONE),
    (("POST /containers/create HTTP/1.1", "Content-Length: 12"), Framing.LENGTH),
    (("POST /images/load HTTP/1.1", "Transfer-Encoding: chunked"), Framing.CHUNKED),
])
def test_request_bodies(lines, framing):
    assert request_framing(parse_head(head(*lines))) is framing


@pytest.mark.parametrize(("method", "lines", "framing"), [
    ("POST", ("HTTP/1.1 101 UPGRADED", "Connection: Upgrade", "Upgrade: tcp"), Framing.RAW),
    ("POST", ("HTTP/1.1 100 Continue",), Framing.INTERIM),
    ("HEAD", ("HTTP/1.1 200 OK", "Content-Length: 2"), Framing.NONE),
    ("DELETE", ("HTTP/1.1 204 No Content",), Framing.NONE),
    ("GET", ("HTTP/1.1 200 OK", "Transfer-Encoding: chunked"), Framing.CHUNKED),
    ("GET", ("HTTP/1.1 200 OK", "Content-Length: 2"), Framing.LENGTH),
    ("GET", ("HTTP/1.1 200 OK", "Content-Length: 0"), Framing.NONE),
    ("POST", ("HTTP/1.1 200 OK", "Content-Type: application/vnd.docker.raw-stream"),
     Framing.RAW),
    ("GET", ("HTTP/1.0 200 OK",), Framing.RAW),
])
def test_response_bodies(method, lines, framing):
    assert response_framing(method, parse_head(head(*lines))) is framing


@pytest.mark.parametrize(("lines", "closes"), [
    (("HTTP/1.1 200 OK",), False), (("HTTP/1.1 200 OK", "Connection: close"), True),
    (("HTTP/1.0 200 OK",), True), (("HTTP/1.0 200 OK", "Connection: keep-alive"), False),
    (("GET / HTTP/1.1", "Connection: Close"), True), (("GET / HTTP/1.0",), True),
])
def test_which_messages_end_their_connection(lines, closes):
    assert parse_head(head(*lines)).closes is closes


class Sink:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data

    async def drain(self) -> None:
        return None


def test_a_chunked_body_is_copied_exactly_and_its_data_teed():
    body = b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"

    async def copy() -> tuple[bytes, bytes, bytes]:
        reader = asyncio.StreamReader()
        reader.feed_data(body + b"GET /next")
        sink, teed = Sink(), []
        await copy_chunks(reader, sink, teed.append)  # type: ignore[arg-type]
        return bytes(sink.data), b"".join(teed), await reader.read(9)

    assert asyncio.run(copy()) == (body, b"hello world", b"GET /next")

"""HTTP/1.1 message heads and how their bodies are framed, as the Docker API uses them.

Pure: the proxy keeps every byte it received (`Head.raw`) and forwards exactly that; these
parsed fields only tell it where a message ends and what it asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, unquote, urlsplit

END_OF_HEAD = b"\r\n\r\n"
MAX_HEAD = 256 * 1024  # a head larger than this is not the docker CLI's or the SDK's
# An answer of these types without a length is the engine handing the connection over
# (attach, exec start, the pre-1.24 "hijack" without Upgrade): it is raw in both directions.
RAW_STREAM_TYPES = ("application/vnd.docker.raw-stream",
                    "application/vnd.docker.multiplexed-stream")


class Framing(StrEnum):
    """Where a body ends."""

    NONE = "none"
    LENGTH = "length"
    CHUNKED = "chunked"
    RAW = "raw"  # until either side closes, bytes flowing both ways (101, hijack, until-close)
    INTERIM = "interim"  # 1xx other than 101: another head follows


@dataclass(frozen=True)
class Head:
    """One request or response head: its exact bytes and what its start line and headers say."""

    raw: bytes
    start: tuple[str, str, str]  # method, target, version | version, status, reason
    headers: dict[str, str]  # lower-case name -> values joined by ", "

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def length(self) -> int:
        return int(self.header("content-length") or 0)

    @property
    def closes(self) -> bool:
        """Does this message end its connection (Connection: close, or HTTP/1.0 without
        keep-alive)?"""
        tokens = {token.strip().lower() for token in self.header("connection").split(",")}
        version = self.start[0] if self.start[0].startswith("HTTP/") else self.start[2]
        return "close" in tokens or (version == "HTTP/1.0" and "keep-alive" not in tokens)


class BadHead(ValueError):
    """The bytes are not an HTTP/1.x head."""


def parse_head(raw: bytes) -> Head:
    """Split a head (ending with an empty line) into its start line and headers."""
    lines = raw.decode("latin-1").split("\r\n")
    start = lines[0].split(" ", 2)
    if len(start) < 2 or not (start[0].startswith("HTTP/") or start[-1].startswith("HTTP/")):
        raise BadHead(lines[0][:80])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise BadHead(line[:80])
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return Head(raw, (*start, "")[:3], headers)


def with_length(head: Head, length: int) -> bytes:
    """The head's bytes for a body of `length` bytes sent whole (a body the guard rewrote):
    its Content-Length replaced, a chunked Transfer-Encoding dropped."""
    lines = head.raw.decode("latin-1").split("\r\n")
    kept = [line for line in lines[1:] if line and line.partition(":")[0].strip().lower()
            not in ("content-length", "transfer-encoding")]
    return "\r\n".join([lines[0], *kept, f"Content-Length: {length}", "", ""]).encode(
        "latin-1")


def with_target(head: Head, target: str) -> Head:
    """The same request head asking for another target (a prune the guard narrowed)."""
    first, _, rest = head.raw.partition(b"\r\n")
    method, _, version = head.start
    line = f"{method} {target} {version}".encode("latin-1")
    return Head(line + b"\r\n" + rest, (method, target, version), head.headers)


def request_framing(request: Head) -> Framing:
    """A request's body: chunked (build contexts, loads), a length, or none."""
    if "chunked" in request.header("transfer-encoding").lower():
        return Framing.CHUNKED
    return Framing.LENGTH if request.length else Framing.NONE


def response_framing(method: str, response: Head) -> Framing:
    """A response's body, from the request method and the response head (RFC 9112 §6.3)."""
    status = int(response.start[1])
    if status == 101:
        return Framing.RAW
    if 100 <= status < 200:
        return Framing.INTERIM
    if method == "HEAD" or status in (204, 304):
        return Framing.NONE
    if "chunked" in response.header("transfer-encoding").lower():
        return Framing.CHUNKED
    if response.header("content-length"):
        return Framing.LENGTH if response.length else Framing.NONE
    return Framing.RAW


@dataclass(frozen=True)
class Target:
    """A request target without its API version prefix, its path percent-decoded:
    /v1.47/containers/x%2Fjson -> path /containers/x/json."""

    path: str
    query: dict[str, list[str]]
    version: str = ""  # the API version the target names ("" when none: the engine's own)

    def first(self, name: str) -> str:
        return (self.query.get(name) or [""])[0]


def parse_target(target: str) -> Target:
    """The target's path decoded once, as the engine's router matches it: classifying the raw
    path would let `/containers%2Fx` or `/%63ontainers/x` past the guard."""
    parts = urlsplit(target)
    path, version = unquote(parts.path), ""
    if path.startswith("/v"):
        named, slash, rest = path[2:].partition("/")
        if slash and named.replace(".", "").isdigit():
            path, version = "/" + rest, named
    return Target(path, parse_qs(parts.query, keep_blank_values=True), version)

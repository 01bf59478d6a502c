"""Connections to the real engine, and the few questions the guard asks it itself (what a name
is, whether a tag exists), each on a connection of its own so a client's stays untouched."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import quote, urlsplit

from runner.guard.http1 import MAX_HEAD, parse_head
from runner.guard.policy import normal_reference
from runner.guard.streams import copy_chunks

Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]
INSPECT_TIMEOUT = 30.0  # seconds: an engine this slow to describe an object is not trusted
NO_ANSWER = 0  # the status of an inspect that timed out
NOT_FOUND = 404


class UnsupportedEngine(ValueError):
    """The guard forwards to unix:// and tcp:// (without TLS) engines only."""


def check_engine_url(url: str) -> None:
    scheme = urlsplit(url).scheme
    if scheme not in ("unix", "tcp", "http"):
        raise UnsupportedEngine(url)


async def connect(url: str) -> Streams:
    """A new connection to the engine at `url`."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return await asyncio.open_unix_connection(parts.path, limit=MAX_HEAD)
    return await asyncio.open_connection(parts.hostname, parts.port or 2375, limit=MAX_HEAD)


async def get_json(url: str, path: str) -> tuple[int, object]:
    """GET `path` on the engine: (status, decoded JSON body or None)."""
    reader, writer = await connect(url)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"
                     .encode("latin-1"))
        await writer.drain()
        head = parse_head(await reader.readuntil(b"\r\n\r\n"))
        body = await _read_body(head.header("transfer-encoding"), reader)
    finally:
        writer.close()
    try:
        return int(head.start[1]), json.loads(body) if body else None
    except ValueError:
        return int(head.start[1]), None


async def _read_body(transfer_encoding: str, reader: asyncio.StreamReader) -> bytes:
    if "chunked" not in transfer_encoding.lower():
        return await reader.read()
    parts: list[bytes] = []
    await copy_chunks(reader, None, parts.append)
    return b"".join(parts)


async def inspect(url: str, kind: str, ref: str) -> tuple[int, dict | None]:
    """(status, the engine's inspect answer) for a container, image, volume or network. Only
    404 means "no such object": a 500 or a timeout (status 0) says nothing, and the callers
    must not take it for absence."""
    collection = {"container": "containers", "image": "images", "volume": "volumes",
                  "network": "networks"}[kind]
    suffix = "/json" if kind in ("container", "image") else ""
    path = f"/{collection}/{quote(ref, safe='/:@')}{suffix}"
    try:
        status, answer = await asyncio.wait_for(get_json(url, path), INSPECT_TIMEOUT)
    except TimeoutError:
        return NO_ANSWER, None
    return status, answer if status == 200 and isinstance(answer, dict) else None


async def all_references(url: str) -> frozenset[str] | None:
    """Every tag the engine has now (before a load, which may overwrite any of them); None
    when the engine did not say."""
    try:
        status, answer = await asyncio.wait_for(get_json(url, "/images/json"), INSPECT_TIMEOUT)
    except TimeoutError:
        return None
    if status != 200 or not isinstance(answer, list):
        return None
    return frozenset(normal_reference(tag) for image in answer if isinstance(image, dict)
                     for tag in image.get("RepoTags") or () if tag != "<none>:<none>")

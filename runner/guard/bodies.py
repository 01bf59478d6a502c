"""Small request bodies the guard reads whole before forwarding them (a create's JSON: the
seal judges it, the run's label goes into it, a volume's name is learnt from it)."""

from __future__ import annotations

import asyncio
import json

from runner.guard.http1 import Head, request_framing
from runner.guard.streams import copy_body


async def read_whole(head: Head, reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """The request's body read whole: (its bytes as sent, chunk framing included; its data)."""
    raw: list[bytes] = []
    data: list[bytes] = []
    await copy_body(request_framing(head), head.length, reader, _Keep(raw), data.append)
    return b"".join(raw), b"".join(data)


class _Keep:
    """A writer that keeps what it is given."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    async def drain(self) -> None:
        return None


def json_object(body: bytes) -> dict | None:
    """The body as a JSON object; None when it is not one."""
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def json_field(body: bytes, name: str) -> str:
    value = json_object(body)
    return str(value.get(name) or "") if value is not None else ""

"""Copying message bodies from one stream to another as they arrive, byte for byte.

Each piece is written and drained as soon as it is read, so pull progress, `logs -f` and
events reach the client live; `tee` sees the payload (chunk framing removed) for the few
answers the guard reads (what a create, build or load made).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from runner.guard.http1 import END_OF_HEAD, MAX_HEAD, Framing

PIECE = 256 * 1024
Tee = Callable[[bytes], None] | None


async def read_head(reader: asyncio.StreamReader) -> bytes | None:
    """The next head's bytes, or None when the peer closed between messages."""
    try:
        return await reader.readuntil(END_OF_HEAD)
    except asyncio.IncompleteReadError as error:
        if error.partial:
            raise
        return None
    except asyncio.LimitOverrunError as error:
        raise ValueError(f"a message head larger than {MAX_HEAD} bytes") from error


async def copy_body(framing: Framing, length: int, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter | None, tee: Tee = None) -> None:
    """Copy one body framed by a length or by chunks (None writer: read and drop it)."""
    if framing is Framing.LENGTH:
        await copy_exactly(length, reader, writer, tee)
    elif framing is Framing.CHUNKED:
        await copy_chunks(reader, writer, tee)


async def copy_exactly(length: int, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter | None, tee: Tee = None) -> None:
    while length > 0:
        piece = await reader.read(min(length, PIECE))
        if not piece:
            raise asyncio.IncompleteReadError(b"", length)
        length -= len(piece)
        await _write(writer, piece)
        if tee is not None:
            tee(piece)


async def copy_chunks(reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None,
                      tee: Tee = None) -> None:
    """Copy a chunked body up to and including its last chunk and trailers."""
    while True:
        size_line = await reader.readuntil(b"\r\n")
        await _write(writer, size_line)
        size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            await _copy_trailers(reader, writer)
            return
        await copy_exactly(size, reader, writer, tee)
        await _write(writer, await reader.readexactly(2))


async def _copy_trailers(reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter | None) -> None:
    while True:
        line = await reader.readuntil(b"\r\n")
        await _write(writer, line)
        if line == b"\r\n":
            return


async def _write(writer: asyncio.StreamWriter | None, data: bytes) -> None:
    if writer is not None:
        writer.write(data)
        await writer.drain()


async def pipe_both_ways(client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
                         engine: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
    """After 101 or a raw-stream answer: copy both directions until the engine's side ends.

    The client closing its sending side (stdin at its end: `exec -i < file`) is passed on as
    a half-close, so the engine sees the end of stdin and the output still flows back."""
    upward = asyncio.create_task(_pump(client[0], engine[1]))
    try:
        await _pump(engine[0], client[1])
    finally:
        upward.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError, OSError):
            await upward


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until the reader's end, then half-close the writer's side."""
    try:
        while piece := await reader.read(PIECE):
            writer.write(piece)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    with contextlib.suppress(ConnectionError, OSError, RuntimeError):
        if writer.can_write_eof():
            writer.write_eof()

"""The sandbox's seal as a process of its own, started by `labrunner sandbox up` and stopped by
its pid at `down`: it serves the sandbox's public socket and forwards every request to the
engine's real socket, refusing or rewriting what seal.py says (no run's consent, no record).

    python -m runner.guard.seal_server --engine unix://REAL --socket PUBLIC [--folder DIR]...
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
from pathlib import Path

from runner.guard.connection import Connection, Context
from runner.guard.created import Created
from runner.guard.engine_paths import EnginePaths
from runner.guard.gate import Gate
from runner.guard.http1 import MAX_HEAD
from runner.guard.record import Call

SOCKET_MODE = 0o660  # as dockerd makes its own socket


class Forgotten(list):
    """The seal serves for days: it keeps no record of the calls (a run's guard does)."""

    def append(self, call: Call) -> None:
        return None


def context(engine_url: str, language: str, folders: list[str]) -> Context:
    """What every connection of the seal shares: the sandbox's engine, nothing held."""
    created = Created()
    return Context(engine_url, "seal", language, Gate(engine_url, True, None, created),
                   created, Forgotten(), seal=EnginePaths(folders), learns=False)


async def serve(shared: Context, path: Path) -> None:
    """Serve `path` until SIGTERM or SIGINT; then close every connection and the socket."""
    connections: set[asyncio.Task] = set()

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        connections.add(task)  # type: ignore[arg-type]
        try:
            await Connection(shared, (reader, writer)).serve()
        except asyncio.CancelledError:
            writer.close()
        finally:
            connections.discard(task)  # type: ignore[arg-type]

    path.unlink(missing_ok=True)  # an earlier seal's, killed
    server = await asyncio.start_unix_server(on_client, path, limit=MAX_HEAD)
    os.chmod(path, SOCKET_MODE)
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stopping.set)
    await stopping.wait()
    server.close()
    for task in list(connections):
        task.cancel()
    with contextlib.suppress(Exception):
        await asyncio.gather(*connections, return_exceptions=True)
    path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    from runner.i18n import detect_language

    parser = argparse.ArgumentParser(prog="labrunner-seal")
    parser.add_argument("--engine", required=True)
    parser.add_argument("--socket", required=True, type=Path)
    parser.add_argument("--folder", action="append", default=[])
    args = parser.parse_args(argv)
    asyncio.run(serve(context(args.engine, detect_language(), args.folder), args.socket))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

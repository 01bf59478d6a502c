"""The guard: unix sockets the lab's and the student's shells use as their Docker engine,
served by an asyncio loop in a thread of its own, for the duration of a run."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

from runner.guard.connection import Connection, Context
from runner.guard.created import Created
from runner.guard.engine import check_engine_url
from runner.guard.gate import Ask, Gate
from runner.guard.http1 import MAX_HEAD
from runner.guard.narrowing import run_label
from runner.guard.record import Call

START_TIMEOUT = 10.0
MAX_FOLDER = 80  # a unix socket's path holds at most 107 bytes: room for "<shell>.sock"


class Guard:
    """Forwards every API call to `engine_url`, records it, and holds the deletions, stops,
    prunes and tag overwrites of objects the run did not create (see policy.py); a prune not
    allowed is narrowed to the run's own objects (narrowing.py).

    `sandbox`: the engine is labrunner's own, nothing is held. `ask(question) -> bool` is
    called (from a worker thread) for a held request; None means unattended: refuse.
    `read_only`: every request but GET and HEAD is refused (a teacher's `labrunner check`
    looks at a student's engine and must change nothing there)."""

    def __init__(self, engine_url: str, sandbox: bool, ask: Ask | None = None,
                 language: str = "en", read_only: bool = False) -> None:
        check_engine_url(engine_url)
        self.engine_url, self.language, self.read_only = engine_url, language, read_only
        # On a user's engine, what the run creates carries this label; a prune not allowed
        # then removes only what has it (see narrowing.py).
        self.label = run_label(uuid.uuid4().hex[:12])
        self._created = Created()
        self._calls: list[Call] = []
        self._gate = Gate(engine_url, sandbox, ask, self._created)
        self._unattended_gate = Gate(engine_url, sandbox, None, self._created)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.AbstractServer] = []
        self._connections: set[asyncio.Task] = set()
        self._folder: Path | None = None
        self.sockets: dict[str, Path] = {}  # shell -> its socket, while the guard runs

    def start(self, shell: str = "lab") -> Path:
        """Start serving; the path of the first shell's socket (DOCKER_HOST=unix://<path>)."""
        self._folder = _socket_folder()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="labrunner-guard",
                                        daemon=True)
        self._thread.start()
        return self.open_socket(shell)

    def open_socket(self, shell: str, unattended: bool = False) -> Path:
        """Another socket on the same guard (same objects, same record), for `shell`.

        `unattended`: refuse there instead of asking (a shell whose terminal the user is
        typing in, where labrunner cannot ask without fighting that shell for the keyboard)."""
        assert self._loop is not None and self._folder is not None, "start() first"
        path = self._folder / f"{shell}.sock"
        gate = self._unattended_gate if unattended else self._gate
        context = Context(self.engine_url, shell, self.language, gate, self._created,
                          self._calls, read_only=self.read_only, label=self.label)
        serving = asyncio.run_coroutine_threadsafe(self._serve(context, path), self._loop)
        self._servers.append(serving.result(START_TIMEOUT))
        self.sockets[shell] = path
        return path

    async def _serve(self, context: Context, path: Path) -> asyncio.AbstractServer:
        async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            self._connections.add(task)  # type: ignore[arg-type]
            try:
                await Connection(context, (reader, writer)).serve()
            except asyncio.CancelledError:
                # stop(): the connection ends with the guard. Ended, not cancelled: asyncio
                # would otherwise print the cancellation as "Exception in callback".
                writer.close()
            finally:
                self._connections.discard(task)  # type: ignore[arg-type]

        return await asyncio.start_unix_server(on_client, path, limit=MAX_HEAD)

    def stop(self) -> None:
        """Close the sockets and every connection still open (a `logs -f` left running)."""
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(START_TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_TIMEOUT)
        self._loop.close()
        self._loop = self._thread = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self.sockets.clear()

    async def _close(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._connections):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*self._connections, return_exceptions=True)
        self._servers.clear()

    @property
    def records(self) -> list[dict[str, object]]:
        """Every call so far, as JSON-ready dicts, oldest first."""
        return [call.as_dict() for call in list(self._calls)]

    @property
    def created(self) -> dict[str, list[str]]:
        """What the run created: containers, images (ids), references, volumes, networks."""
        return self._created.as_dict()

    def __enter__(self) -> Guard:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _socket_folder() -> Path:
    """A new folder only this user can enter (0700), in $TMPDIR unless that path is too long
    for a unix socket."""
    folder = Path(tempfile.mkdtemp(prefix="labrunner-guard-"))
    if len(str(folder).encode()) <= MAX_FOLDER:
        return folder
    folder.rmdir()
    return Path(tempfile.mkdtemp(prefix="labrunner-guard-", dir="/tmp"))

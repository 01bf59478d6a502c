"""The Docker SDK: imported in a background thread as soon as an engine answers, one client.

Importing `docker` costs ~60 ms of CPU (requests, urllib3, …). A run needs it only at its
first engine check, after bash has started and the first commands ran, and meanwhile the
main thread mostly waits on bash: a thread imports it then, so the import costs no wall time.
A client built with the engine's API version (from `/info`'s `Api-Version` header) skips the
SDK's own `/version` round trip; a run and the checks it evaluates share one client.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

_import_thread: threading.Thread | None = None
_clients: dict[tuple[str, float], Any] = {}
_lock = threading.Lock()


def preload() -> None:
    """Start importing the SDK in the background (once); returns at once."""
    global _import_thread
    with _lock:
        if _import_thread is None:
            # Not a daemon: a process that ends meanwhile lets the import finish cleanly.
            _import_thread = threading.Thread(target=_import_sdk, name="labrunner-sdk-import")
            _import_thread.start()


def _import_sdk() -> None:
    with contextlib.suppress(Exception):  # the caller's own import raises it again, in place
        import docker  # noqa: F401


def client(url: str, timeout: float = 60, api_version: str | None = None) -> Any:
    """The shared `docker.DockerClient` for `url` (created on first use)."""
    with _lock:
        thread = _import_thread
    if thread is not None and thread is not threading.current_thread():
        thread.join()  # the import under way: waiting for it is shorter than doing it twice
    key = (url, timeout)
    with _lock:
        if key not in _clients:
            import docker

            _clients[key] = docker.DockerClient(base_url=url, timeout=timeout,
                                                version=api_version)
        return _clients[key]

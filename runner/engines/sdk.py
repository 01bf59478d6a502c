"""The Docker SDK's client, one per engine, for what changes the engine (the self-test
empties its sandbox, the sandbox loads its mirror). A run only reads, through
runner/engines/reader.py, and never imports the SDK (~60 ms of CPU: requests, urllib3…).
A client built with the engine's API version (from `/info`'s `Api-Version` header) skips the
SDK's own `/version` round trip.
"""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[tuple[str, float], Any] = {}
_lock = threading.Lock()


def client(url: str, timeout: float = 60, api_version: str | None = None) -> Any:
    """The shared `docker.DockerClient` for `url` (created on first use)."""
    key = (url, timeout)
    with _lock:
        if key not in _clients:
            import docker

            _clients[key] = docker.DockerClient(base_url=url, timeout=timeout,
                                                version=api_version)
        return _clients[key]

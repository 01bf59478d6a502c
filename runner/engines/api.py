"""GET requests to a Docker engine's API with the standard library, on one kept-alive connection.

The Docker SDK costs ~60 ms of CPU to import and a `requests` session per client; `run` asks
the engine for `/info` before anything else, and a check only reads a few JSON documents.
This speaks HTTP/1.1 over the engine's unix socket (or a plain `tcp://` port, as the SDK does
for such a URL) and keeps the connection open between requests.
"""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Errors that mean "the engine did not answer properly": no socket, reset, bad HTTP, bad JSON.
TRANSPORT_ERRORS = (OSError, http.client.HTTPException, ValueError)


class EngineHTTPError(Exception):
    """The engine answered with an HTTP error status (4xx, 5xx) other than 404."""

    def __init__(self, path: str, status: int, message: str) -> None:
        super().__init__(f"{status} {path}: {message}")
        self.status = status


@dataclass(frozen=True)
class Response:
    status: int
    api_version: str | None  # the engine's `Api-Version` header (its newest API version)
    body: Any  # decoded JSON, or None when the body is empty


def speaks_plain_http(url: str) -> bool:
    """Whether EngineAPI can reach `url` itself (unix socket, or tcp/http with a port); other
    endpoints (ssh://, npipe://) are left to the Docker SDK."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path.startswith("/")
    try:
        return parts.scheme in ("tcp", "http") and bool(parts.hostname) and bool(parts.port)
    except ValueError:  # a port that is not a number
        return False


class UnixConnection(http.client.HTTPConnection):
    """HTTP over a unix socket (the engine's, the sandbox's, the guard's)."""

    def __init__(self, socket_path: str, timeout: float = 60) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = socket_path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def _connection(url: str, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return UnixConnection(parts.path, timeout)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


class EngineAPI:
    """A few GET requests to one engine; raises TRANSPORT_ERRORS when it does not answer."""

    def __init__(self, url: str, timeout: float = 60) -> None:
        if not speaks_plain_http(url):
            raise ValueError(f"not a unix:// or tcp://host:port endpoint: {url}")
        self.url = url
        self._timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    def __enter__(self) -> EngineAPI:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, path: str) -> Response:
        """GET `path` (e.g. `/info`); a connection the engine closed meanwhile is reopened once."""
        try:
            return self._get_once(path)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.close()
            return self._get_once(path)

    def get_json(self, path: str) -> Any:
        """The decoded answer to GET `path`; None for 404 (no such object)."""
        response = self.get(path)
        if response.status == 404:
            return None
        if response.status >= 400:
            body = response.body if isinstance(response.body, dict) else {}
            raise EngineHTTPError(path, response.status, str(body.get("message", "")))
        return response.body

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _get_once(self, path: str) -> Response:
        if self._connection is None:
            self._connection = _connection(self.url, self._timeout)
        try:
            self._connection.request("GET", path, headers={"Accept": "application/json"})
            answer = self._connection.getresponse()
            data = answer.read()
        except BaseException:
            self.close()  # a half-read answer would garble the next request
            raise
        if answer.will_close:
            self.close()
        return Response(answer.status, answer.getheader("Api-Version"),
                        json.loads(data) if data.strip() else None)

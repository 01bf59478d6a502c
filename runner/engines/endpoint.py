"""Which Docker endpoint to talk to, and where that choice came from.

Order: --engine, DOCKER_HOST, the docker CLI's current context, the default socket. Only the
last one is "not configured": when it does not answer, `run` may fall back to the sandbox;
an endpoint the user chose that does not answer is an error naming it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SOCKET = "unix:///var/run/docker.sock"
_api_versions: dict[str, str] = {}  # url -> the engine's API version, from its /info answer


@dataclass(frozen=True)
class Endpoint:
    url: str
    source: str  # option | DOCKER_HOST | context:<name> | default

    @property
    def configured(self) -> bool:
        return self.source != "default"


def configured_endpoint(option: str | None, environ: Mapping[str, str]) -> Endpoint:
    if option:
        return Endpoint(option, "option")
    if environ.get("DOCKER_HOST"):
        return Endpoint(environ["DOCKER_HOST"], "DOCKER_HOST")
    context = _context_endpoint(environ)
    if context:
        return context
    return Endpoint(DEFAULT_SOCKET, "default")


def _context_endpoint(environ: Mapping[str, str]) -> Endpoint | None:
    config_dir = Path(environ.get("DOCKER_CONFIG") or Path(environ.get("HOME", "~")) / ".docker")
    name = environ.get("DOCKER_CONTEXT") or _json(config_dir / "config.json").get("currentContext")
    if not name or name == "default":
        return None
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = _json(config_dir.expanduser() / "contexts" / "meta" / digest / "meta.json")
    host = ((meta.get("Endpoints") or {}).get("docker") or {}).get("Host")
    return Endpoint(host, f"context:{name}") if host else None


def _json(path: Path) -> dict:
    try:
        with open(os.path.expanduser(path), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def docker_client(url: str, timeout: float = 60):
    """The Docker SDK client for `url`, shared by the whole process (see runner/engines/sdk)."""
    from runner.engines import sdk

    return sdk.client(url, timeout, _api_versions.get(url))


def engine_info(url: str, timeout: float = 5) -> dict | None:
    """`docker info` of the engine at `url`, or None when it does not answer.

    One plain HTTP request where we can (no SDK import on the way to the first command);
    the engine's API version comes with it, so the SDK client made later needs no round trip."""
    from runner.engines.api import TRANSPORT_ERRORS, EngineAPI, speaks_plain_http

    if not speaks_plain_http(url):
        return _sdk_info(url, timeout)
    try:
        with EngineAPI(url, timeout) as api:
            response = api.get("/info")
    except TRANSPORT_ERRORS:
        return None
    if response.status != 200 or not isinstance(response.body, dict):
        return None
    if response.api_version:
        _api_versions[url] = response.api_version
    return response.body


def _sdk_info(url: str, timeout: float) -> dict | None:
    """ssh:// and the like: the SDK knows how to reach them."""
    from docker.errors import DockerException
    from requests.exceptions import RequestException

    try:
        return docker_client(url, timeout).info()
    except (DockerException, RequestException, OSError):
        return None

"""A few GET requests to the sandbox's dockerd over its unix socket, with the standard library.

Waiting for the engine polls it many times; the Docker SDK would cost its import time and a
client per try, and `labrunner sandbox status` should stay light.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any

from runner.engines.api import UnixConnection


def get_json(socket_path: Path, path: str, timeout: float = 5) -> Any:
    """GET `path` from the engine and decode its JSON answer; None when it does not answer."""
    connection = UnixConnection(str(socket_path), timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return json.loads(body) if response.status == 200 else None
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        connection.close()


def answers(socket_path: Path) -> bool:
    """True once the engine serves its API (`/info` answers), not merely once the socket exists."""
    return get_json(socket_path, "/info", timeout=2) is not None


def bridge_names(socket_path: Path) -> list[str]:
    """Host bridges of the engine's bridge networks (a lab's `docker network create` makes one)."""
    names = []
    for network in get_json(socket_path, "/networks") or []:
        if network.get("Driver") != "bridge":
            continue
        options = network.get("Options") or {}
        names.append(options.get("com.docker.network.bridge.name") or f"br-{network['Id'][:12]}")
    return names


def image_tags(socket_path: Path) -> set[str] | None:
    """Every `name:tag` the engine holds, as `docker images` names them; None when it is silent."""
    images = get_json(socket_path, "/images/json")
    if not isinstance(images, list):
        return None
    return {tag for image in images for tag in image.get("RepoTags") or []
            if tag != "<none>:<none>"}

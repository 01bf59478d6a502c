"""What the what-changed panel reads from the engine: a snapshot of its images and containers,
which containers had something done to them in a time window, and a container's writable layer.

A snapshot is two requests (`/containers/json?all=1`, `/images/json`); an image's layer count
is read once per image id (an id's layers never change). Only the containers a step touched
have their writable layer listed (`/containers/{id}/changes`). Everything goes to the run's
engine endpoint itself, never through the guard: these reads are not the lab's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from runner.engines.api import TRANSPORT_ERRORS, EngineAPI, EngineHTTPError, UnixConnection

ENGINE_ERRORS = (*TRANSPORT_ERRORS, EngineHTTPError)
RUNNING_STATES = frozenset({"running", "paused", "restarting"})
TIMEOUT = 10  # seconds: a snapshot that takes longer than this turns the panel off
LAYER_COUNTS_READ = 100  # images whose layer count is read at the first snapshot, at most


@dataclass(frozen=True)
class ContainerState:
    name: str
    running: bool


@dataclass(frozen=True)
class Snapshot:
    """The engine at one moment: image id -> name, container id -> state; `at`: unix time."""

    images: dict[str, str]
    containers: dict[str, ContainerState]
    at: float


class EngineSnapshots:
    """The reads behind the panel, on one kept-alive connection to `endpoint`."""

    def __init__(self, endpoint: str, clock: Callable[[], float] = time.time) -> None:
        self.endpoint = endpoint
        self.api = EngineAPI(endpoint, TIMEOUT)
        self.clock = clock
        self.layers: dict[str, int] = {}  # image id -> layer count

    def take(self) -> Snapshot:
        at = self.clock()
        containers = {entry["Id"]: ContainerState(_container_name(entry),
                                                  entry.get("State") in RUNNING_STATES)
                      for entry in self.api.get_json("/containers/json?all=1") or []}
        images = {entry["Id"]: _image_name(entry) for entry in self.api.get_json("/images/json")
                  or []}
        return Snapshot(images, containers, at)

    def layer_count(self, image_id: str) -> int:
        """How many layers the image has (0: unknown), read once per image id."""
        if image_id not in self.layers:
            details = self.api.get_json(f"/images/{quote(image_id, safe=':')}/json") or {}
            self.layers[image_id] = len((details.get("RootFS") or {}).get("Layers") or [])
        return self.layers[image_id]

    def remember_layers(self, image_ids: list[str]) -> None:
        """Read the layer counts of images that may be removed later (once gone, they cannot
        be read any more)."""
        for image_id in image_ids[:LAYER_COUNTS_READ]:
            self.layer_count(image_id)

    def changes(self, container_id: str) -> dict[str, int]:
        """`docker container diff`: path -> kind (0 changed, 1 added, 2 deleted)."""
        entries = self.api.get_json(f"/containers/{container_id}/changes") or []
        return {entry["Path"]: int(entry["Kind"]) for entry in entries}

    def inspect(self, container_id: str) -> dict:
        return self.api.get_json(f"/containers/{container_id}/json") or {}

    def touched(self, since: float, until: float) -> set[str]:
        """The ids of the containers the engine reported an event for between the two times
        (exec, attach, cp, start, stop…): what a snapshot alone cannot see. Only on a unix
        socket, where the engine's clock is this machine's."""
        if urlsplit(self.endpoint).scheme != "unix":
            return set()
        filters = quote(json.dumps({"type": ["container"]}))
        path = f"/events?since={since:.6f}&until={until:.6f}&filters={filters}"
        return {event.get("Actor", {}).get("ID", "") for event in self._lines(path)} - {""}

    def _lines(self, path: str) -> list[dict]:
        """A streamed answer of JSON lines (/events), read to its end on a connection of its own."""
        connection = UnixConnection(urlsplit(self.endpoint).path, TIMEOUT)
        try:
            connection.request("GET", path)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        if answer.status != 200:
            return []
        return [json.loads(line) for line in data.splitlines() if line.strip()]

    def close(self) -> None:
        self.api.close()


def _container_name(entry: dict) -> str:
    names = entry.get("Names") or []
    return names[0].lstrip("/") if names else entry.get("Id", "")[:12]


def _image_name(entry: dict) -> str:
    tags = [tag for tag in entry.get("RepoTags") or [] if tag != "<none>:<none>"]
    return tags[0] if tags else entry.get("Id", "").split(":")[-1][:12]


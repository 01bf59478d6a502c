"""What a run reads from the engine, shaped like the Docker SDK's low-level API, without the SDK.

Checks, the destructive preview and the inventory call `client.api.inspect_image(name)`,
`client.api.containers(all=True)` and the like. `ReaderClient` answers those same calls, with
the same JSON, on runner/engines/api: a run that only reads needs no SDK import (~60 ms of
CPU) and no `requests` session. Two differences, both on purpose:
- a 404 answers None (no such object) where the SDK raises NotFound; `absent_as_none` in
  runner/checks takes either;
- any other failure is raised as the SDK's `DockerException`, the error checks already turn
  into a failed check; the SDK is imported then, and only then.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from runner.engines.api import TRANSPORT_ERRORS, EngineAPI, EngineHTTPError


class EngineReader:
    """The read-only calls of the SDK's `APIClient` that labrunner makes."""

    def __init__(self, url: str, timeout: float = 60) -> None:
        self._http = EngineAPI(url, timeout)

    def inspect_image(self, name: str) -> dict | None:
        return self._get(f"/images/{_quoted(name)}/json")

    def inspect_container(self, name: str) -> dict | None:
        return self._get(f"/containers/{_quoted(name)}/json")

    def inspect_volume(self, name: str) -> dict | None:
        return self._get(f"/volumes/{_quoted(name)}")

    def inspect_network(self, name: str) -> dict | None:
        return self._get(f"/networks/{_quoted(name)}")

    def diff(self, container: str) -> list | None:
        """`docker container diff`: [{"Path": …, "Kind": 0|1|2}], None when nothing changed."""
        return self._get(f"/containers/{_quoted(container)}/changes")

    def containers(self, all: bool = False) -> list:  # noqa: A002 - the SDK's parameter name
        return self._get(f"/containers/json?all={int(all)}") or []

    def images(self) -> list:
        return self._get("/images/json") or []

    def volumes(self) -> dict:
        return self._get("/volumes") or {}

    def close(self) -> None:
        self._http.close()

    def _get(self, path: str) -> Any:
        try:
            return self._http.get_json(path)
        except (EngineHTTPError, *TRANSPORT_ERRORS) as error:
            from docker.errors import DockerException  # the failure path only

            raise DockerException(f"{self._http.url}: {error}") from error


class ReaderClient:
    """Stands where a `docker.DockerClient` stands for code that only reads (`client.api`)."""

    def __init__(self, url: str, timeout: float = 60) -> None:
        self.api = EngineReader(url, timeout)

    def close(self) -> None:
        self.api.close()


def _quoted(name: str) -> str:
    return quote(name, safe="/:")  # as the SDK quotes a name in a path

"""Image references as a Docker Hub mirror sees them: `python:3.9` is `library/python:3.9`.

dockerd asks its registry mirror only for Docker Hub images, under Docker Hub's own names:
official images live under `library/`, `user/repo:tag` keeps its name. A reference naming
another registry host (`ghcr.io/x/y:1`) is pulled from that host and never reaches the mirror.
"""

from __future__ import annotations

from dataclasses import dataclass

HUB_HOSTS = ("docker.io", "index.docker.io", "registry-1.docker.io")


@dataclass(frozen=True)
class Reference:
    """One `name:tag`; `host` is "" for Docker Hub, `path` is Hub's (`library/python`)."""

    host: str
    path: str
    tag: str

    @property
    def familiar(self) -> str:
        """The name as `docker images` shows it: `python:3.9`, `user/repo:1`, `ghcr.io/x/y:1`."""
        if self.host:
            return f"{self.host}/{self.path}:{self.tag}"
        path = self.path
        if path.count("/") == 1:
            path = path.removeprefix("library/")
        return f"{path}:{self.tag}"

    @property
    def mirror_path(self) -> str:
        """Where a Docker Hub mirror serves it: `library/python:3.9`."""
        return f"{self.path}:{self.tag}"


def parse(text: str) -> Reference:
    """Split a reference into host, path and tag, with Docker's own rules for the host."""
    name, tag = _split_tag(text.strip())
    first, _, rest = name.partition("/")
    host = first if rest and ("." in first or ":" in first or first == "localhost") else ""
    if host:
        name = rest
    if host in HUB_HOSTS:
        host = ""
    if not host and "/" not in name:
        name = f"library/{name}"
    return Reference(host, name, tag)


def _split_tag(text: str) -> tuple[str, str]:
    name = text.split("@", 1)[0]
    # A colon followed by a slash belongs to a host's port (localhost:5000/x), not to a tag.
    base, colon, tag = name.rpartition(":")
    if not colon or "/" in tag:
        return name, "latest"
    return base, tag

"""What a `docker save` archive holds, read from its manifest.json without unpacking layers.

Every problem with a file given to `sandbox import` is found here, before the sandbox starts,
and is one ArchiveError line (exit 2): missing, unreadable, not a tar, not made by
`docker save`, or saved by image id (no `name:tag` to serve it under).
"""

from __future__ import annotations

import json
import lzma
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.errors import ArchiveError
from runner.sandbox.references import Reference, parse

# What a damaged or foreign file may raise while tarfile reads (or decompresses) it.
UNREADABLE_TAR = (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, ValueError, OSError)


@dataclass(frozen=True)
class Archive:
    """One archive: its tagged images, each reference with its image id (`sha256:…`)."""

    path: Path
    images: dict[Reference, str]

    def hub(self) -> list[Reference]:
        """References a Docker Hub mirror can serve."""
        return [reference for reference in self.images if not reference.host]

    def foreign(self) -> list[Reference]:
        """References naming another registry: the mirror can never serve them."""
        return [reference for reference in self.images if reference.host]


def read(path: Path) -> Archive:
    """The archive's tagged images; ArchiveError when it cannot be imported."""
    manifest = _manifest(path)
    images = {parse(tag): _image_id(entry) for entry in manifest
              for tag in entry.get("RepoTags") or [] if isinstance(tag, str)}
    if not images:
        raise ArchiveError("sandbox.import_untagged", file=str(path))
    return Archive(path, images)


def _manifest(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise ArchiveError("sandbox.import_missing", file=str(path))
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after tarfile is done with it
    except OSError as error:
        raise ArchiveError("sandbox.import_unreadable", file=str(path),
                           reason=error.strerror or str(error)) from None
    with handle:
        data = _manifest_data(handle, path)
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise ArchiveError("sandbox.import_not_docker", file=str(path))
    return data


def _manifest_data(handle, path: Path) -> Any:
    """manifest.json decoded, or None when the tar has none (or an unreadable one)."""
    try:
        with tarfile.open(fileobj=handle, mode="r:*") as archive:
            member = next((m for m in archive if m.name.removeprefix("./") == "manifest.json"
                           and m.isfile()), None)
            return json.load(archive.extractfile(member)) if member else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    except UNREADABLE_TAR:
        raise ArchiveError("sandbox.import_not_tar", file=str(path)) from None


def _image_id(entry: dict[str, Any]) -> str:
    """`Config` is `<hex>.json` (classic `docker save`) or `blobs/sha256/<hex>` (OCI layout)."""
    config = str(entry.get("Config") or "")
    return "sha256:" + config.rsplit("/", 1)[-1].removesuffix(".json")

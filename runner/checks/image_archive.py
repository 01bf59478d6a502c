"""image_archive: a `docker save` archive holds exactly the image's layers.

The archive's manifest.json lists one layer file per layer (`<id>/layer.tar` in the classic
format, `blobs/sha256/<digest>` in the OCI layout of Docker 25 and later). The sha256 of each
uncompressed layer tar is the layer's diff id, so the list must equal RootFS.Layers of
`docker image inspect`, in order. Works on the .tar itself or on the folder it was extracted to.

Passes when the archive lists one layer tar per entry of the image's RootFS.Layers, in order,
each tar's sha256 equal to it (classic and OCI layouts).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tarfile
from collections.abc import Callable
from typing import IO, Literal

from pydantic import Field, StrictStr

from runner.checks.base import CheckBase, CheckContext, CheckOutcome, Problem, outcome, unexamined
from runner.checks.image import inspect_image, layers_of
from runner.messages import msg


class ImageArchiveCheck(CheckBase):
    """A `docker save` archive (the .tar, or the folder it was extracted to) holds the image's
    layers: one layer tar per entry of RootFS.Layers, same order, same sha256."""

    type: Literal["image_archive"]
    path: StrictStr = Field(description="The archive or its extracted folder, e.g. image.tar")
    image: StrictStr = Field(description="The image saved in it, e.g. nginx")

Opener = Callable[[str], IO[bytes]]
CHUNK = 1 << 20


def evaluate(check: ImageArchiveCheck, ctx: CheckContext) -> CheckOutcome:
    name = ctx.text(check.image)
    path = ctx.local_path(check.path)
    summary = msg("check.archive", path=ctx.text(check.path), name=name)
    details = inspect_image(ctx, name)
    if details is None:
        return outcome(summary, [unexamined(msg("check.image_state"), "present", "absent")])
    try:
        found = archive_layers(path, name)
    except (OSError, ValueError, KeyError, tarfile.TarError) as error:
        return outcome(summary, [unexamined(msg("check.archive_unreadable"), path, str(error))])
    expected = layers_of(details)
    if found == expected:
        return outcome(summary, [], msg("check.archive_matches", count=len(found)))
    return outcome(summary, [Problem(msg("check.archive_layers"), "\n".join(expected),
                                     "\n".join(found) or "-")])


def archive_layers(path: str, reference: str) -> list[str]:
    """The diff id (sha256 of the uncompressed tar) of each layer the archive lists."""
    if os.path.isdir(path):
        return _layers(lambda member: open(os.path.join(path, member), "rb"), reference)
    with tarfile.open(path) as archive:
        return _layers(lambda member: archive.extractfile(_member(archive, member)), reference)


def _member(archive: tarfile.TarFile, name: str) -> tarfile.TarInfo:
    # A layer shared with another image may be stored as a link to the first copy.
    info = archive.getmember(name)
    while info.islnk() or info.issym():
        target = info.linkname if info.islnk() else os.path.normpath(
            os.path.join(os.path.dirname(info.name), info.linkname))
        info = archive.getmember(target)
    return info


def _layers(open_member: Opener, reference: str) -> list[str]:
    with open_member("manifest.json") as handle:
        manifest = json.load(handle)
    entry = _entry_for(manifest, reference)
    return [_diff_id(open_member, layer) for layer in entry["Layers"]]


def _entry_for(manifest: list[dict], reference: str) -> dict:
    """The manifest entry of `reference` (an archive may hold several images)."""
    wanted = {reference, f"{reference}:latest", f"docker.io/library/{reference}"}
    for entry in manifest:
        if wanted & set(entry.get("RepoTags") or []):
            return entry
    if len(manifest) == 1:
        return manifest[0]
    raise ValueError(f"no image {reference} in manifest.json")


def _diff_id(open_member: Opener, name: str) -> str:
    digest = hashlib.sha256()
    with open_member(name) as raw:
        head = raw.read(2)
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()

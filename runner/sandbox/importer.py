"""`sandbox import`: real images saved elsewhere with `docker save`, served by the mirror.

Each archive is loaded into the sandbox engine, its Docker Hub references are pushed to the
mirror under Docker Hub's names, recorded (so no stand-in ever replaces them), and then the
tags the load added are removed again: the engine stays like a fresh install, and a later
`docker pull` really downloads from the mirror, as it would for a student.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from runner.errors import ArchiveError, SandboxError
from runner.sandbox import api, marks
from runner.sandbox.archives import Archive
from runner.sandbox.dockercli import Docker
from runner.sandbox.paths import Layout
from runner.sandbox.references import Reference

Progress = Callable[[str, dict], None]


def import_archive(docker: Docker, layout: Layout, registry: str, archive: Archive,
                   progress: Progress) -> list[Reference]:
    """Load, push, record and untag one archive; return the references now in the mirror."""
    before = api.image_tags(layout.engine_socket)
    progress("sandbox.import_loading", {"file": str(archive.path)})
    _load(docker, archive)
    pushed = _push_all(docker, registry, archive, before)
    marks.merge(layout.registry_storage, marks.IMPORTED,
                {reference.familiar: archive.images[reference] for reference in pushed})
    for reference in pushed:
        progress("sandbox.imported", {"image": reference.familiar, "file": archive.path.name,
                                      "image_id": archive.images[reference][:19]})
    _untag_new(docker, registry, archive, before)
    return pushed


def _load(docker: Docker, archive: Archive) -> None:
    try:
        docker("load", "--quiet", "--input", str(archive.path))
    except SandboxError as error:  # the archive passed our checks, but its content is broken
        raise ArchiveError("sandbox.import_load_failed", file=str(archive.path),
                           detail=" ".join(str(error.params.get("detail")).split())) from None


def _push_all(docker: Docker, registry: str, archive: Archive,
              before: set[str] | None) -> list[Reference]:
    """Push every Docker Hub reference; after a failure, untag what the load added anyway."""
    try:
        for reference in archive.hub():
            _push(docker, registry, reference)
    except SandboxError:
        with contextlib.suppress(SandboxError):  # best effort: the push failure is the news
            _untag_new(docker, registry, archive, before)
        raise
    return archive.hub()


def _push(docker: Docker, registry: str, reference: Reference) -> None:
    target = f"{registry}/{reference.mirror_path}"
    docker("tag", reference.familiar, target)
    docker("push", "--quiet", target)


def _untag_new(docker: Docker, registry: str, archive: Archive, before: set[str] | None) -> None:
    """Remove the mirror names and every tag the load added; tags the engine had stay."""
    # When the engine could not list its tags, keep them all rather than remove one it had.
    kept = before if before is not None else {reference.familiar for reference in archive.images}
    added = [reference.familiar for reference in archive.images if reference.familiar not in kept]
    aliases = [f"{registry}/{reference.mirror_path}" for reference in archive.hub()]
    docker("rmi", *aliases, *added)

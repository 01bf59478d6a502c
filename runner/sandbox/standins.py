"""Build the stand-in images offline (FROM scratch + a static busybox), push them to the mirror.

Each folder under standins/ is one stand-in: its Dockerfile, any file it copies, and `tags`,
the `name:tag` references it is pushed as (one a line). Adding a stand-in needs no code.
Stand-ins the registry already serves, built from the same files, are not built again, and a
tag imported with `sandbox import` (a real image) is never replaced by a stand-in. After
pushing, the images are deleted from the sandbox engine so that it starts empty, like a fresh
install: a lab's `docker pull` really downloads.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from runner.errors import SandboxError
from runner.sandbox import marks

STANDINS = Path(__file__).resolve().parent / "standins"
PRINTENV = STANDINS / "printenv"  # copied beside busybox into every stand-in
BUSYBOX_PATHS = (Path("/bin/busybox"), Path("/usr/bin/busybox"))
MARKS = marks.STANDINS  # in the registry storage: what each stand-in was built from
Progress = Callable[[str, dict], None]
PARALLEL_BUILDS = 3
PUSH_ATTEMPTS = 3


@dataclass(frozen=True)
class StandIn:
    folder: Path
    tags: tuple[str, ...]  # "nginx:latest", as a lab pulls it

    @property
    def name(self) -> str:
        return self.folder.name

    def fingerprint(self) -> str:
        """A hash of everything the image is built from: a changed file means a rebuild."""
        digest = hashlib.sha256(_busybox_digest().encode() + PRINTENV.read_bytes())
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(self.folder).as_posix().encode() + path.read_bytes())
        return digest.hexdigest()


def all_standins() -> list[StandIn]:
    found = []
    for folder in sorted(p for p in STANDINS.iterdir() if (p / "tags").is_file()):
        tags = (folder / "tags").read_text(encoding="utf-8").split()
        found.append(StandIn(folder, tuple(t if ":" in t else f"{t}:latest" for t in tags)))
    return found


def busybox() -> Path | None:
    return next((path for path in BUSYBOX_PATHS if path.is_file()), None)


@cache
def _busybox_digest() -> str:
    return hashlib.sha256((busybox() or Path("/dev/null")).read_bytes()).hexdigest()


def missing(served: list[str], storage: Path) -> list[StandIn]:
    """Stand-ins the registry does not serve, or serves from other files than today's.

    Each comes without the tags `sandbox import` filled with a real image (one with no tag
    left is not built at all): a stand-in must never overwrite what a trainer imported."""
    built, imported = marks.read(storage, MARKS), marks.imported(storage)
    todo = []
    for standin in all_standins():
        tags = tuple(tag for tag in standin.tags if tag not in imported)
        if tags and (not set(tags) <= set(served)
                     or built.get(standin.name) != standin.fingerprint()):
            todo.append(replace(standin, tags=tags))
    return todo


def all_tags() -> set[str]:
    """Every `name:tag` some stand-in is pushed as."""
    return {tag for standin in all_standins() for tag in standin.tags}


def load(docker: Callable[..., object], registry: str, todo: list[StandIn], storage: Path,
         progress: Progress) -> None:
    """Build and push `todo`, then delete every image from the (private) sandbox engine."""
    if not todo:
        return
    # The first build makes the busybox layers every stand-in starts with; the others then
    # reuse them from the build cache and run side by side (a build mostly waits on dockerd).
    _build_and_push(docker, todo[0], registry, progress)
    with ThreadPoolExecutor(max_workers=PARALLEL_BUILDS) as pool:
        futures = [pool.submit(_build_and_push, docker, standin, registry, progress)
                   for standin in todo[1:]]
        for future in futures:
            future.result()  # the first failure is raised here, as a SandboxError
    marks.merge(storage, MARKS, {standin.name: standin.fingerprint() for standin in todo})
    # Only now: deleting an image while another build reuses its parent layers could pull
    # those layers from under that build.
    docker("rmi", "--force", *(f"{registry}/library/{tag}" for s in todo for tag in s.tags))
    docker("image", "prune", "--all", "--force")


def _build_and_push(docker: Callable[..., object], standin: StandIn, registry: str,
                    progress: Progress) -> None:
    """Build one stand-in under its mirror names and push it (it stays in the engine)."""
    progress("sandbox.building", {"image": ", ".join(standin.tags)})
    references = [f"{registry}/library/{tag}" for tag in standin.tags]
    with tempfile.TemporaryDirectory(prefix="labrunner-standin-") as context:
        shutil.copytree(standin.folder, context, dirs_exist_ok=True)
        shutil.copy(busybox(), Path(context) / "busybox")
        shutil.copy(PRINTENV, Path(context) / "printenv")
        tags = [arg for reference in references for arg in ("--tag", reference)]
        docker("build", "--quiet", "--force-rm", *tags, context)
    for reference in references:
        _push(docker, reference)


def _push(docker: Callable[..., object], reference: str) -> None:
    """`docker push`, tried again after a failure: with the containerd image store, parallel
    pushes of the same base layer race in the registry (seen: 500 on a blob's HEAD request)."""
    for attempt in range(PUSH_ATTEMPTS):
        try:
            docker("push", "--quiet", reference)
            return
        except SandboxError:
            if attempt == PUSH_ATTEMPTS - 1:
                raise
            time.sleep(0.5 * (attempt + 1))

"""Build the stand-in images offline (FROM scratch + busybox) and push them to the mirror.

Each folder under standins/ holds a Dockerfile and a `tags` file (one `name:tag` a line):
adding a stand-in needs no code. After pushing, the images are deleted from the sandbox
engine so it starts empty, like a fresh install: a lab's `docker pull` really downloads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from runner.errors import SandboxError

STANDINS = Path(__file__).resolve().parent / "standins"
BUSYBOX = Path("/bin/busybox")


def standin_tags() -> dict[Path, list[str]]:
    return {folder: (folder / "tags").read_text().split()
            for folder in sorted(STANDINS.iterdir()) if (folder / "tags").is_file()}


def load_standins(docker_host: str, registry: str, served: list[str],
                  progress: Callable[[str, dict], None]) -> None:
    env = dict(os.environ, DOCKER_HOST=docker_host, DOCKER_BUILDKIT="0")
    built = []
    for folder, tags in standin_tags().items():
        missing = [tag for tag in tags if _full(tag) not in served]
        if not missing:
            continue
        progress("sandbox.building", {"image": ", ".join(tags)})
        built += _build_and_push(folder, tags, registry, env)
    for reference in built:
        _docker(env, "rmi", "-f", reference)
    if built:
        _docker(env, "image", "prune", "-f")


def _full(tag: str) -> str:
    return tag if ":" in tag else f"{tag}:latest"


def _build_and_push(folder: Path, tags: list[str], registry: str, env: dict) -> list[str]:
    references = [f"{registry}/library/{_full(tag)}" for tag in tags]
    with tempfile.TemporaryDirectory() as context:
        shutil.copy(folder / "Dockerfile", context)
        shutil.copy(BUSYBOX, Path(context) / "busybox")
        _docker(env, "build", "-q", *(arg for ref in references for arg in ("-t", ref)), context)
    for reference in references:
        _docker(env, "push", "-q", reference)
    return references


def _docker(env: dict, *args: str) -> None:
    done = subprocess.run(["docker", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SandboxError("sandbox.docker_failed", command="docker " + " ".join(args),
                           detail=(done.stderr or done.stdout).strip()[-800:])

"""The local registry (Debian's docker-registry) that serves the stand-ins, on 127.0.0.1."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from runner.sandbox.processes import spawn

CONFIG = """version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
http:
  addr: {address}
"""


def start_registry(storage: Path, address: str, state_dir: Path) -> int:
    storage.mkdir(parents=True, exist_ok=True)
    config = state_dir / "registry.yml"
    config.write_text(CONFIG.format(storage=storage, address=address), encoding="utf-8")
    return spawn(["docker-registry", "serve", str(config)], state_dir / "registry.log")


def answers(address: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{address}/v2/", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def served_images(address: str) -> list[str]:
    """`name:tag` of everything the registry serves (library/ prefix dropped)."""
    images = []
    for repository in _get(address, "/v2/_catalog").get("repositories") or []:
        for tag in _get(address, f"/v2/{repository}/tags/list").get("tags") or []:
            images.append(f"{repository.removeprefix('library/')}:{tag}")
    return sorted(images)


def _get(address: str, path: str) -> dict:
    try:
        with urllib.request.urlopen(f"http://{address}{path}", timeout=5) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return {}

"""What an engine holds: containers, images, volumes, as names a person recognises.

One reader for three users: the `engine_empty` check, the list shown before a destructive
step, and `labrunner test`'s comparison of the engine before and after a lab.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("containers", "images", "volumes")
# The catalog key of each kind's name ("conteneurs" in French).
KIND_WORDS = {"containers": "check.word_containers", "images": "check.word_images",
              "volumes": "check.word_volumes"}


@dataclass(frozen=True)
class Inventory:
    containers: dict[str, str]  # id -> name
    images: dict[str, tuple[str, ...]]  # id -> tags ("nginx:latest"), () when dangling
    volumes: frozenset[str]

    def names(self, kind: str) -> list[str]:
        """Sorted, readable names of one kind of object (an untagged image by its short id)."""
        if kind == "containers":
            return sorted(self.containers.values())
        if kind == "images":
            return sorted(", ".join(tags) or image_id.split(":")[-1][:12]
                          for image_id, tags in self.images.items())
        return sorted(self.volumes)


def take(api: Any) -> Inventory:
    """Read the inventory through the SDK's low-level API client (`docker.from_env().api`)."""
    containers = {c["Id"]: (c.get("Names") or ["/?"])[0].lstrip("/")
                  for c in api.containers(all=True)}
    images = {i["Id"]: tuple(t for t in i.get("RepoTags") or [] if t != "<none>:<none>")
              for i in api.images()}
    volumes = frozenset(v["Name"] for v in (api.volumes() or {}).get("Volumes") or [])
    return Inventory(containers, images, volumes)

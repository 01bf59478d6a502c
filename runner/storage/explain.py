"""What each storage driver does with layers, in the reader's language (storage.toml)."""

from __future__ import annotations

from runner.messages import Message, msg
from runner.storage.locate import ContainerLayer, Method

EXPLANATIONS = {
    "overlay2": "storage.explain_overlay2",
    "overlayfs": "storage.explain_overlayfs",
    "overlay": "storage.explain_overlay",
    "fuse-overlayfs": "storage.explain_fuse_overlayfs",
    "vfs": "storage.explain_vfs",
    "btrfs": "storage.explain_btrfs",
    "zfs": "storage.explain_zfs",
    "native": "storage.explain_native",
}
HOW = {
    Method.GRAPH_DRIVER: "storage.how_graphdriver",
    Method.LAYERDB: "storage.how_layerdb",
    Method.MOUNTINFO: "storage.how_mountinfo",
    Method.SNAPSHOT_DB: "storage.how_snapshot_db",
    Method.SNAPSHOTS: "storage.how_snapshots",
    Method.CONTAINERS_JSON: "storage.how_containers_json",
    Method.NONE: "storage.how_none",
}


def explanation(driver: str) -> Message:
    """The message explaining `driver` (`docker info`'s Driver name)."""
    key = EXPLANATIONS.get(driver)
    return msg(key) if key else msg("storage.explain_unknown", driver=driver)


def explain(driver: str, language: str) -> str:
    """The explanation of `driver` as text in `language` ("en" or "fr")."""
    return explanation(driver).text(language)


def how_found(layer: ContainerLayer) -> Message:
    """How the layer was found, naming what was read."""
    return msg(HOW[layer.method], source=layer.source)

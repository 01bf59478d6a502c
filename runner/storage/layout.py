"""Where an engine keeps its layers: the storage driver and its folders, per engine kind.

Docker's graph drivers keep every layer under `<Docker root>/<driver>/` (overlay2 and
fuse-overlayfs: `<id>/diff`, mounted at `<id>/merged`; vfs: `vfs/dir/<id>`, each a full copy;
btrfs: `btrfs/subvolumes/<id>`; zfs: datasets mounted at `zfs/graph/<id>` while in use) and
the image's layer chain in `image/<driver>/layerdb`. Docker's containerd image store keeps
them as containerd snapshots, `<containerd root>/io.containerd.snapshotter.v1.<driver>/
snapshots/<N>/fs`, the running view mounted at `<Docker root>/rootfs/<driver>/<container id>`.
Podman (containers/storage) keeps them under its graph root: `overlay/<id>/diff` (+ `merged`),
`vfs/dir/<id>`…, with `<driver>-layers/layers.json` as its layer database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from runner.storage.host_files import LOCAL, HostFiles

SNAPSHOTTER = "io.containerd.snapshotter.v1."
SYSTEM_CONTAINERD_ROOT = "/var/lib/containerd"
FULL_COPY_DRIVERS = ("vfs", "btrfs", "zfs", "native")


@dataclass(frozen=True)
class StorageLayout:
    """One engine's storage: what `where`, the checks and the lab variables name."""

    driver: str  # `docker info` Driver: overlay2, overlayfs, overlay, vfs, btrfs, zfs…
    engine: str  # "docker", "containerd" (Docker's containerd image store) or "podman"
    root: str  # the Docker root / Podman graph root
    layer_root: str  # the folder with one entry per layer
    layer_files: str  # glob: the files of every layer (each layer's own changes)
    merged_files: str  # glob: the mounted views of running containers ("" where none)
    layer_db: str  # where the layers' chain is recorded ("" where unknown)
    containerd_root: str = ""  # the containerd store's root ("" elsewhere)

    @property
    def full_copies(self) -> bool:
        """Each layer folder holds the whole tree (vfs copies, btrfs/zfs snapshots), not only
        its changes: a change is what differs from the layer below."""
        return self.driver in FULL_COPY_DRIVERS

    def layer_path(self, layer_id: str) -> str:
        """The files folder of one layer, from the id its driver names it by."""
        return self.layer_files.replace("*", layer_id, 1) if self.layer_files else ""

    def merged_path(self, layer_or_container_id: str) -> str:
        return self.merged_files.replace("*", layer_or_container_id, 1) if self.merged_files \
            else ""


def storage_layout(profile, files: HostFiles = LOCAL, upper_hint: str = "") -> StorageLayout:
    """The layout of the engine `profile` describes. `upper_hint`: a writable layer seen in a
    running container's mountinfo, which settles where the containerd root is."""
    driver, root = profile.storage_driver, profile.docker_root
    if getattr(profile, "containerd_store", False) or profile.kind == "containerd":
        return containerd_layout(driver, root, containerd_root(root, driver, files, upper_hint))
    if profile.kind == "podman":
        return podman_layout(driver, root)
    return docker_layout(driver, root)


def docker_layout(driver: str, root: str) -> StorageLayout:
    """Docker's graph drivers: layer folders named by cache id (layerdb's `cache-id`)."""
    base = f"{root}/{driver}"
    files, merged = _driver_globs(driver, base)
    return StorageLayout(driver, "docker", root, _layer_root(driver, base), files, merged,
                         f"{root}/image/{driver}/layerdb")


def podman_layout(driver: str, root: str) -> StorageLayout:
    """containers/storage: the same folder shapes as Docker, named by layer id."""
    base = f"{root}/{driver}"
    files, merged = _driver_globs(driver, base)
    return StorageLayout(driver, "podman", root, _layer_root(driver, base), files, merged,
                         f"{root}/{driver}-layers/layers.json")


def containerd_layout(driver: str, root: str, containerd: str) -> StorageLayout:
    """containerd snapshots: numbered folders; the running view is mounted by dockerd."""
    snapshots = f"{containerd}/{SNAPSHOTTER}{driver}/snapshots"
    files = f"{snapshots}/*" if driver == "native" else f"{snapshots}/*/fs"
    return StorageLayout(driver, "containerd", root, snapshots, files, f"{root}/rootfs/{driver}/*",
                         f"{containerd}/{SNAPSHOTTER}{driver}/metadata.db", containerd)


def _driver_globs(driver: str, base: str) -> tuple[str, str]:
    """(layer_files, merged_files) of a graph driver under its folder `base`."""
    if driver in ("overlay2", "overlay", "fuse-overlayfs"):
        return f"{base}/*/diff", f"{base}/*/merged"
    if driver == "vfs":
        return f"{base}/dir/*", ""  # no mount: a container's layer is its whole root
    if driver == "btrfs":
        return f"{base}/subvolumes/*", ""  # a subvolume is the container's whole root
    if driver == "zfs":
        return f"{base}/graph/*", f"{base}/graph/*"  # datasets, mounted only while in use
    return "", ""


def _layer_root(driver: str, base: str) -> str:
    return {"vfs": f"{base}/dir", "btrfs": f"{base}/subvolumes",
            "zfs": f"{base}/graph"}.get(driver, base)


def containerd_root(docker_root: str, driver: str, files: HostFiles = LOCAL,
                    upper_hint: str = "") -> str:
    """The containerd root of a containerd-store engine: the part of a real writable layer's
    path before the snapshotter folder; else the first candidate that holds that folder
    (dockerd's own containerd, labrunner's sandbox containerd, a system containerd)."""
    if SNAPSHOTTER in upper_hint:
        return upper_hint.split(f"/{SNAPSHOTTER}", 1)[0]
    candidates = containerd_root_candidates(docker_root)
    for candidate in candidates:
        if files.is_dir(f"{candidate}/{SNAPSHOTTER}{driver}"):
            return candidate
    return candidates[0]


def containerd_root_candidates(docker_root: str) -> tuple[str, ...]:
    """dockerd starts its own containerd with root `<data-root>/containerd/daemon` (rootless
    too); labrunner's sandbox starts one with root `<data-root>/containerd`; else the
    system's."""
    return (f"{docker_root}/containerd/daemon", f"{docker_root}/containerd",
            SYSTEM_CONTAINERD_ROOT)


def parent_folder(path: str) -> str:
    return os.path.dirname(path.rstrip("/"))

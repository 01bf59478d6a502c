"""Where one container's writable layer, merged view and image layers are, and how we know.

Ways, in this order, the first that answers wins (Method says which one did):
- GRAPH_DRIVER: `docker inspect`'s GraphDriver.Data.UpperDir (Docker overlay2 and
  fuse-overlayfs, Podman overlay), running or stopped;
- LAYERDB: `<Docker root>/image/<driver>/layerdb/mounts/<id>/mount-id` (Docker's vfs, btrfs,
  zfs, and any graph driver whose inspect gives no folders), running or stopped;
- CONTAINERS_JSON: `<graph root>/<driver>-containers/containers.json` (Podman's vfs, btrfs…);
- MOUNTINFO: the `upperdir=` of the container's `/` in /proc/<State.Pid>/mountinfo (running
  containers; the containerd image store, whose inspect gives no folders);
- SNAPSHOT_DB: the container's snapshot in the snapshotter's metadata.db (the containerd
  store, stopped: a file read, see snapshot_db.py);
- SNAPSHOTS: `ctr snapshots mounts` on the containerd socket (when that file cannot be read).
Each reads a handful of small files: no lookup scans the layer folders.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from runner.storage import containerd_snapshots, mountinfo
from runner.storage.host_files import LOCAL, HostFiles, LocalFiles
from runner.storage.layout import StorageLayout, storage_layout
from runner.storage.snapshot_db import DB_LIMIT, read_snapshots

SnapshotLookup = Callable[[str, str, str], dict[str, str]]  # (id, snapshotter, root) -> options


class Method(StrEnum):
    """How a container's layer was found (shown by `where` and in check notes)."""

    GRAPH_DRIVER = "graphdriver"
    MOUNTINFO = "mountinfo"
    SNAPSHOT_DB = "snapshot_db"
    SNAPSHOTS = "snapshots"
    LAYERDB = "layerdb"
    CONTAINERS_JSON = "containers_json"
    NONE = "none"


@dataclass(frozen=True)
class ContainerLayer:
    """A container's folders on the engine host ("" where there is none or none was found)."""

    container_id: str
    layout: StorageLayout
    method: Method
    source: str  # the very thing read: a field, /proc/<pid>/mountinfo, a mount-id file…
    writable: str = ""
    merged: str = ""  # where the stacked view is mounted, while it runs ("" if no such view)
    work: str = ""  # overlay's work folder
    image_layers: tuple[str, ...] = ()  # top first, the container's init layer included

    running: bool = False
    merged_in_engine: str = ""  # set when `merged` is /proc/<pid>/root: the engine's own path

    @property
    def found(self) -> bool:
        return bool(self.writable)

    @property
    def mounted_view(self) -> str:
        """The merged view now: only a running container has one mounted."""
        return self.merged if self.running else ""


@dataclass(frozen=True)
class Lookup:
    """What a lookup may read: the engine's layout, its host's files, containerd."""

    layout: StorageLayout
    files: HostFiles = LOCAL
    snapshots: SnapshotLookup = containerd_snapshots.snapshot_mount
    root_mount: dict[str, str] | None = None  # the running container's `/` mount options


def container_layer(details: dict, profile, files: HostFiles = LOCAL,
                    snapshots: SnapshotLookup = containerd_snapshots.snapshot_mount
                    ) -> ContainerLayer:
    """Locate the layer of the container `details` (its `docker inspect`) describes."""
    if snapshots is containerd_snapshots.snapshot_mount and not isinstance(files, LocalFiles):
        snapshots = _no_snapshots  # ctr here would ask THIS machine's containerd, not the host's
    # A running container's root mount settles the containerd root; not read when inspect
    # already names the folders (through a helper, each read is an exec).
    root_mount = {} if _graph_data(details).get("UpperDir") else _mount_options(details, files)
    layout = storage_layout(profile, files, root_mount.get("upperdir", ""))
    lookup = Lookup(layout, files, snapshots, root_mount)
    for way in (_by_graph_driver, _by_layerdb, _by_containers_json, _by_mountinfo,
                _by_snapshot_db, _by_snapshots):
        found = way(details, lookup)
        if found is not None and found.found:
            return _view_from_here(found, details, files) if profile.rootless else found
    return ContainerLayer(details.get("Id", ""), lookup.layout, Method.NONE, "")


def _view_from_here(layer: ContainerLayer, details: dict, files: HostFiles) -> ContainerLayer:
    """A rootless engine mounts the merged view in its own mount namespace: from the host its
    folder is an empty mount point. The container's root, /proc/<pid>/root, is that view."""
    pid = _pid(details)
    if not (pid and layer.running and layer.merged) or files.listdir(layer.merged):
        return layer
    return replace(layer, merged=f"/proc/{pid}/root", merged_in_engine=layer.merged)


def _no_snapshots(container_id: str, snapshotter: str, containerd_root: str) -> dict[str, str]:
    """The SNAPSHOTS way where the engine host is not this machine: no answer."""
    return {}


def _graph_data(details: dict) -> dict:
    return (details.get("GraphDriver") or {}).get("Data") or {}


def _by_graph_driver(details: dict, lookup: Lookup) -> ContainerLayer | None:
    data = _graph_data(details)
    if not data.get("UpperDir"):
        return None
    upper = data["UpperDir"]
    merged = data.get("MergedDir") or (os.path.dirname(upper) + "/merged"
                                       if upper.endswith("/diff") else "")
    return ContainerLayer(details.get("Id", ""), lookup.layout, Method.GRAPH_DRIVER,
                          "GraphDriver.Data.UpperDir", upper, merged, data.get("WorkDir", ""),
                          _split(data.get("LowerDir", "")), _running(details))


def _by_mountinfo(details: dict, lookup: Lookup) -> ContainerLayer | None:
    options = lookup.root_mount or {}
    if not options.get("upperdir"):
        return None
    return _from_options(details, lookup, options, Method.MOUNTINFO,
                         f"/proc/{_pid(details)}/mountinfo")


def _by_snapshot_db(details: dict, lookup: Lookup) -> ContainerLayer | None:
    """The containerd store: the container's snapshot and its parents, in metadata.db."""
    layout = lookup.layout
    if layout.engine != "containerd" or not details.get("Id"):
        return None
    snapshots = read_snapshots(lookup.files.read_bytes(layout.layer_db, DB_LIMIT) or b"")
    found = snapshots.chain(details["Id"]) if snapshots else []
    if not found:
        return None
    folders = [layout.layer_path(str(snapshot.number)) for snapshot in found]
    work = folders[0][:-len("fs")] + "work" if folders[0].endswith("/fs") else ""
    return ContainerLayer(details["Id"], layout, Method.SNAPSHOT_DB, layout.layer_db, folders[0],
                          _merged(details, layout), work, tuple(folders[1:]), _running(details))


def _by_snapshots(details: dict, lookup: Lookup) -> ContainerLayer | None:
    layout = lookup.layout
    if layout.engine != "containerd" or not details.get("Id"):
        return None
    options = lookup.snapshots(details["Id"], layout.driver, layout.containerd_root)
    if not options.get("upperdir"):
        return None
    return _from_options(details, lookup, options, Method.SNAPSHOTS,
                         f"ctr -n moby snapshots mounts {details['Id']}")


def _from_options(details: dict, lookup: Lookup, options: dict[str, str], method: Method,
                  source: str) -> ContainerLayer:
    return ContainerLayer(details.get("Id", ""), lookup.layout, method, source,
                          options["upperdir"], _merged(details, lookup.layout),
                          options.get("workdir", ""), tuple(mountinfo.lower_dirs(options)),
                          _running(details))


def _merged(details: dict, layout: StorageLayout) -> str:
    """The containerd store mounts the view by container id; overlay drivers beside upperdir."""
    if layout.engine == "containerd":
        return layout.merged_path(details.get("Id", ""))
    return ""


def _by_layerdb(details: dict, lookup: Lookup) -> ContainerLayer | None:
    """Docker's graph drivers: mounts/<id>/mount-id names the writable layer's folder,
    init-id its init layer, parent the image's top layer (by chain id)."""
    layout, files = lookup.layout, lookup.files
    if layout.engine != "docker" or not details.get("Id"):
        return None
    mounts = f"{layout.layer_db}/mounts/{details['Id']}"
    mount_id = _read(files, f"{mounts}/mount-id")
    if not mount_id:
        return None
    init = _read(files, f"{mounts}/init-id")
    lowers = ([layout.layer_path(init)] if init else []) + [
        layout.layer_path(cache) for cache in _chain_cache_ids(
            files, layout.layer_db, _read(files, f"{mounts}/parent"))]
    return ContainerLayer(details["Id"], layout, Method.LAYERDB, f"{mounts}/mount-id",
                          layout.layer_path(mount_id), layout.merged_path(mount_id),
                          _work(layout, mount_id), tuple(lowers), _running(details))


def _chain_cache_ids(files: HostFiles, layer_db: str, chain: str) -> list[str]:
    """The layer folders' ids (cache-id) from the top chain id down, following `parent`."""
    found: list[str] = []
    while chain and len(found) < 256:  # 127 layers is Docker's limit; 256 stops a loop
        folder = f"{layer_db}/sha256/{chain.split(':')[-1]}"
        cache = _read(files, f"{folder}/cache-id")
        if not cache:
            break
        found.append(cache)
        chain = _read(files, f"{folder}/parent")
    return found


def _by_containers_json(details: dict, lookup: Lookup) -> ContainerLayer | None:
    """Podman: containers.json maps the container to its layer; layers.json chains them."""
    layout, files = lookup.layout, lookup.files
    if layout.engine != "podman" or not details.get("Id"):
        return None
    store = f"{layout.root}/{layout.driver}-containers/containers.json"
    entries = _json_list(files, store)
    layer = next((e.get("layer", "") for e in entries if e.get("id") == details["Id"]), "")
    if not layer:
        return None
    parents = {e.get("id"): e.get("parent", "") for e in _json_list(files, layout.layer_db)}
    lowers, current = [], parents.get(layer, "")
    while current and len(lowers) < 256:
        lowers.append(layout.layer_path(current))
        current = parents.get(current, "")
    return ContainerLayer(details["Id"], layout, Method.CONTAINERS_JSON, store,
                          layout.layer_path(layer), layout.merged_path(layer),
                          _work(layout, layer), tuple(lowers), _running(details))


def _work(layout: StorageLayout, layer_id: str) -> str:
    """overlay's work folder sits beside the layer's diff folder."""
    diff = layout.layer_path(layer_id)
    return diff[:-len("diff")] + "work" if diff.endswith("/diff") else ""


def _mount_options(details: dict, files: HostFiles) -> dict[str, str]:
    pid = _pid(details)
    if not pid:
        return {}
    return mountinfo.root_mount_options(files.read_text(f"/proc/{pid}/mountinfo") or "")


def _pid(details: dict) -> int:
    state = details.get("State") or {}
    return int(state.get("Pid") or 0) if state.get("Running") else 0


def _running(details: dict) -> bool:
    return bool((details.get("State") or {}).get("Running"))


def _split(folders: str) -> tuple[str, ...]:
    return tuple(folder for folder in folders.split(":") if folder)


def _read(files: HostFiles, path: str) -> str:
    return (files.read_text(path, 4096) or "").strip()


def _json_list(files: HostFiles, path: str) -> list[dict]:
    try:
        value = json.loads(files.read_text(path, 64 << 20) or "[]")
    except ValueError:
        return []
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) \
        else []

"""What a container's writable layer records for one path: added, changed, deleted or none.

Overlay drivers (overlay2, overlayfs snapshots, Podman overlay, fuse-overlayfs) keep only the
changes in the writable layer: a path there is added, or changed when an image layer has it
too; a 0/0 character device (a whiteout) is a deletion. Full-copy drivers (vfs, btrfs, zfs)
keep the whole tree in every layer: a change is what differs from the layer just below.
"""

from __future__ import annotations

import posixpath

from runner.storage.host_files import FileKind, HostFiles
from runner.storage.locate import ContainerLayer


def change_on_disk(files: HostFiles, layer: ContainerLayer, path: str) -> str:
    relative = path.lstrip("/")
    mine = files.kind(posixpath.join(layer.writable, relative))
    if layer.layout.full_copies:
        return _against_the_layer_below(files, layer, relative, mine)
    if mine == FileKind.MISSING:
        return "none"
    if mine == FileKind.WHITEOUT:
        return "deleted"
    in_image = any(files.exists(posixpath.join(lower, relative)) for lower in layer.image_layers)
    return "changed" if in_image else "added"


def _against_the_layer_below(files: HostFiles, layer: ContainerLayer, relative: str,
                             mine: FileKind) -> str:
    below_path = posixpath.join(layer.image_layers[0], relative) if layer.image_layers else ""
    below = files.kind(below_path) if below_path else FileKind.MISSING
    if mine == FileKind.MISSING:
        return "deleted" if below != FileKind.MISSING else "none"
    if below == FileKind.MISSING:
        return "added"
    if mine != below:
        return "changed"
    if mine == FileKind.FILE:
        same = files.read_text(posixpath.join(layer.writable, relative)) == files.read_text(
            below_path)
        return "none" if same else "changed"
    return "none"

"""The built-in lab variables about storage, so a lab names the folders its engine really uses.

`storage`: the driver (overlay2, overlayfs, overlay, vfs…); `layer_files`: a glob of every
layer's files folder; `merged_files`: a glob of the mounted views of running containers ("" where
the driver has none); `layer_root`: the folder holding one entry per layer; `layer_db`: where
the layers' chain is recorded; `containerd_root`: the containerd store's root ("" elsewhere).
"""

from __future__ import annotations

from runner.storage.host_files import HostFiles, files_or_nowhere
from runner.storage.layout import storage_layout

STORAGE_VARIABLES = ("storage", "layer_files", "merged_files", "layer_root", "layer_db",
                     "containerd_root")


def storage_values(profile, files: HostFiles | None = None) -> dict[str, str]:
    """{name: value} for STORAGE_VARIABLES on the engine `profile` describes. `files`: how to
    look at the engine host (to find the containerd root); by default its registered helper,
    this machine's where its files are visible here, else none (never probe ours for it)."""
    layout = storage_layout(profile, files if files is not None else files_or_nowhere(profile))
    return {"storage": layout.driver, "layer_files": layout.layer_files,
            "merged_files": layout.merged_files, "layer_root": layout.layer_root,
            "layer_db": layout.layer_db, "containerd_root": layout.containerd_root}

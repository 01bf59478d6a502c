"""Is this Docker engine a labrunner sandbox? The sandbox's dockerd carries a label saying so.

Any client can tell from `docker info`: the label is in the `Labels` list of the engine's
/info answer. Podman's /info has no labels: every sandbox also leaves a mark file beside its
socket, written by root (the sandbox needs root), which this machine's clients can check.
Standard library only, and outside the sandbox package on purpose: classifying an engine
(every `run`) must not import the package that starts engines (~8 ms).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LABEL_KEY = "io.labrunner.sandbox"
LABEL = f"{LABEL_KEY}=true"  # given to the sandbox's dockerd as `--label` (see sandbox/daemon.py)


def is_sandbox_info(info: Mapping) -> bool:
    """True when this /info mapping (or the SDK's `client.info()`) carries the sandbox label."""
    labels = info.get("Labels") if isinstance(info, Mapping) else None
    if not isinstance(labels, list | tuple):
        return False
    return any(isinstance(label, str) and label.strip() == LABEL for label in labels)


SOCKET_MARK = LABEL_KEY  # the file a sandbox writes beside its socket


def is_sandbox_endpoint(endpoint: str) -> bool:
    """True when `endpoint` is a unix socket with a sandbox's mark beside it, written by root
    or by us (a mark anyone could write would make labrunner treat their engine as its own)."""
    if not endpoint.startswith("unix://"):
        return False
    mark = os.path.join(os.path.dirname(endpoint.removeprefix("unix://")), SOCKET_MARK)
    try:
        info = os.stat(mark, follow_symlinks=False)
    except OSError:
        return False
    return info.st_uid in (0, os.geteuid()) and not info.st_mode & 0o022


def mark_socket_folder(socket: str) -> None:
    """Say, beside the sandbox's socket, that the engine answering there is a sandbox."""
    mark = os.path.join(os.path.dirname(socket), SOCKET_MARK)
    with open(mark, "w", encoding="utf-8") as handle:
        handle.write("a labrunner sandbox engine answers on the socket beside this file\n")
    os.chmod(mark, 0o644)

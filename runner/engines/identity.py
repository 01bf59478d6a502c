"""Is this Docker engine a labrunner sandbox? The sandbox's dockerd carries a label saying so.

Any client can tell from `docker info`: the label is in the `Labels` list of the engine's
/info answer. Standard library only, and outside the sandbox package on purpose: classifying
an engine (every `run`) must not import the package that starts engines (~8 ms).
"""

from __future__ import annotations

from collections.abc import Mapping

LABEL_KEY = "io.labrunner.sandbox"
LABEL = f"{LABEL_KEY}=true"  # given to the sandbox's dockerd as `--label` (see sandbox/daemon.py)


def is_sandbox_info(info: Mapping) -> bool:
    """True when this /info mapping (or the SDK's `client.info()`) carries the sandbox label."""
    labels = info.get("Labels") if isinstance(info, Mapping) else None
    if not isinstance(labels, list | tuple):
        return False
    return any(isinstance(label, str) and label.strip() == LABEL for label in labels)

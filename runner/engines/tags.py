"""The names a lab may give an engine (`only_on`, `engine_notes`, `variants`): its kind and
its storage driver, as `docker info` reports it. One engine has several names — Docker 29 on
Linux is both `containerd` and `overlayfs` — and a lab key matches when it is any of them."""

from __future__ import annotations

from collections.abc import Iterable


def engine_tags(profile) -> frozenset[str]:
    """Every name this engine answers to (kind, storage driver, and rootless when it is)."""
    names = {profile.kind, profile.storage_driver}
    if getattr(profile, "rootless", False):
        names.add("rootless")
    return frozenset(name for name in names if name)


def matches(keys: Iterable[str], profile) -> bool:
    """True when one of the lab's `keys` names this engine."""
    return not engine_tags(profile).isdisjoint(keys)


def described(profile) -> str:
    """How messages name the engine: its names, e.g. `containerd, overlayfs`."""
    return ", ".join(sorted(engine_tags(profile)))

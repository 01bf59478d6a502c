"""The names a lab may give an engine (`only_on`, `engine_notes`, `variants`): its kind and
its storage driver, as `docker info` reports it. One engine has several names — Docker 29 on
Linux is both `containerd` and `overlayfs` — and a lab key matches when it is any of them."""

from __future__ import annotations

from collections.abc import Iterable

from runner.engines.profile import LOCAL_SCHEMES


def engine_tags(profile) -> frozenset[str]:
    """Every name this engine answers to: its kind, its storage driver, and `rootless` or
    `containerd` (the containerd image store) when it is that too, whatever its kind."""
    names = {profile.kind, profile.storage_driver}
    if getattr(profile, "rootless", False):
        names.add("rootless")
    if getattr(profile, "containerd_store", False):
        names.add("containerd")
    if profile.kind != "desktop" and not profile.endpoint.startswith(LOCAL_SCHEMES):
        names.add("remote")  # a Podman or containerd-store engine may be remote too
    return frozenset(name for name in names if name)


def matches(keys: Iterable[str], profile) -> bool:
    """True when one of the lab's `keys` names this engine."""
    return not engine_tags(profile).isdisjoint(keys)


def described(profile) -> str:
    """How messages name the engine: its names, e.g. `containerd, overlayfs`."""
    return ", ".join(sorted(engine_tags(profile)))

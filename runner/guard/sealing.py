"""The seal's verdict on a create's body, with what it needs from the engine and the file
system (the rules themselves are in seal.py)."""

from __future__ import annotations

from runner.guard import engine
from runner.guard.engine_paths import EnginePaths
from runner.guard.http1 import Target
from runner.guard.seal import Refusal, Sealed, seal_container, seal_volume
from runner.guard.seal_libpod import seal_spec
from runner.guard.strict_json import (
    DOCKER_CREATE,
    LIBPOD_CREATE,
    VOLUME_CREATE,
    Unreadable,
    strict_object,
)


async def sealing_verdict(engine_url: str, paths: EnginePaths, target: Target,
                          body: bytes) -> Sealed:
    """A container or volume create judged by the seal. A body it cannot read exactly as the
    engine would is refused; else the body forwarded is always the one judged, re-serialised
    (never the bytes sent, which the engine might read otherwise)."""
    path = target.path.strip("/")
    try:
        config = strict_object(body, _schema(path))
    except Unreadable:
        return Sealed(Refusal("guard.seal_unreadable_body"))
    sealed = await _judged(engine_url, paths, path, config)
    if sealed.refusal is not None or sealed.body is not None:
        return sealed
    return Sealed(body=config)


def _schema(path: str) -> dict:
    if path.endswith("volumes/create"):
        return VOLUME_CREATE
    return LIBPOD_CREATE if path.startswith("libpod/") else DOCKER_CREATE


async def _judged(engine_url: str, paths: EnginePaths, path: str, config: dict) -> Sealed:
    """The seal's rules on a create's body, read already."""
    if path.endswith("volumes/create"):
        return seal_volume(config, paths.touches_engine)
    if path.startswith("libpod/"):
        image = str(config.get("image") or "") if config.get("publish_image_ports") else ""
        return seal_spec(config, paths.touches_engine, await _exposed(engine_url, image))
    host = config.get("HostConfig")
    publish_all = isinstance(host, dict) and host.get("PublishAllPorts")
    image = str(config.get("Image") or "") if publish_all else ""
    return seal_container(config, paths.touches_engine, await _exposed(engine_url, image))


async def _exposed(engine_url: str, image: str) -> dict:
    """The image's exposed ports, which publishing all ports publishes ({} for no image)."""
    if not image:
        return {}
    _, facts = await engine.inspect(engine_url, "image", image)
    exposed = ((facts or {}).get("Config") or {}).get("ExposedPorts")
    return exposed if isinstance(exposed, dict) else {}

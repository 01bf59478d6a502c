"""The seal's verdict on a create's body, with what it needs from the engine and the file
system (the rules themselves are in seal.py)."""

from __future__ import annotations

import json

from runner.guard import engine
from runner.guard.engine_paths import EnginePaths
from runner.guard.http1 import Target
from runner.guard.seal import Sealed, seal_container, seal_volume
from runner.guard.seal_libpod import seal_spec


async def sealing_verdict(engine_url: str, paths: EnginePaths, target: Target,
                          body: bytes) -> Sealed:
    """A container or volume create judged by the seal (a body that is not a JSON object goes
    on unchanged: the engine refuses it itself)."""
    try:
        config = json.loads(body)
    except ValueError:
        return Sealed()
    if not isinstance(config, dict):
        return Sealed()
    path = target.path.strip("/")
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

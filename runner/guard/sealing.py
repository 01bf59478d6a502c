"""The seal's verdict on a create's body, with what it needs from the engine and the file
system (the rules themselves are in seal.py)."""

from __future__ import annotations

import json

from runner.guard import engine
from runner.guard.engine_paths import EnginePaths
from runner.guard.http1 import Target
from runner.guard.seal import Sealed, seal_container, seal_volume


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
    if target.path.strip("/") == "volumes/create":
        return seal_volume(config, paths.touches_engine)
    return seal_container(config, paths.touches_engine, await _exposed(engine_url, config))


async def _exposed(engine_url: str, config: dict) -> dict:
    """The image's exposed ports, which PublishAllPorts publishes ({} when not asked for)."""
    host = config.get("HostConfig")
    if not (isinstance(host, dict) and host.get("PublishAllPorts") and config.get("Image")):
        return {}
    _, facts = await engine.inspect(engine_url, "image", str(config["Image"]))
    exposed = ((facts or {}).get("Config") or {}).get("ExposedPorts")
    return exposed if isinstance(exposed, dict) else {}

"""A create's body read the way the engine (Go) reads it, or not at all: the seal judges only
a body it understands exactly, and forwards that body re-serialised, never the bytes sent.

Go's decoder matches a struct's fields case-insensitively (`hostconfig` is HostConfig), stops
after the first JSON value (trailing text is ignored) and accepts invalid UTF-8; Python's
`json` does none of this. So: a body that is not exactly one JSON object in strict UTF-8, or
whose keys repeat (exactly or but for case) where Go reads a struct, is refused; the struct
fields the seal reads are renamed to their canonical spelling before it judges them.
"""

from __future__ import annotations

import json

# Where the seal reads a body, in Go's struct spelling: a dict is a struct (its keys are
# matched case-insensitively), a one-item list is a list of it, "*" a map's any key.
DOCKER_CREATE = {
    "Image": None, "ExposedPorts": None, "NetworkingConfig": {"EndpointsConfig": None},
    "HostConfig": {
        "NetworkMode": None, "Binds": None, "PublishAllPorts": None,
        "PortBindings": {"*": [{"HostIp": None}]},
        "Mounts": [{"Type": None, "Source": None,
                    "VolumeOptions": {"DriverConfig": {"Options": None}}}],
    },
}
VOLUME_CREATE = {"Driver": None, "DriverOpts": None, "Options": None}
LIBPOD_CREATE = {
    "image": None, "publish_image_ports": None, "expose": None, "network_options": None,
    "networks": None,
    "netns": {"nsmode": None, "value": None},
    "mounts": [{"type": None, "source": None}],
    "portmappings": [{"host_ip": None}],
}


class Unreadable(ValueError):
    """The body is not one the seal can judge exactly as the engine would read it."""


def strict_object(body: bytes, schema: dict) -> dict:
    """The body as one JSON object with `schema`'s fields in their canonical spelling."""
    try:
        value = json.loads(body.decode("utf-8"), object_pairs_hook=_unique_pairs)
    except (UnicodeDecodeError, ValueError) as error:  # trailing text is a ValueError too
        raise Unreadable(str(error)) from error
    if not isinstance(value, dict):
        raise Unreadable("not a JSON object")
    return canonical(value, schema)


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object whose keys appear once each (Go would merge a repeated struct)."""
    value = dict(pairs)
    if len(value) != len(pairs):
        raise Unreadable("a key repeats")
    return value


def canonical(value: object, schema: object) -> object:
    """`value` with the struct fields `schema` names renamed to its spelling (recursively)."""
    if isinstance(schema, list) and isinstance(value, list):
        return [canonical(item, schema[0]) for item in value]
    if not isinstance(schema, dict) or not isinstance(value, dict):
        return value
    if "*" in schema:  # a map: its keys are data, kept as they are
        return {key: canonical(item, schema["*"]) for key, item in value.items()}
    return _struct(value, schema)


def _struct(value: dict, schema: dict) -> dict:
    """A struct's keys: none may differ from another only by case; known ones renamed."""
    folded = [key.casefold() for key in value]
    if len(set(folded)) != len(folded):
        raise Unreadable("two keys differ only by case")
    spelling = {name.casefold(): name for name in schema}
    renamed = {}
    for key, item in value.items():
        name = spelling.get(key.casefold(), key)
        renamed[name] = canonical(item, schema.get(name))
    return renamed

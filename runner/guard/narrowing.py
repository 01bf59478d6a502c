"""A prune narrowed to what the run created, and the label that makes that possible.

On a user's engine the guard puts the run's label (`io.labrunner.run=<id>`) on every
container, volume, network and built image the run creates; a prune the user did not allow
is then forwarded with that label added to its filters, so it removes the run's own objects
only (label filters are all required at once: the prune's own stay in force). Build cache
carries no label: its prune is answered "nothing removed" without reaching the engine.

Pure: targets and bodies in, targets and bodies out.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit

RUN_LABEL_KEY = "io.labrunner.run"
EMPTY_BUILD_PRUNE = {"CachesDeleted": [], "SpaceReclaimed": 0}


def run_label(run_id: str) -> str:
    return f"{RUN_LABEL_KEY}={run_id}"


def narrowed_target(target: str, label: str) -> str:
    """A prune's request target with `label=<label>` added to its `filters`."""
    filters = _filters(_query_value(target, "filters"))
    labels = filters.get("label")
    if isinstance(labels, dict):
        labels[label] = True
    elif isinstance(labels, list):
        labels.append(label)
    else:
        filters["label"] = {label: True}
    return with_query_value(target, "filters", json.dumps(filters, separators=(",", ":")))


def labelled_build_target(target: str, label: str) -> str:
    """A build's request target with the run's label among the image's `labels`."""
    labels = _filters(_query_value(target, "labels"))
    key, _, value = label.partition("=")
    labels[key] = value
    return with_query_value(target, "labels", json.dumps(labels, separators=(",", ":")))


def labelled_body(config: dict, label: str) -> dict:
    """A container, volume or network create's body with the run's label in `Labels`."""
    key, _, value = label.partition("=")
    labels = config.get("Labels") if isinstance(config.get("Labels"), dict) else {}
    return {**config, "Labels": {**labels, key: value}}


def with_query_value(target: str, name: str, value: str) -> str:
    """`target` with the query parameter `name` set to `value` (the others kept, in order)."""
    parts = urlsplit(target)
    query = [(key, old) for key, old in parse_qsl(parts.query, keep_blank_values=True)
             if key != name]
    return f"{parts.path}?{urlencode([*query, (name, value)])}"


def _query_value(target: str, name: str) -> str:
    return next((value for key, value in parse_qsl(urlsplit(target).query,
                                                   keep_blank_values=True) if key == name), "")


def _filters(text: str) -> dict:
    """A JSON object from the query ({} when absent or not an object)."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}

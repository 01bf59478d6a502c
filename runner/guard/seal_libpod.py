"""The seal's rules on Podman's own API (/libpod/...), which `podman --url` speaks: the same
rules as on the Docker API (seal.py), in Podman's spelling of a container or a pod
(SpecGenerator: netns, mounts, portmappings, publish_image_ports). Kubernetes YAML (`podman
kube play`) is refused: the seal cannot read what it would do.

Pure, like seal.py.
"""

from __future__ import annotations

import copy

from runner.guard.seal import LOOPBACK, Refusal, Sealed, TouchesEngine, is_loopback

CREATES = ("libpod/containers/create", "libpod/pods/create")
KUBE = ("libpod/play/kube", "libpod/kube/play")


def refuse_libpod_target(method: str, path: str) -> Refusal | None:
    if method == "POST" and path in KUBE:
        return Refusal("guard.seal_kube", {"request": f"{method} /{path}"})
    return None


def seal_spec(spec: dict, touches_engine: TouchesEngine, exposed: dict | None = None) -> Sealed:
    """A libpod container or pod create: refused for the host's network (or another network
    mode not allowed, seal_networks.py) or an engine's socket mounted, else with every port
    mapping on 127.0.0.1 (publish_image_ports made explicit from `exposed`, the image's
    ExposedPorts)."""
    from runner.guard.seal_networks import libpod_networks

    network = libpod_networks(spec)
    if network is not None:
        return Sealed(network)
    source = next((mount.get("source") for mount in spec.get("mounts") or ()
                   if isinstance(mount, dict) and mount.get("type") == "bind"
                   and isinstance(mount.get("source"), str)
                   and touches_engine(mount["source"])), None)
    if source is not None:
        return Sealed(Refusal("guard.seal_engine_mount", {"source": source}))
    sealed = copy.deepcopy(spec)
    changed = _publish_image_ports(sealed, exposed or {})
    for mapping in sealed.get("portmappings") or ():
        if isinstance(mapping, dict) and not is_loopback(str(mapping.get("host_ip") or "")):
            mapping["host_ip"] = LOOPBACK
            changed = True
    return Sealed(body=sealed if changed else None)


def _publish_image_ports(spec: dict, exposed: dict) -> bool:
    """publish_image_ports -> one mapping per exposed port, on 127.0.0.1 and a random port."""
    if not spec.get("publish_image_ports"):
        return False
    ports = [*exposed, *(f"{port}/{proto or 'tcp'}" for port, proto in
                         (spec.get("expose") or {}).items())]
    mappings = spec.get("portmappings") or []
    for port in dict.fromkeys(ports):
        number, _, protocol = str(port).partition("/")
        if number.isdigit():
            mappings.append({"container_port": int(number), "host_port": 0,
                             "host_ip": LOOPBACK, "protocol": protocol or "tcp"})
    spec["portmappings"], spec["publish_image_ports"] = mappings, False
    return True

"""The sandbox's seal: what no request may do on the sandbox's engine, whoever sends it.

Pure: a request's method, target and (for a container or volume create) its JSON body in; a
refusal, or the body to forward instead, out. Whether a path leads to an engine's socket is
asked of `touches_engine` (runner/guard/engine_paths.py looks at the file system).

- host networking is refused (a container, or a build's RUN steps, on the machine's own
  network would reach every service bound to its 127.0.0.1), and so is every network mode
  but bridge, none, default, container:<x> and named networks (seal_networks.py);
- a bind mount (Binds, Mounts, or a local volume whose `device` is a path, whatever its `o`)
  of an engine's socket, or of a folder holding one, is refused: a container could drive
  that engine;
- every published port is bound to 127.0.0.1, whatever address was asked (PublishAllPorts is
  turned into explicit bindings, because Podman would bind those on every address);
- swarm mode is refused (its manager and routing mesh listen on every address);
- Docker API versions below 1.24 are refused (their container start takes a HostConfig);
- Podman's own API (/libpod/..., what `podman --url` speaks) gets the same rules
  (seal_libpod.py).
Privileged containers stay allowed: the sandbox seals against mistakes, not attacks.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from runner.guard.http1 import Target

LOOPBACK = "127.0.0.1"
TouchesEngine = Callable[[str], bool]


@dataclass(frozen=True)
class Refusal:
    """A sealed request: the catalog key of its message, and the message's parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)

    def message(self, language: str) -> str:
        from runner.i18n import t

        return t(self.key, language, **self.params)


@dataclass(frozen=True)
class Sealed:
    """What the seal makes of a create: a refusal, or the body to forward (None: unchanged)."""

    refusal: Refusal | None = None
    body: dict | None = None


def refuse_target(method: str, target: Target) -> Refusal | None:
    """Requests refused on their target alone: an API version below 1.24, a build on the
    host's network, swarm mode, Kubernetes YAML through Podman's API."""
    from runner.guard.seal_libpod import refuse_libpod_target
    from runner.guard.seal_networks import network_refusal

    path = target.path.strip("/")
    if not path.startswith("libpod/") and _before_1_24(target.version):
        return Refusal("guard.seal_old_api", {"version": target.version})
    network = network_refusal(target.first("networkmode"), "guard.seal_host_network_build")
    if method == "POST" and path in ("build", "libpod/build") and network is not None:
        return network
    if method == "POST" and path in ("swarm/init", "swarm/join"):
        return Refusal("guard.seal_swarm")
    return refuse_libpod_target(method, path)


def _before_1_24(version: str) -> bool:
    """Docker API versions below 1.24 let a container's start carry a HostConfig (host
    networking, binds) that no create's body showed the seal: refused whole."""
    numbers = [int(part) for part in version.split(".") if part.isdigit()]
    return bool(numbers) and numbers < [1, 24]


BODIES = ("containers/create", "volumes/create", "libpod/containers/create",
          "libpod/pods/create", "libpod/volumes/create")


def needs_body(method: str, target: Target) -> bool:
    """Does the seal read this request's body (a container, pod or volume create)?"""
    return method == "POST" and target.path.strip("/") in BODIES


def seal_container(config: dict, touches_engine: TouchesEngine,
                   exposed: dict | None = None) -> Sealed:
    """A container create's body: refused for a network mode not allowed (host networking)
    or an engine's socket mounted,
    else with every published port on 127.0.0.1. `exposed`: the image's ExposedPorts, which
    PublishAllPorts would publish."""
    from runner.guard.seal_networks import docker_networks

    host = config.get("HostConfig") if isinstance(config.get("HostConfig"), dict) else {}
    network = docker_networks(config)
    if network is not None:
        return Sealed(network)
    source = next((path for path in bind_sources(host) if touches_engine(path)), None)
    if source is not None:
        return Sealed(Refusal("guard.seal_engine_mount", {"source": source}))
    sealed = copy.deepcopy(config)
    changed = _publish_all_explicitly(sealed, exposed or {})
    changed = _ports_on_loopback(sealed.get("HostConfig") or {}) or changed
    return Sealed(body=sealed if changed else None)


def seal_volume(config: dict, touches_engine: TouchesEngine) -> Sealed:
    """A volume create: a local volume whose device is an engine's socket is refused
    (DriverOpts on the Docker API, Options on Podman's)."""
    source = (volume_bind_source(config.get("DriverOpts"))
              or volume_bind_source(config.get("Options")))
    if source and touches_engine(source):
        return Sealed(Refusal("guard.seal_engine_mount", {"source": source}))
    return Sealed()


def bind_sources(host: dict) -> list[str]:
    """The host paths a container's HostConfig mounts: `Binds` ("src:dst[:opts]", a source
    that is a path, not a volume name), `Mounts` of type bind, and local volumes on a path
    declared inline (Mounts of type volume with driver options)."""
    sources = [bind.split(":", 1)[0] for bind in host.get("Binds") or ()
               if isinstance(bind, str) and bind.startswith("/")]
    for mount in host.get("Mounts") or ():
        if not isinstance(mount, dict):
            continue
        if mount.get("Type") == "bind" and isinstance(mount.get("Source"), str):
            sources.append(mount["Source"])
        options = ((mount.get("VolumeOptions") or {}).get("DriverConfig") or {}).get("Options")
        if volume_bind_source(options):
            sources.append(volume_bind_source(options))
    return sources


def volume_bind_source(options: object) -> str:
    """The host path a local volume's driver options mount: its `device` when it is an
    absolute path, whatever `o` says (bind, rbind, or a mount option yet to come)."""
    if not isinstance(options, dict):
        return ""
    device = options.get("device")
    return device if isinstance(device, str) and device.startswith("/") else ""


def _ports_on_loopback(host: dict) -> bool:
    """Every PortBindings HostIp that is not a loopback address becomes 127.0.0.1."""
    changed = False
    for bindings in (host.get("PortBindings") or {}).values():
        for binding in bindings or ():
            if isinstance(binding, dict) and not is_loopback(binding.get("HostIp") or ""):
                binding["HostIp"] = LOOPBACK
                changed = True
    return changed


def _publish_all_explicitly(config: dict, exposed: dict) -> bool:
    """PublishAllPorts -> one explicit binding per exposed port (the image's and the
    container's own) on 127.0.0.1 and a port the engine chooses."""
    host = config.get("HostConfig")
    if not isinstance(host, dict) or not host.get("PublishAllPorts"):
        return False
    bindings = host.get("PortBindings") or {}
    for port in {**exposed, **(config.get("ExposedPorts") or {})}:
        bindings.setdefault(port, [{"HostIp": LOOPBACK, "HostPort": ""}])
    host["PortBindings"], host["PublishAllPorts"] = bindings, False
    return True


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False

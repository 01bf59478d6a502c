"""Which networks a container (or a build) may join through the sandbox's seal: bridge, none,
default, another container's (`container:<name>`) or a named network. Everything else is
refused: the host's own network, Podman's slirp4netns and pasta with options (their
`allow_host_loopback` or `map-gw` reach the machine's 127.0.0.1), a namespace by path (`ns:`).
Bare `slirp4netns` and `pasta` (Podman's rootless default) pass.

Pure, like seal.py.
"""

from __future__ import annotations

import re

from runner.guard.seal import Refusal

PLAIN_MODES = ("", "default", "bridge", "none", "private")
NETWORK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # as the engines validate one
# Podman's network namespace modes (SpecGenerator netns.nsmode) a container may have.
LIBPOD_MODES = (*PLAIN_MODES, "container", "slirp4netns", "pasta")


def network_refusal(mode: str, host_key: str = "guard.seal_host_network") -> Refusal | None:
    """A network mode (HostConfig.NetworkMode, a build's networkmode, a network's name)
    refused, or None. `host_key`: the message for the host's network."""
    if mode.casefold() == "host":
        return Refusal(host_key)
    kind, colon, rest = mode.partition(":")
    if mode in PLAIN_MODES or (kind == "container" and colon and rest):
        return None
    if not colon and NETWORK_NAME.fullmatch(mode):
        return None
    return Refusal("guard.seal_network_mode", {"mode": mode})


def docker_networks(config: dict) -> Refusal | None:
    """A Docker create's network mode and the networks it names (NetworkingConfig)."""
    host = config.get("HostConfig") if isinstance(config.get("HostConfig"), dict) else {}
    refusal = network_refusal(str(host.get("NetworkMode") or ""))
    endpoints = (config.get("NetworkingConfig") or {}).get("EndpointsConfig")
    for name in endpoints if isinstance(endpoints, dict) else ():
        refusal = refusal or network_refusal(str(name))
    return refusal


def libpod_networks(spec: dict) -> Refusal | None:
    """A libpod create's netns mode, its network options and the networks it names."""
    netns = spec.get("netns") if isinstance(spec.get("netns"), dict) else {}
    mode = str(netns.get("nsmode") or "")
    if mode == "host":
        return Refusal("guard.seal_host_network")
    if mode not in LIBPOD_MODES or (mode == "container" and not netns.get("value")):
        return Refusal("guard.seal_network_mode", {"mode": f"{mode}:{netns.get('value', '')}"})
    if spec.get("network_options"):
        return Refusal("guard.seal_network_mode", {"mode": f"{mode or 'default'} "
                                                   f"{spec['network_options']}"})
    networks = spec.get("networks")
    return next((refusal for name in (networks if isinstance(networks, dict) else ())
                 if (refusal := network_refusal(str(name))) is not None), None)

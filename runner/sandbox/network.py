"""The sandbox's own bridge: a /24 no other interface or route on this machine uses.

Published ports bind to 127.0.0.1 only (dockerd `--ip 127.0.0.1`) and go through
docker-proxy, so no iptables rule is needed (`--iptables=false`). A routing rule makes
everything the containers send beyond this machine unreachable: the sandbox is offline, and
its containers reach the host, each other and published ports, nothing else.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping

RANGE = ipaddress.ip_network("10.213.0.0/16")  # /24s are taken from here, skipping used ones


def bridge_name(tag: str) -> str:
    """`lrbr` + the sandbox's tag: unique per state folder, under the 15-character limit."""
    return f"lrbr{tag}"[:15]


def peer_name(tag: str) -> str:
    """The engine's end of the rootless sandbox's veth pair (see create_link)."""
    return f"lrvp{tag}"[:15]


def create_bridge(name: str, tag: str) -> str:
    """Create the bridge on a free /24 and return that subnet, or "" when it cannot be made."""
    if shutil.which("ip") is None:
        return ""
    remove_bridge(name)  # a leftover of this same sandbox (same state folder), never another's
    subnet = _free_subnet(tag)
    if subnet is None:
        return ""
    gateway = f"{next(subnet.hosts())}/{subnet.prefixlen}"
    steps = (["link", "add", name, "type", "bridge"], ["addr", "add", gateway, "dev", name],
             ["link", "set", name, "up"], ["rule", "add", "iif", name, "unreachable"])
    if all(_ip(*step) for step in steps):
        return str(subnet)
    remove_bridge(name)
    return ""


def create_link(name: str, peer: str, tag: str) -> str:
    """A veth pair on a free /24: `name` here with the gateway address, `peer` to be moved into
    an engine's own network namespace (move_into); the subnet, or "" when it cannot be made."""
    if shutil.which("ip") is None:
        return ""
    remove_bridge(name)
    subnet = _free_subnet(tag)
    if subnet is None:
        return ""
    gateway = f"{next(subnet.hosts())}/{subnet.prefixlen}"
    steps = (["link", "add", name, "type", "veth", "peer", "name", peer],
             ["addr", "add", gateway, "dev", name], ["link", "set", name, "up"],
             ["rule", "add", "iif", name, "unreachable"])
    if all(_ip(*step) for step in steps):
        return str(subnet)
    remove_bridge(name)
    return ""


def move_into(peer: str, pid: int, subnet: str) -> bool:
    """Move `peer` into the network namespace of process `pid`, give it the subnet's second
    address and bring it (and that namespace's loopback) up."""
    network = ipaddress.ip_network(subnet)
    address = f"{list(network.hosts())[1]}/{network.prefixlen}"
    inside = ["nsenter", "--target", str(pid), "--net", "ip"]
    steps = (["ip", "link", "set", peer, "netns", str(pid)],
             [*inside, "addr", "add", address, "dev", peer],
             [*inside, "link", "set", peer, "up"], [*inside, "link", "set", "lo", "up"])
    return all(subprocess.run(step, capture_output=True).returncode == 0 for step in steps)


def gateway(subnet: str) -> str:
    """The subnet's first address, where the host side of the bridge or link answers."""
    return str(next(ipaddress.ip_network(subnet).hosts()))


def remove_bridge(name: str) -> None:
    """Remove the bridge and its routing rule (both only if present)."""
    if shutil.which("ip") is None:
        return
    remove_rules(name)
    remove_links([name])


def remove_rules(name: str) -> None:
    """Remove the routing rules our bridge (or link) `name` was given (only if present)."""
    while _ip("rule", "del", "iif", name, "unreachable"):
        pass


def interfaces() -> dict[str, int]:
    """This machine's network interfaces, name -> ifindex ({} when `ip` cannot tell). The
    kernel does not give an ifindex again soon: it tells an interface from a later namesake."""
    if shutil.which("ip") is None:
        return {}
    return {link["ifname"]: link["ifindex"] for link in _ip_json("link", "show")
            if isinstance(link.get("ifname"), str) and isinstance(link.get("ifindex"), int)}


def made_after(names: Iterable[str], now: Mapping[str, int],
               before: Mapping[str, int]) -> dict[str, int]:
    """Of `names`, the interfaces (name -> ifindex, as `now` sees them) that did not exist
    when `before` was taken: a lab network may adopt a bridge it found (bridge.name)."""
    existed = set(before.values())
    return {name: now[name] for name in names if name in now and now[name] not in existed}


def remove_made(links: Mapping[str, int]) -> None:
    """Delete each interface while its name still has the ifindex seen, never a namesake
    made since."""
    now = interfaces()
    for name, index in links.items():
        if now.get(name) == index:
            _ip("link", "delete", name)


def remove_links(names: list[str]) -> None:
    """Delete these network interfaces when they exist (bridges a lab's networks left)."""
    for name in names:
        if _ip("link", "show", "dev", name):
            _ip("link", "delete", name)


def _free_subnet(tag: str) -> ipaddress.IPv4Network | None:
    used = _used_networks()
    if not used:  # the routes could not be read: never guess a subnet that may be in use
        return None
    candidates = list(RANGE.subnets(new_prefix=24))
    start = int(tag, 16) % len(candidates)  # each sandbox tries a different /24 first
    for candidate in candidates[start:] + candidates[:start]:
        if not any(candidate.overlaps(network) for network in used):
            return candidate
    return None


def _used_networks() -> list[ipaddress.IPv4Network]:
    """Every IPv4 destination routed in any table, and every address of every interface."""
    texts = [route["dst"] for route in _ip_json("-4", "route", "show", "table", "all")
             if route.get("dst", "default") != "default"]
    texts += [f"{address.get('local')}/{address.get('prefixlen')}"
              for link in _ip_json("-4", "addr", "show") for address in link.get("addr_info", [])]
    found = []
    for text in texts:
        try:
            found.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            continue
    return found


def _ip_json(*args: str) -> list[dict]:
    done = subprocess.run(["ip", "-j", *args], capture_output=True, text=True)
    try:
        return json.loads(done.stdout or "[]")
    except ValueError:
        return []


def _ip(*args: str) -> bool:
    return subprocess.run(["ip", *args], capture_output=True).returncode == 0

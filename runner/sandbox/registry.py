"""The local registry (Debian's docker-registry, distribution v2) serving the stand-ins.

It listens on 127.0.0.1 only, on a port the kernel picks at start, and is the sandbox
engine's registry mirror. Every request made here goes to 127.0.0.1 and nowhere else. (The
rootless sandbox's mirror listens on this machine's end of that sandbox's own veth link
instead, its engine having a network namespace of its own (see rootless.py): an address
others could reach, so that one is read-only, and the engine pushes the stand-ins and
imports to a second registry on the same storage, on 127.0.0.1 inside its namespace.)
"""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.request
from pathlib import Path

from runner.sandbox import processes
from runner.sandbox.requirements import program

CONFIG = """version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
    readonly:
      enabled: {readonly}
http:
  addr: {address}
"""
START_TIMEOUT = 15.0
INSIDE_PORTS = (20000, 60000)


def spawn(storage: Path, config: Path, log: Path, host: str = "127.0.0.1",
          readonly: bool = False) -> tuple[int, str]:
    """Start the registry on a port free right now; return (pid, "HOST:PORT"). `host` is
    127.0.0.1, or the host's address on the rootless sandbox's own link (see network), where
    it is `readonly`: it serves pulls, refuses pushes."""
    address = f"{host}:{processes.free_port(host)}"
    write_config(storage, config, address, readonly)
    command = [program("docker-registry") or "docker-registry", "serve", str(config)]
    return processes.spawn(command, log), address


def spawn_inside(storage: Path, config: Path, log: Path, netns_pid: int) -> tuple[int, str]:
    """Start a registry (pushes allowed) on 127.0.0.1 of the network namespace of process
    `netns_pid`: the rootless engine pushes there, and nothing outside that namespace can.
    nsenter becomes the registry (no fork), so the pid is the registry's."""
    address = f"127.0.0.1:{random.randint(*INSIDE_PORTS)}"  # nothing else listens in there
    write_config(storage, config, address, readonly=False)
    command = [program("nsenter") or "nsenter", f"--net=/proc/{netns_pid}/ns/net",
               program("docker-registry") or "docker-registry", "serve", str(config)]
    return processes.spawn(command, log), address


def write_config(storage: Path, config: Path, address: str, readonly: bool) -> None:
    storage.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG.format(storage=storage, address=address,
                                    readonly=str(readonly).lower()), encoding="utf-8")


def listening(pid: int, address: str) -> bool:
    """True once process `pid` listens on `address` (127.0.0.1:PORT) in its own network
    namespace (/proc/PID/net/tcp is that namespace's table), where HTTP from here cannot go."""
    port = f"0100007F:{int(address.rsplit(':', 1)[1]):04X}"
    try:
        table = Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return False
    return any(fields[1] == port and fields[3] == "0A"  # 0A: LISTEN
               for fields in (line.split() for line in table) if len(fields) > 3)


def wait_listening(pid: int, address: str) -> bool:
    return processes.wait_for(pid, lambda: listening(pid, address), START_TIMEOUT)


def wait_ready(pid: int, address: str) -> bool:
    """True once *our* registry answers: another program may have taken the port meanwhile,
    in which case ours exits and this says False."""
    return processes.wait_for(pid, lambda: answers(address), START_TIMEOUT)


def answers(address: str) -> bool:
    """True when a registry v2 answers at http://ADDRESS/v2/."""
    try:
        with _open(address, "/v2/", timeout=1) as response:
            return response.headers.get("Docker-Distribution-Api-Version") == "registry/2.0"
    except (urllib.error.URLError, OSError):
        return False


def served_images(address: str) -> list[str]:
    """`name:tag` of every image the registry serves (Docker Hub's `library/` prefix dropped)."""
    images = []
    for repository in _get(address, "/v2/_catalog?n=1000").get("repositories") or []:
        for tag in _get(address, f"/v2/{repository}/tags/list").get("tags") or []:
            images.append(f"{repository.removeprefix('library/')}:{tag}")
    return sorted(images)


def _get(address: str, path: str) -> dict:
    try:
        with _open(address, path, timeout=5) as response:
            data = json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _open(address: str, path: str, timeout: float):
    # No proxy, even when the user's environment sets one: the registry is on this machine.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return opener.open(f"http://{address}{path}", timeout=timeout)

"""Where Docker Desktop and its friends (Rancher Desktop, Colima, Lima) keep an engine's
socket, for every user of this machine, and the sockets the docker contexts name: more known
engine paths for the seal (engine_paths.py).

Read from the file system each time they are asked for: a context or a Desktop may appear
while the sandbox runs.
"""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path

# Folders below a home that hold an engine's socket (or a VM's, which forwards one).
HOME_FOLDERS = (".docker/desktop", ".docker/run", ".rd", ".colima", ".lima")
CONTEXTS = ".docker/contexts/meta/*/meta.json"


def homes() -> list[str]:
    """The homes of this machine's users: /home/*, /root and the current user's own."""
    found = [*glob.glob("/home/*"), "/root", os.path.expanduser("~")]
    return list(dict.fromkeys(found))


def desktop_folders() -> list[str]:
    """Each home's Desktop, Rancher, Colima and Lima folders that exist (an absent one would
    make the whole home unmountable on a machine with none of them)."""
    folders = [os.path.join(home, folder) for home in homes() for folder in HOME_FOLDERS]
    return [folder for folder in folders if os.path.lexists(folder)]


def desktop_sockets() -> list[str]:
    """The sockets in each user's runtime folder ($XDG_RUNTIME_DIR/*.sock), the unix://
    endpoints of every docker context, and DOCKER_HOST's."""
    runtime = [os.environ.get("XDG_RUNTIME_DIR", ""), *glob.glob("/run/user/*")]
    found = [path for folder in runtime if folder for path in glob.glob(f"{folder}/*.sock")]
    found += [path for home in homes() for meta in glob.glob(os.path.join(home, CONTEXTS))
              for path in _context_sockets(Path(meta))]
    docker_host = os.environ.get("DOCKER_HOST", "")
    return found + ([docker_host.removeprefix("unix://")]
                    if docker_host.startswith("unix://") else [])


def _context_sockets(meta: Path) -> list[str]:
    """The unix:// hosts a context's meta.json names (its Endpoints' Host)."""
    try:
        endpoints = json.loads(meta.read_text()).get("Endpoints") or {}
    except (OSError, ValueError, AttributeError):
        return []
    hosts = [str(endpoint.get("Host") or "") for endpoint in endpoints.values()
             if isinstance(endpoint, dict)]
    return [host.removeprefix("unix://") for host in hosts if host.startswith("unix:///")]

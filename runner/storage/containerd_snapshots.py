"""A container's snapshot on Docker's containerd image store, asked of containerd itself.

A stopped container has no mount to read: its writable layer is the containerd snapshot
whose key is the container id (parent `<id>-init`), in dockerd's `moby` namespace.
`ctr snapshots mounts` prints the overlay mount that snapshot would get, upperdir included.
The containerd socket is found from the running containerd whose root is the store's root
(its --config file names both); then the usual default sockets. Rootless dockerd runs its
containerd in rootlesskit's mount namespace, where /run is its own: the config file and the
socket are reached through that process's view of the files, /proc/<pid>/root/….
Any user can start a process called containerd that claims any root, so only a trusted one
is believed (run by root or by us, from a root-owned program no one else may change, its
socket owned by that user), and the ctr run is the one beside such a program or on PATH.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tomllib

from runner.storage.mountinfo import parse_options

NAMESPACE = "moby"  # dockerd's containerd namespace
CTR_TIMEOUT = 10
DEFAULT_SOCKETS = {"/var/lib/containerd": "/run/containerd/containerd.sock"}
DOCKERD_SOCKET = "/var/run/docker/containerd/containerd.sock"  # dockerd's own containerd
PROC = "/proc"
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


def snapshot_mount(container_id: str, snapshotter: str, containerd_root: str) -> dict[str, str]:
    """The overlay options (upperdir, lowerdir, workdir) of the container's snapshot; {} when
    containerd or ctr cannot be reached."""
    output = _ctr(containerd_root, snapshotter, "mounts", "/mnt", container_id)
    return mount_options(output) if output else {}


def list_snapshots(snapshotter: str, containerd_root: str) -> dict[str, tuple[str, str]] | None:
    """Every snapshot of dockerd's namespace: {key: (parent key or "", kind)}; image layers
    are keyed by chain id. None when containerd or ctr cannot be reached."""
    output = _ctr(containerd_root, snapshotter, "ls")
    return None if output is None else parse_listing(output)


def parse_listing(output: str) -> dict[str, tuple[str, str]]:
    """`ctr snapshots ls`: a KEY PARENT KIND table, PARENT empty for a bottom layer."""
    found = {}
    for line in output.splitlines()[1:]:
        words = line.split()
        if len(words) in (2, 3):
            found[words[0]] = (words[1] if len(words) == 3 else "", words[-1])
    return found


def _ctr(containerd_root: str, snapshotter: str, *args: str) -> str | None:
    """`ctr snapshots ARGS` on the containerd whose root is `containerd_root`: its output,
    None when it cannot run or fails."""
    found = containerd_process(containerd_root)
    socket = found[0] if found else default_socket(containerd_root)
    ctr = (_ctr_next_to(found[1]) if found else None) or shutil.which("ctr")
    if not socket or not ctr or not os.path.exists(socket):
        return None
    command = [ctr, "--address", socket, "--namespace", NAMESPACE, "snapshots",
               "--snapshotter", snapshotter, *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CTR_TIMEOUT,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def mount_options(ctr_output: str) -> dict[str, str]:
    """`mount -t overlay overlay /mnt -o index=off,workdir=…,upperdir=…,lowerdir=…` -> options."""
    words = ctr_output.split()
    if "-o" not in words:
        return {}
    return parse_options(words[words.index("-o") + 1])


def default_socket(containerd_root: str) -> str:
    if containerd_root.endswith("/containerd/daemon"):
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        rootless = f"{runtime}/docker/containerd/containerd.sock" if runtime else ""
        return DOCKERD_SOCKET if os.geteuid() == 0 or not rootless else rootless
    return DEFAULT_SOCKETS.get(containerd_root, "")


_found: dict[str, tuple[str, str]] = {}  # containerd root -> (socket, executable)


def containerd_process(containerd_root: str) -> tuple[str, str] | None:
    """(socket, executable) of the running containerd whose root is `containerd_root`;
    remembered while its socket exists (the scan reads every process's command line)."""
    known = _found.get(containerd_root)
    if known and os.path.exists(known[0]):
        return known
    found = _scan(containerd_root)
    if found:
        _found[containerd_root] = found
    return found


def _scan(containerd_root: str) -> tuple[str, str] | None:
    for pid in filter(str.isdigit, _listdir(PROC)):
        argv = _cmdline(pid)
        if argv and os.path.basename(argv[0]) == "containerd":
            root, socket = _root_and_socket(argv, f"{PROC}/{pid}/root")
            if root and os.path.realpath(root) == os.path.realpath(containerd_root) and socket:
                seen = _as_seen_by(pid, socket)
                if trusted(pid, seen):
                    return seen, _exe(pid) or argv[0]
    return None


def trusted(pid: str, socket: str, owners: frozenset[int] | None = None) -> bool:
    """Whether the process `pid` may be believed about its socket: run by one of `owners`
    (root or us), from a program only root can change, its socket owned by that user."""
    owners = frozenset({0, os.geteuid()}) if owners is None else owners
    uids = _uids(pid)
    if not uids or not set(uids) <= owners:
        return False
    return _root_only(f"{PROC}/{pid}/exe") and _owner(socket) == uids[-1]


def _uids(pid: str) -> list[int]:
    """The process's real and effective uids (/proc/<pid>/status); [] when unreadable."""
    try:
        with open(f"{PROC}/{pid}/status", encoding="utf-8", errors="replace") as handle:
            line = next((line for line in handle if line.startswith("Uid:")), "")
    except OSError:
        return []
    words = line.split()[1:3]
    return [int(word) for word in words] if len(words) == 2 and all(map(str.isdigit, words)) \
        else []


def _root_only(path: str) -> bool:
    """A file (symlinks followed) owned by root that neither its group nor others may write."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return False
    return info.st_uid == 0 and not info.st_mode & OTHERS_WRITE


def _owner(path: str) -> int | None:
    try:
        return os.stat(path).st_uid
    except (OSError, ValueError):
        return None


def _root_and_socket(argv: list[str], view: str = "") -> tuple[str, str]:
    """containerd's root and gRPC address: flags first, else its config file (read through
    `view`, the process's /proc/<pid>/root, when there), else defaults."""
    flags = _flags(argv)
    path = flags.get("--config") or flags.get("-c") or "/etc/containerd/config.toml"
    config = (_config(view + path) if view else {}) or _config(path)
    root = flags.get("--root") or config.get("root") or "/var/lib/containerd"
    socket = (flags.get("--address") or flags.get("-a")
              or (config.get("grpc") or {}).get("address") or "/run/containerd/containerd.sock")
    return str(root), str(socket)


def _flags(argv: list[str]) -> dict[str, str]:
    flags = {}
    for index, word in enumerate(argv[1:], 1):
        if word.startswith("-") and "=" in word:
            name, value = word.split("=", 1)
            flags[name] = value
        elif word.startswith("-") and index + 1 < len(argv):
            flags[word] = argv[index + 1]
    return flags


def _config(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _as_seen_by(pid: str, path: str) -> str:
    """`path` as the process sees it: the same file here, unless only its namespace has it."""
    if os.path.exists(path):
        return path
    inside = f"{PROC}/{pid}/root{path}"
    return inside if len(inside.encode()) < 108 else path  # sun_path's limit


def _cmdline(pid: str) -> list[str]:
    try:
        with open(f"{PROC}/{pid}/cmdline", "rb") as handle:
            return [part.decode(errors="replace") for part in handle.read().split(b"\0") if part]
    except OSError:
        return []


def _exe(pid: str) -> str:
    try:
        return os.readlink(f"{PROC}/{pid}/exe")
    except OSError:
        return ""


def _ctr_next_to(containerd: str) -> str | None:
    """The ctr shipped beside a trusted containerd (a sandbox flavour's own), if there is one
    that only root can change, in a folder only root can change (else it could be swapped)."""
    candidate = os.path.join(os.path.dirname(containerd), "ctr")
    safe = _root_only(candidate) and _root_only(os.path.dirname(candidate))
    return candidate if safe and os.access(candidate, os.X_OK) else None


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []

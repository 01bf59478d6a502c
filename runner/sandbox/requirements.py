"""Can this machine start the sandbox? Root, the daemons, the docker CLI and a static busybox.

The answer is a catalog key (or None), so `run` can say in the user's language what to
install instead of failing halfway through `up`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from runner.sandbox.standins import busybox

# Where Debian puts the daemons; a root shell opened with plain `su` may lack /usr/sbin in PATH.
SYSTEM_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
PROGRAMS = {
    "dockerd": "sandbox.missing_dockerd",
    "containerd": "sandbox.missing_containerd",
    "docker-registry": "sandbox.missing_registry",
    "docker": "sandbox.missing_docker_cli",
}


def search_path() -> str:
    """PATH plus the system folders, for finding the daemons and for the daemons themselves
    (dockerd finds runc, containerd-shim-runc-v2 and docker-proxy through PATH)."""
    parts = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(dict.fromkeys([p for p in parts if p] + list(SYSTEM_DIRS)))


def program(name: str) -> str | None:
    """The absolute path of `name` (None when it is not installed)."""
    return shutil.which(name, path=search_path())


# What each flavour needs beyond the registry and busybox (the overlay2 flavour: PROGRAMS).
# dockerd 28.5 and containerd 2.1 are fetched by `up` itself (see engine_packages).
FLAVOUR_PROGRAMS = {
    "containerd": {"runc": "flavour.missing_runc", "dpkg-deb": "flavour.missing_apt",
                   "apt-get": "flavour.missing_apt"},
    "rootless": {"runc": "flavour.missing_runc", "dpkg-deb": "flavour.missing_apt",
                 "apt-get": "flavour.missing_apt", "rootlesskit": "flavour.missing_rootless",
                 "slirp4netns": "flavour.missing_rootless",
                 "newuidmap": "flavour.missing_rootless", "newgidmap": "flavour.missing_rootless",
                 "useradd": "flavour.missing_rootless", "unshare": "flavour.missing_rootless",
                 "nsenter": "flavour.missing_rootless", "setpriv": "flavour.missing_rootless"},
    # podman, conmon, runc and the CNI plugins: podman.missing_requirement.
    "podman": {"docker": "sandbox.missing_docker_cli"},
}


# Flavours that run the overlay2 flavour's programs and need these too (vfs needs nothing more).
EXTRA_PROGRAMS = {
    "fuse-overlayfs": {"fuse-overlayfs": "flavour.missing_fuse_overlayfs"},
}
# The kernel's FUSE device: fuse-overlayfs mounts each layer stack through it.
FUSE_DEVICE = Path("/dev/fuse")


def needed_programs(flavour: str) -> dict[str, str]:
    """The programs `flavour` runs, each with the catalog key saying how to install it."""
    if flavour in FLAVOUR_PROGRAMS:
        return {"docker-registry": "sandbox.missing_registry"} | FLAVOUR_PROGRAMS[flavour]
    return PROGRAMS | EXTRA_PROGRAMS.get(flavour, {})


def missing_requirement(flavour: str = "overlay2") -> str | None:
    """None when the sandbox can start here, else the catalog key of the first thing missing."""
    if os.geteuid() != 0:
        return "sandbox.needs_root"
    for name, key in needed_programs(flavour).items():
        if program(name) is None:
            return key
    if (missing := _flavour_requirement(flavour)) is not None:
        return missing
    found = busybox()
    if found is None or not is_static(found):
        return "sandbox.missing_busybox"
    return None


def _flavour_requirement(flavour: str) -> str | None:
    """What else the flavour needs: /dev/fuse, or podman's programs and CNI plugins."""
    if flavour == "fuse-overlayfs" and not FUSE_DEVICE.is_char_device():
        return "flavour.missing_fuse_device"
    if flavour == "podman":
        from runner.sandbox import podman

        return podman.missing_requirement()
    return None


def is_static(binary: Path) -> bool:
    """A static program runs in a FROM scratch image; a dynamic one lacks its loader there."""
    try:
        with open(binary, "rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False
    # A dynamic ELF names its loader (PT_INTERP) near the start of the file.
    return head.startswith(b"\x7fELF") and b"/ld-linux" not in head and b"/ld-musl" not in head

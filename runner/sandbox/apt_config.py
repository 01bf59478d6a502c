"""The throwaway apt configuration of engine_packages, given to apt-get through APT_CONFIG.

apt reads APT_CONFIG before anything else, so the folder it names as Dir::Etc::Parts (an
empty one of ours) replaces /etc/apt/apt.conf.d: none of the machine's hooks runs (appstream
refreshing /var/cache/swcatalog, PackageKit being told the cache changed) and no DEP-11 data
is fetched. Of the machine's settings, only how it reaches the archive is carried over.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# Commands apt would run around `update` or dpkg: cleared even if a file of ours set them.
HOOKS = ("APT::Update::Pre-Invoke", "APT::Update::Post-Invoke",
         "APT::Update::Post-Invoke-Success", "DPkg::Pre-Invoke", "DPkg::Post-Invoke",
         "DPkg::Pre-Install-Pkgs")
# AppStream metadata and icons (desktop software centres), never needed here.
SKIPPED_INDEXES = ("DEP-11", "DEP-11-icons", "DEP-11-icons-small", "DEP-11-icons-large",
                   "DEP-11-icons-hidpi", "DEP-11-icons-large-hidpi")
# The machine's settings that say how to reach the archive: proxies, and whether its clock may
# be trusted to judge a Release file's dates.
CARRIED = re.compile(r"^Acquire::(?:(?:https?|ftp)::Proxy(?:::\S+)?|Check-Valid-Until|Check-Date)"
                     r" \".*\";$")


def write(temp: Path) -> Path:
    """Write the configuration (and its empty parts folder) into `temp`; its path."""
    parts = temp / "apt.conf.d"
    parts.mkdir(exist_ok=True, mode=0o700)
    config = temp / "apt.conf"
    config.write_text(text(parts, machine_settings()), encoding="utf-8")
    return config


def text(parts: Path, machine: str) -> str:
    """The configuration: `parts` instead of apt.conf.d, no apt.conf, no hook, no DEP-11,
    and the lines of `machine` (an `apt-config dump`) that say how to reach the archive."""
    lines = [f'Dir::Etc::Parts "{parts}";', 'Dir::Etc::Main "/dev/null";']
    lines += [f"#clear {hook};" for hook in HOOKS]
    lines += [f"#clear Acquire::IndexTargets::deb::{index};" for index in SKIPPED_INDEXES]
    lines += [line for line in machine.splitlines() if CARRIED.match(line)]
    return "\n".join(lines) + "\n"


def machine_settings() -> str:
    """`apt-config dump` of the machine ("" when it fails: then nothing is carried over)."""
    try:
        done = subprocess.run(["apt-config", "dump"], capture_output=True, text=True,
                              timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""

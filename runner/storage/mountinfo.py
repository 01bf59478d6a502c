"""The overlay options of a container's root mount, read from /proc/<pid>/mountinfo.

A running container's `/` is an overlay mount whose super options name its folders:
`upperdir=` (the writable layer), `lowerdir=` (the image's layers, top first, `:`-separated)
and `workdir=`. This is how the containerd image store's layer is found while it runs, since
its `docker inspect` gives no GraphDriver folders. Pure text parsing, tested on real lines.
"""

from __future__ import annotations

import re

OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")  # the kernel writes a space as \040, a tab as \011


def root_mount_options(mountinfo: str) -> dict[str, str]:
    """The super options of the last mount on `/` (the container's root), as a mapping;
    {} when there is none. `key` alone (e.g. `rw`) maps to ""."""
    options = ""
    for line in mountinfo.splitlines():
        fields = line.split(" ")
        if len(fields) > 4 and fields[4] == "/" and " - " in line:
            options = line.split(" - ", 1)[1].split(" ")[-1]
    return parse_options(options) if options else {}


def parse_options(options: str) -> dict[str, str]:
    """`a=1,b,c=x:y` -> {"a": "1", "b": "", "c": "x:y"}, octal escapes undone."""
    parsed = {}
    for item in options.split(","):
        key, _, value = item.partition("=")
        parsed[key] = unescape(value)
    return parsed


def unescape(text: str) -> str:
    return OCTAL_ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), text)


def lower_dirs(options: dict[str, str]) -> list[str]:
    """The lowerdir list, top first (overlayfs's order)."""
    return [folder for folder in options.get("lowerdir", "").split(":") if folder]

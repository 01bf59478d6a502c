"""Commands that delete objects a lab did not create: all containers, all images, prunes.

`validate` refuses a step whose commands match one of these unless the step says
`destructive: true`; `run` uses the same rules to tell the student what such a step would
delete on their engine before asking them.

The rule for "remove everything": a command line that lists every id of a kind (`-q`) AND
removes that kind deletes them all, however the two are joined: `$(…)`, `| xargs`, a
`for` loop. A prune deletes what nothing uses, the student's own dangling images included.
A `--filter` (e.g. on the lab's own label) narrows either to some objects: not flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_QUIET = r"[^|;&)\n]*\s-[a-zA-Z]*q"  # the listing's options include -q (or -aq, -qa…)
# kind -> (a listing of every id, a removal)
EVERYTHING = {
    "containers": (re.compile(rf"docker\s+(container\s+)?(ps|ls){_QUIET}"),
                   re.compile(r"docker\s+(container\s+)?(rm|stop|kill)\b")),
    "images": (re.compile(rf"docker\s+(image\s+ls|images){_QUIET}"),
               re.compile(r"docker\s+(image\s+rm|rmi)\b")),
    "volumes": (re.compile(rf"docker\s+volume\s+ls{_QUIET}"),
                re.compile(r"docker\s+volume\s+rm\b")),
}
PRUNES = {
    re.compile(r"docker\s+system\s+prune\b"): {"containers", "images", "volumes"},
    re.compile(r"docker\s+image\s+prune\b"): {"images"},
    re.compile(r"docker\s+container\s+prune\b"): {"containers"},
    re.compile(r"docker\s+volume\s+prune\b"): {"volumes"},
}
FILTERED = re.compile(r"--filter[\s=]")


def deleted_kinds(commands: Iterable[str]) -> frozenset[str]:
    """The kinds of object ("containers", "images", "volumes") these commands may delete."""
    kinds: set[str] = set()
    for command in commands:
        if FILTERED.search(command):  # narrowed to some objects, e.g. the lab's own label
            continue
        kinds |= {kind for kind, (listing, removal) in EVERYTHING.items()
                  if listing.search(command) and removal.search(command)}
        kinds |= {kind for pattern, pattern_kinds in PRUNES.items()
                  if pattern.search(command) for kind in pattern_kinds}
    return frozenset(kinds)

"""Commands that delete objects a lab did not create: all containers, all images, prunes.

`validate` refuses a step whose commands match one of these patterns unless the step says
`destructive: true`; `run` uses the same patterns to tell the student what such a step would
delete on their engine before asking them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Each pattern, and the kinds of object it deletes. `$(docker … -q)` lists every id; the
# prunes delete what no container uses (images), stopped containers, unused volumes…
_ALL = r"\$\(\s*docker\s+"
PATTERNS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple(
    (re.compile(pattern), frozenset(kinds)) for pattern, kinds in (
        (rf"docker\s+(container\s+)?(rm|stop|kill)\b[^\n]*{_ALL}(container\s+)?(ps|ls)\b",
         {"containers"}),
        (rf"docker\s+(image\s+rm|rmi)\b[^\n]*{_ALL}(image\s+ls|images)\b", {"images"}),
        (r"docker\s+system\s+prune\b", {"containers", "images", "volumes"}),
        (r"docker\s+image\s+prune\b[^\n]*\s(-a|--all)\b", {"images"}),
        (r"docker\s+container\s+prune\b", {"containers"}),
        (r"docker\s+volume\s+(prune|rm\b[^\n]*\$\(\s*docker\s+volume\s+ls)", {"volumes"}),
    ))


def deleted_kinds(commands: Iterable[str]) -> frozenset[str]:
    """The kinds of object ("containers", "images", "volumes") these commands may delete."""
    kinds: set[str] = set()
    for command in commands:
        for pattern, pattern_kinds in PATTERNS:
            if pattern.search(command):
                kinds |= pattern_kinds
    return frozenset(kinds)

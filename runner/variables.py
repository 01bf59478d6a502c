"""Lab variables: `{name}` placeholders in commands, check fields and explanations.

Only `{identifier}` is a placeholder, so Go templates (`{{.Architecture}}`), shell
parameter expansion (`${HOME}`) and `find -exec … {} \\;` pass through untouched.
Values substituted into commands are shell-quoted: a variable can never inject a command.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

PLACEHOLDER = re.compile(r"(?<![{$])\{([a-z_][a-z0-9_]*)\}(?!\})")
BUILTINS = ("docker_root", "docker_host", "engine_kind", "lab_dir", "work_dir", "lang")


def placeholders(text: str) -> list[str]:
    """The variable names used in `text`, in order."""
    return PLACEHOLDER.findall(text)


def substitute(text: str, values: Mapping[str, str], *, quote: bool = False) -> str:
    """Replace each known `{name}`; unknown names stay as written (validate reports them)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        return shlex.quote(values[name]) if quote else values[name]

    return PLACEHOLDER.sub(replace, text)

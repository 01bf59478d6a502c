"""Commands that talk to another Docker engine than the lab's: `-H`/`--host`, `--context`,
`DOCKER_HOST=…`, `docker context use`, a socket path, `curl --unix-socket`.

This reads command text, so it can only see the plain spellings: it is a lint for lab
authors (`validate` refuses them unless the step says why in `other_engine`), not the
protection itself, which is the engine guard where the requests reach the engine.
"""

from __future__ import annotations

import re
import shlex

DOCKER_GLOBAL_OPTIONS = {"-H": "-H", "--host": "--host", "-c": "--context",
                         "--context": "--context"}
ASSIGNMENT = re.compile(r"^(DOCKER_HOST|DOCKER_CONTEXT)=")
SOCKET = re.compile(r"\.sock\b|^/(var/)?run/docker\b")
COMMAND_STARTS = {"", ";", "&&", "||", "|", "&", "(", ")", "\n", "$(", "`"}


def other_engine_forms(command: str) -> list[str]:
    """The spellings in `command` that name another engine, e.g. ["--host", "DOCKER_HOST="]."""
    words = _words(command)
    found: list[str] = []
    for index, word in enumerate(words):
        match = ASSIGNMENT.match(word)
        if match:
            found.append(f"{match.group(1)}=")
        elif word == "unset" and "DOCKER_HOST" in words[index + 1:index + 3]:
            found.append("unset DOCKER_HOST")
        elif word == "--unix-socket" or word.startswith("--unix-socket="):
            found.append("--unix-socket")
        elif SOCKET.search(word):
            found.append(word)
        elif word == "docker":
            found += _docker_options(words[index + 1:])
    return list(dict.fromkeys(found))


def _docker_options(rest: list[str]) -> list[str]:
    """Global options before the subcommand, and `docker context use`."""
    found = []
    for position, word in enumerate(rest):
        name = word.split("=", 1)[0]
        if name in DOCKER_GLOBAL_OPTIONS:
            found.append(DOCKER_GLOBAL_OPTIONS[name])
        elif word == "context" and rest[position + 1:position + 2] == ["use"]:
            found.append("docker context use")
            break
        elif not word.startswith("-") or word in COMMAND_STARTS:
            break
    return found


def _words(command: str) -> list[str]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes: bash will say so; look at plain words
        return command.split()

"""What a command line really runs, as bash reads it: each command as its shell words (shlex),
for `typed` checks, so that text which is not run as a command proves nothing.

Not commands: comments, quoted text, the arguments of `echo`, `printf` and `:`, a here-document's
body. Split at `;`, `&&`, `||`, `|`, `&`, newlines and parentheses. Skipped before the command
word: `VAR=x` assignments, `sudo`/`command`/`time`/`env`/`nohup`/`exec`/`nice`/`timeout`/`xargs`
and their options, and the keywords `if`, `then`, `do`, `!`, `{`… Read inside: `$(…)` and
backquotes, `bash -c '…'`, `eval …`, `watch …`. Pure: no shell is run.
"""

from __future__ import annotations

import posixpath
import re
import shlex

NOT_COMMANDS = frozenset({"echo", "printf", ":"})
KEYWORDS = frozenset({"!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while",
                      "until", "esac"})
NOT_RUN = frozenset({"for", "case", "select", "function"})  # headers: their words are not run
# prefix -> (its options that take a value, how many other words it takes before the command)
PREFIXES: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T"}), 0),
    "doas": (frozenset({"-u", "-C"}), 0),
    "command": (frozenset(), 0), "builtin": (frozenset(), 0), "time": (frozenset(), 0),
    "nohup": (frozenset(), 0), "exec": (frozenset({"-a"}), 0), "nice": (frozenset({"-n"}), 0),
    "env": (frozenset({"-u", "-C", "-S"}), 0), "timeout": (frozenset({"-s", "-k"}), 1),
    "xargs": (frozenset({"-I", "-n", "-L", "-P", "-d", "-E", "-s", "-a"}), 0),
}
LINE_RUNNERS = {"eval": frozenset(), "watch": frozenset({"-n"})}  # they run their words as a line
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh"})
OPERATORS = ";&|()<>\n"
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
HEREDOC = re.compile(r"(?<!<)<<(-?)\s*(['\"]?)([A-Za-z0-9_.-]+)\2")


def commands(line: str) -> list[list[str]]:
    """The commands `line` runs, each as its words (the command word first, by its base
    name: `/usr/bin/docker` is `docker`); [] when it runs none, or cannot be read."""
    text, inner = _outside_substitutions(_without_heredoc_bodies(line))
    found = [command for part in inner for command in commands(part)]
    try:
        tokens = _tokens(text)
    except ValueError:  # an unclosed quote: bash would wait for more, and run nothing yet
        return found
    for words in _split(tokens):
        found += _run(words)
    return found


def command_text(words: list[str]) -> str:
    """One command as a line again, quoted where the shell needs it (`'docker images'`, one
    quoted word, never reads as `docker images`)."""
    return shlex.join(words)


def _tokens(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=OPERATORS)
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    lexer.commenters = ""  # comments are gone already, as bash sees them (# starts a word)
    return list(lexer)


def _split(tokens: list[str]) -> list[list[str]]:
    """Tokens -> the words of each simple command, redirections and their targets left out."""
    commands: list[list[str]] = [[]]
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
        elif token and all(c in OPERATORS for c in token):
            redirect = any(c in "<>" for c in token) and "(" not in token
            skip_next = redirect
            if not redirect:
                commands.append([])
        else:
            commands[-1].append(token)
    return [words for words in commands if words]


def _run(words: list[str]) -> list[list[str]]:
    """What one simple command runs: itself, the line it hands to a shell, or nothing."""
    words = _command_start(words)
    if not words or words[0] in NOT_COMMANDS or words[0] in NOT_RUN:
        return []
    name = posixpath.basename(words[0])
    if name in SHELLS:
        script = _shell_script(words)
        return commands(script) if script is not None else [[name, *words[1:]]]
    if name in LINE_RUNNERS:
        return commands(" ".join(_after_options(words, LINE_RUNNERS[name])))
    return [[name, *words[1:]]]


def _command_start(words: list[str]) -> list[str]:
    """The words from the command word on: keywords, assignments and prefixes skipped."""
    while words:
        first = words[0]
        if first in KEYWORDS or ASSIGNMENT.match(first):
            words = words[1:]
        elif first in PREFIXES:
            if first == "command" and any(w in ("-v", "-V") for w in words[1:2]):
                return []  # `command -v docker` says where docker is; it does not run it
            words = _after_options(words, *PREFIXES[first])
        else:
            return words
    return words


def _after_options(words: list[str], with_value: frozenset[str], positional: int = 0
                   ) -> list[str]:
    """The words after a prefix command, its options (and their values), `positional` other
    words, and `env`'s assignments."""
    index = 1
    while index < len(words):
        word = words[index]
        if word == "--":
            return words[index + 1:]
        if word.startswith("-") and len(word) > 1:
            index += 2 if word in with_value else 1
        elif words[0] == "env" and "=" in word:
            index += 1
        elif positional:
            positional -= 1
            index += 1
        else:
            break
    return words[index:]


def _shell_script(words: list[str]) -> str | None:
    """The line `bash -c 'LINE'` runs (`-lc`, `-ec` too); None when it runs no line."""
    for index, word in enumerate(words[1:-1], start=1):
        if word.startswith("-") and not word.startswith("--") and "c" in word:
            return words[index + 1]
    return None


def _without_heredoc_bodies(text: str) -> str:
    """`text` without the lines a here-document feeds a command (they are its input)."""
    kept: list[str] = []
    ending: str | None = None
    for line in text.split("\n"):
        if ending is not None:
            ending = None if line.strip() == ending else ending
            continue
        kept.append(line)
        found = HEREDOC.search(line)
        ending = found.group(3) if found else None
    return "\n".join(kept)


def _outside_substitutions(text: str) -> tuple[str, list[str]]:
    """`text` with comments dropped and each `$(…)` or backquoted command replaced by a
    placeholder word, and the lines those substitutions run (they run too)."""
    out: list[str] = []
    inner: list[str] = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote != "'" and char == "\\":
            out.append(text[index:index + 2])
            index += 2
            continue
        if quote != "'" and (text.startswith("$(", index) and not text.startswith("$((", index)
                             or char == "`"):
            end = _substitution_end(text, index)
            inner.append(text[index + (1 if char == "`" else 2):end])
            out.append("_")
            index = end + 1
            continue
        if not quote and char == "#" and (not out or out[-1][-1:] in " \t\n;&|()<>"):
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        if char in "'\"" and quote in ("", char):
            quote = "" if quote else char
        out.append(char)
        index += 1
    return "".join(out), inner


def _substitution_end(text: str, start: int) -> int:
    """Where the substitution starting at `start` closes (its `)` or backquote), or the end."""
    if text[start] == "`":
        end = text.find("`", start + 1)
        return len(text) if end < 0 else end
    depth, quote = 0, ""
    for index in range(start + 1, len(text)):
        char = text[index]
        if char in "'\"" and quote in ("", char):
            quote = "" if quote else char
        elif not quote and char in "()":
            depth += 1 if char == "(" else -1
            if depth == 0:
                return index
    return len(text)

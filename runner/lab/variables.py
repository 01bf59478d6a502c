"""Lab variables: `{name}` placeholders in commands, check fields and explanations.

Only `{identifier}` is a placeholder, so Go templates (`{{.Architecture}}`), shell
parameter expansion (`${HOME}`) and `find -exec … {} \\;` pass through untouched, and
`\\{name}` is the literal text `{name}` (e.g. `curl -w '%\\{http_code}'`).
Values substituted into commands are quoted for the place they land in, as bash reads the
command: bare, inside '…', inside "…" or inside $'…'. A variable can never inject a command.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping

# `{name}`, or `\{name}` (group 1 is the backslash), which is the text `{name}`.
PLACEHOLDER = re.compile(r"(?<![{$])(\\?)\{([a-z_][a-z0-9_]*)\}(?!\})")
BUILTINS = ("docker_root", "docker_host", "engine_kind", "lab_dir", "work_dir", "lang")

# How bash reads a stretch of a command: code (words, operators), or inside a kind of quote.
CODE, SINGLE, DOUBLE, ANSI = "code", "single", "double", "ansi"
WORD_START = " \t\n;&|()<>"  # a `#` after one of these (or first) starts a comment
# opener -> (the context it starts, what closes it); two-character openers first.
CODE_OPENERS = {"$'": (ANSI, "'"), "$(": (CODE, ")"), "'": (SINGLE, "'"), '"': (DOUBLE, '"'),
                "(": (CODE, ")"), "`": (CODE, "`")}
DOUBLE_OPENERS = {"$(": (CODE, ")"), "`": (CODE, "`")}  # all else is literal inside "…"
QUOTERS: dict[str, Callable[[str], str]] = {
    CODE: shlex.quote,
    # close the quote, an escaped quote, reopen: 'it'\''s'
    SINGLE: lambda value: value.replace("'", "'\\''"),
    # only $ ` " \ act inside "…"; `!` does not, as runner.shell.session sources each command from a
    # file, where bash does no history expansion
    DOUBLE: lambda value: re.sub(r'([$`"\\])', r"\\\1", value),
    ANSI: lambda value: value.replace("\\", "\\\\").replace("'", "\\'"),
}


def placeholders(text: str) -> list[str]:
    r"""The variable names used in `text`, in order (`\{name}` is text, not a variable)."""
    return [name for escaped, name in PLACEHOLDER.findall(text) if not escaped]


def substitute(text: str, values: Mapping[str, str], *, quote: bool = False,
               escape: Callable[[str], str] | None = None) -> str:
    r"""Replace each known `{name}`, and each `\{name}` by the text `{name}`, in one pass over
    `text` (a value is never read again); unknown names stay as written (validate reports them).

    With `quote`, `text` is a shell command and each value is quoted for the quoting in
    force where its placeholder stands, so it always stays literal text. `escape` does the
    same for another language, e.g. `re.escape` for a regex."""
    contexts = quote_contexts(text) if quote else []

    def replace(match: re.Match[str]) -> str:
        escaped, name = match.groups()
        if escaped:
            return match.group(0)[1:]
        if name not in values:
            return match.group(0)
        if quote:
            return _quoted(values[name], *contexts[match.start()])
        return escape(values[name]) if escape else values[name]

    return PLACEHOLDER.sub(replace, text)


def _quoted(value: str, kind: str, backquotes: int) -> str:
    """`value` quoted for the quoting `kind`, inside `backquotes` levels of `…`."""
    quoted = QUOTERS[kind](value)
    for _ in range(backquotes):
        # bash first removes one backslash before \ ` $ in a backquoted command, then
        # parses it: without this a ` in the value would end the substitution.
        quoted = re.sub(r"([\\`$])", r"\\\1", quoted)
    return quoted


def quote_contexts(command: str) -> list[tuple[str, int]]:
    """At each character of `command`: the quoting bash reads it in (CODE, SINGLE, DOUBLE,
    ANSI) and how many backquoted substitutions enclose it.

    Follows quotes, backslashes, comments, `$(…)` and backquotes, which start code again
    even inside "…". Here-documents are not followed."""
    contexts: list[tuple[str, int]] = []
    stack = [(CODE, "")]  # (kind, the text that closes it); the command itself never closes
    while len(contexts) < len(command):
        kind, closer = stack[-1]
        backquotes = sum(1 for _, frame_closer in stack if frame_closer == "`")
        consumed = _STEPS[kind](command, len(contexts), closer, stack)
        contexts += [(kind, backquotes)] * consumed
    return contexts[:len(command)]


def _code_step(text: str, i: int, closer: str, stack: list[tuple[str, str]]) -> int:
    """One token of code: a quote, `$(`, `(` or a backquote opens, the closer closes."""
    if text[i] == "\\":
        return 2
    if closer and text[i] == closer:
        stack.pop()
        return 1
    if text[i] == "#" and (i == 0 or text[i - 1] in WORD_START):
        end = text.find("\n", i)
        return (end if end >= 0 else len(text)) - i
    return _open(text, i, stack, CODE_OPENERS)


def _double_step(text: str, i: int, closer: str, stack: list[tuple[str, str]]) -> int:
    """One character inside "…": only `\\`, the closing quote, `$(` and backquotes act."""
    if text[i] == "\\":
        return 2
    if text[i] == '"':
        stack.pop()
        return 1
    return _open(text, i, stack, DOUBLE_OPENERS)


def _single_step(text: str, i: int, closer: str, stack: list[tuple[str, str]]) -> int:
    """One character inside '…' (or $'…', where a backslash escapes the next one)."""
    if text[i] == "\\" and stack[-1][0] == ANSI:
        return 2
    if text[i] == "'":
        stack.pop()
    return 1


def _open(text: str, i: int, stack: list[tuple[str, str]],
          openers: dict[str, tuple[str, str]]) -> int:
    """Push the context an opener at `i` starts; else `i` is one plain character."""
    for opener, context in openers.items():
        if text.startswith(opener, i):
            stack.append(context)
            return len(opener)
    return 1


_STEPS = {CODE: _code_step, DOUBLE: _double_step, SINGLE: _single_step, ANSI: _single_step}

"""Lab variables: `{name}` placeholders in commands, check fields and explanations.

Only `{identifier}` is a placeholder, so Go templates (`{{.Architecture}}`), shell
parameter expansion (`${HOME}`) and `find -exec … {} \\;` pass through untouched, and
`\\{name}` is the literal text `{name}` (e.g. `curl -w '%\\{http_code}'`).
Values substituted into commands are quoted for the place they land in, as bash reads the
command: bare, inside '…', inside "…" or inside $'…'. A variable can never inject a command.

Some places cannot be quoted: bash evaluates what stands there again, or a newline ends
them. A comment (a newline in the value starts code), `$((…))` and `((…))` (arithmetic runs
`a[$(cmd)]`), `[[ … ]]` (`-v`, `-eq` evaluate their operands the same way, quoted or not)
and the body of a here-document whose delimiter is bare (`<<EOF`: `$(…)` runs there).
`validate` refuses a variable in them (UNSAFE_KINDS, unsafe_placeholders) and substitute
raises UnsafePlaceholder there. In the body of a here-document whose delimiter is quoted
(`<<'EOF'`) nothing expands: the value is inserted as it is, and refused if it holds a
newline or is the delimiter (it could end the here-document).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# `{name}`, or `\{name}` (group 1 is the backslash), which is the text `{name}`.
PLACEHOLDER = re.compile(r"(?<![{$])(\\?)\{([a-z_][a-z0-9_]*)\}(?!\})")
BUILTINS = ("docker_root", "docker_host", "engine_kind", "lab_dir", "work_dir", "lang",
            # Where this engine's storage keeps layers (runner.storage.variables).
            "storage", "layer_root", "layer_files", "merged_files", "layer_db", "containerd_root")

# How bash reads a stretch of a command: code (words, operators), or inside a kind of quote.
CODE, SINGLE, DOUBLE, ANSI = "code", "single", "double", "ansi"
RAW = "raw"  # the body of a here-document with a quoted delimiter: nothing expands
COMMENT, ARITHMETIC, TEST, HEREDOC = "comment", "arithmetic", "test", "heredoc"
UNSAFE_KINDS = (COMMENT, ARITHMETIC, TEST, HEREDOC)  # no quoting keeps a value literal there
WORD_START = " \t\n;&|()<>"  # a `#` or `[[` after one of these (or first) starts a comment, a test
# opener -> (the context it starts, what closes it); longer openers first.
CODE_OPENERS = {"$((": (ARITHMETIC, "))"), "((": (ARITHMETIC, "))"), "$'": (ANSI, "'"),
                "$(": (CODE, ")"), "'": (SINGLE, "'"), '"': (DOUBLE, '"'), "(": (CODE, ")"),
                "`": (CODE, "`")}
DOUBLE_OPENERS = {"$((": (ARITHMETIC, "))"), "$(": (CODE, ")"), "`": (CODE, "`")}  # else literal
QUOTERS: dict[str, Callable[[str], str]] = {
    CODE: shlex.quote,
    # close the quote, an escaped quote, reopen: 'it'\''s'
    SINGLE: lambda value: value.replace("'", "'\\''"),
    # only $ ` " \ act inside "…"; `!` does not, as runner.shell.session sources each command from a
    # file, where bash does no history expansion
    DOUBLE: lambda value: re.sub(r'([$`"\\])', r"\\\1", value),
    ANSI: lambda value: value.replace("\\", "\\\\").replace("'", "\\'"),
    RAW: lambda value: value,
}
CODE_LIKE = (CODE, ARITHMETIC, TEST)  # read as code: quotes and substitutions open there
# Built-ins that are patterns (`…/overlay2/*/diff`): outside quotes their `*` stays a wildcard,
# everything else is quoted, so `ls -d {layer_files}/MYFILE` finds the file on every engine.
PATTERN_VARIABLES = ("layer_files", "merged_files")


class UnsafePlaceholder(ValueError):
    """A value substituted where no quoting keeps it literal (validate refuses such labs)."""

    def __init__(self, name: str, kind: str) -> None:
        super().__init__(f"{{{name}}} stands in a {kind} context, where it cannot be quoted")
        self.name, self.kind = name, kind


@dataclass(frozen=True)
class Context:
    """How bash reads one character: its quoting `kind`, the backquoted substitutions around
    it, and the outermost place around it that no quoting makes safe (None: there is none)."""

    kind: str
    backquotes: int
    unsafe: str | None
    delimiter: str = ""  # in a here-document's body (RAW): the line that ends it

    def refuses(self, value: str) -> bool:
        """No quoting keeps `value` text here: an unsafe place, or in a quoted here-document
        a value that could end it (a newline, or the delimiter itself)."""
        return bool(self.unsafe) or (self.kind == RAW and (
            "\n" in value or value.strip(" \t") == self.delimiter))


def placeholders(text: str) -> list[str]:
    r"""The variable names used in `text`, in order (`\{name}` is text, not a variable)."""
    return [name for escaped, name in PLACEHOLDER.findall(text) if not escaped]


def unsafe_placeholders(command: str) -> list[tuple[int, str, str]]:
    """(offset, name, kind) of each placeholder of `command` that stands where no quoting
    keeps a value literal (UNSAFE_KINDS)."""
    contexts = quote_contexts(command)
    found = []
    for match in PLACEHOLDER.finditer(command):
        unsafe = contexts[match.start()].unsafe
        if not match.group(1) and unsafe:
            found.append((match.start(), match.group(2), unsafe))
    return found


def substitute(text: str, values: Mapping[str, str], *, quote: bool = False,
               escape: Callable[[str], str] | None = None) -> str:
    r"""Replace each known `{name}`, and each `\{name}` by the text `{name}`, in one pass over
    `text` (a value is never read again); unknown names stay as written (validate reports them).

    With `quote`, `text` is a shell command and each value is quoted for the quoting in
    force where its placeholder stands, so it always stays literal text (UnsafePlaceholder
    where it cannot). `escape` does the same for another language, e.g. `re.escape`."""
    contexts = quote_contexts(text) if quote else []

    def replace(match: re.Match[str]) -> str:
        escaped, name = match.groups()
        if escaped:
            return match.group(0)[1:]
        if name not in values:
            return match.group(0)
        if quote:
            return _quoted(name, values[name], contexts[match.start()])
        return escape(values[name]) if escape else values[name]

    return PLACEHOLDER.sub(replace, text)


def _quoted(name: str, value: str, context: Context) -> str:
    """`value` quoted for the quoting in `context`, inside its levels of `…`."""
    if context.refuses(value):
        raise UnsafePlaceholder(name, context.unsafe or RAW)
    if name in PATTERN_VARIABLES and context.kind == CODE:
        quoted = "*".join(shlex.quote(part) if part else "" for part in value.split("*"))
    else:
        quoted = QUOTERS[context.kind](value)
    for _ in range(context.backquotes):
        # bash first removes one backslash before \ ` $ in a backquoted command, then
        # parses it: without this a ` in the value would end the substitution.
        quoted = re.sub(r"([\\`$])", r"\\\1", quoted)
    return quoted


def quote_contexts(command: str) -> list[Context]:
    """At each character of `command`: how bash reads it (see Context).

    Follows quotes, backslashes, comments, `$(…)` and backquotes (which start code again
    even inside "…"), arithmetic, `[[ … ]]` and here-documents."""
    return _Reader(command).contexts()


@dataclass
class _Frame:
    kind: str
    closer: str  # the text that closes it; for a here-document, its delimiter line
    strip_tabs: bool = False  # `<<-`: the delimiter line may start with tabs


@dataclass
class _Reader:
    """Walks a command as bash reads it, one token at a time, with a stack of contexts."""

    text: str
    stack: list[_Frame] = field(default_factory=lambda: [_Frame(CODE, "")])
    pending: list[_Frame] = field(default_factory=list)  # here-documents opened on this line

    def contexts(self) -> list[Context]:
        found: list[Context] = []
        while len(found) < len(self.text):
            context = self._context()
            found += [context] * self._step(len(found))
        return found[:len(self.text)]

    def _context(self) -> Context:
        unsafe = next((f.kind for f in self.stack if f.kind in UNSAFE_KINDS), None)
        backquotes = sum(1 for frame in self.stack if frame.closer == "`")
        frame = self.stack[-1]
        return Context(frame.kind, backquotes, unsafe, frame.closer if frame.kind == RAW else "")

    def _step(self, i: int) -> int:
        kind = self.stack[-1].kind
        if kind in CODE_LIKE:
            return self._code(i)
        if kind == DOUBLE:
            return self._double(i)
        if kind in (SINGLE, ANSI):
            return self._single(i)
        if kind == COMMENT:
            return self._comment(i)
        return self._heredoc_line(i)

    def _code(self, i: int) -> int:
        """One token of code: a quote, `$(`, `((`, `[[`, `#`, `<<` opens, the closer closes."""
        text, frame = self.text, self.stack[-1]
        at_word_start = i == 0 or text[i - 1] in WORD_START
        if text[i] == "\\":
            return 2
        if frame.closer and text.startswith(frame.closer, i):
            self.stack.pop()
            return len(frame.closer)
        if text[i] == "\n" and self.pending:
            self.stack += reversed(self.pending)  # the first here-document's body comes first
            self.pending = []
            return 1
        if text[i] == "#" and at_word_start:
            self.stack.append(_Frame(COMMENT, "\n"))
            return 1
        if text.startswith("[[", i) and at_word_start:
            self.stack.append(_Frame(TEST, "]]"))
            return 2
        if text.startswith("<<", i) and not text.startswith("<<<", i) and frame.kind != ARITHMETIC:
            return self._heredoc_start(i)
        return self._open(i, CODE_OPENERS)

    def _heredoc_start(self, i: int) -> int:
        """`<<word` or `<<-word`: its body starts on the next line; a quoted word keeps
        everything in the body literal."""
        match = re.compile(r"<<(-?)[ \t]*([^\s;&|()<>]+)").match(self.text, i)
        if match is None:
            return 2
        word = match.group(2)
        delimiter = re.sub(r"""['"\\]""", "", word)
        kind = RAW if delimiter != word else HEREDOC
        self.pending.append(_Frame(kind, delimiter, strip_tabs=bool(match.group(1))))
        return match.end() - i

    def _heredoc_line(self, i: int) -> int:
        """One line of a here-document's body; the delimiter line ends it."""
        frame, end = self.stack[-1], self.text.find("\n", i)
        line = self.text[i:end if end >= 0 else len(self.text)]
        if (line.lstrip("\t") if frame.strip_tabs else line) == frame.closer:
            self.stack.pop()
        return len(line) + 1

    def _comment(self, i: int) -> int:
        """A comment runs to the end of its line; the newline is code again."""
        end = self.text.find("\n", i)
        if end == i:
            self.stack.pop()
            return 0
        return (end if end >= 0 else len(self.text)) - i

    def _double(self, i: int) -> int:
        """One character inside "…": only `\\`, the closing quote, `$(` and backquotes act."""
        if self.text[i] == "\\":
            return 2
        if self.text[i] == '"':
            self.stack.pop()
            return 1
        return self._open(i, DOUBLE_OPENERS)

    def _single(self, i: int) -> int:
        """One character inside '…' (or $'…', where a backslash escapes the next one)."""
        if self.text[i] == "\\" and self.stack[-1].kind == ANSI:
            return 2
        if self.text[i] == "'":
            self.stack.pop()
        return 1

    def _open(self, i: int, openers: dict[str, tuple[str, str]]) -> int:
        """Push the context an opener at `i` starts; else `i` is one plain character."""
        for opener, (kind, closer) in openers.items():
            if self.text.startswith(opener, i):
                self.stack.append(_Frame(kind, closer))
                return len(opener)
        return 1

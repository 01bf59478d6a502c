"""A variable where no quoting keeps its value literal is refused at `validate`, at its
line and column: in a comment, `$((…))`/`((…))`, `[[ … ]]`, or the body of a here-document
whose delimiter is bare (runner/lab/variables.py says why each one).

In a here-document with a quoted delimiter (`<<'EOF'`) the value is inserted as it is, so
a lab variable holding a newline, or the delimiter itself, is refused there: it could end
the body."""

from __future__ import annotations

from collections.abc import Iterator

from runner.errors import LabFileError, SourcePos
from runner.lab.model import Lab
from runner.lab.variables import (
    ARITHMETIC,
    COMMENT,
    HEREDOC,
    PLACEHOLDER,
    TEST,
    quote_contexts,
)
from runner.lab.yaml_source import Path, YamlDocument

MESSAGES = {COMMENT: "semantic.variable_in_comment", ARITHMETIC: "semantic.variable_in_arithmetic",
            TEST: "semantic.variable_in_test", HEREDOC: "semantic.variable_in_heredoc"}


def unsafe_variable_errors(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    for path, command in _commands(document.data):
        contexts = quote_contexts(command)
        for match in PLACEHOLDER.finditer(command):
            escaped, name = match.groups()
            context = contexts[match.start()]
            if escaped:
                continue
            if context.unsafe:
                yield LabFileError(MESSAGES[context.unsafe], name=name,
                                   pos=_placed(document, path, command, match.start()))
            elif name in lab.variables and context.refuses(lab.variables[name]):
                yield LabFileError("semantic.value_ends_heredoc", name=name,
                                   pos=_placed(document, path, command, match.start()))


def _commands(data: object) -> Iterator[tuple[Path, str]]:
    """Every text of the lab that bash runs: setup, cleanup, selftest.prepare, a step's
    `run` and a task's `solution`, a probe's `run`."""
    if not isinstance(data, dict):
        return
    for key in ("setup", "cleanup"):
        yield from _texts(data.get(key), (key,))
    selftest = data.get("selftest")
    if isinstance(selftest, dict):
        yield from _texts(selftest.get("prepare"), ("selftest", "prepare"))
    for s, step in enumerate(data.get("steps") or []):
        if not isinstance(step, dict):
            continue
        yield from _step_commands(step, ("steps", s))
        variants = step.get("variants")
        for key, variant in (variants.items() if isinstance(variants, dict) else ()):
            if isinstance(variant, dict):
                yield from _step_commands(variant, ("steps", s, "variants", key))


def _step_commands(step: dict, at: Path) -> Iterator[tuple[Path, str]]:
    """A step's (or a variant's) `run`, task solution and probes' `run`."""
    yield from _texts(step.get("run"), (*at, "run"))
    task = step.get("task")
    if isinstance(task, dict):
        yield from _texts(task.get("solution"), (*at, "task", "solution"))
    for c, check in enumerate(step.get("checks") or []):
        if isinstance(check, dict) and check.get("type") == "probe":
            yield from _texts(check.get("run"), (*at, "checks", c, "run"))


def _texts(node: object, path: Path) -> Iterator[tuple[Path, str]]:
    """A string, or each string of a list, with its path."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, list):
        yield from ((((*path, i), text)) for i, text in enumerate(node) if isinstance(text, str))


def _placed(document: YamlDocument, path: Path, text: str, offset: int) -> SourcePos:
    """Where the character at `offset` of the string at `path` is in the file: found in the
    source from the string's start, on its line (`|` blocks keep lines as written); the
    string's own position when the source cannot tell."""
    start = document.position(path)
    source = _source_lines(document.file)
    before = text[:offset]
    line = start.line + before.count("\n") + (1 if "\n" in text else 0)
    wanted = PLACEHOLDER.match(text, offset)
    if wanted is None or not 0 < line <= len(source):
        return start
    line_text = source[line - 1]
    from_column = start.column - 1 if line == start.line else 0
    skip = before[before.rfind("\n") + 1:].count(wanted.group(0))  # earlier ones on the line
    column = -1
    for _ in range(skip + 1):
        column = line_text.find(wanted.group(0), column + 1 if column >= 0 else from_column)
        if column < 0:
            return start
    return SourcePos(document.file, line, column + 1)


def _source_lines(file: str) -> list[str]:
    try:
        with open(file, encoding="utf-8") as source:
            return source.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []

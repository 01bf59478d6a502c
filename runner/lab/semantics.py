"""Rules of a lab that a schema cannot express, each reported at its line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from runner.checks.base import TextMatch
from runner.checks.output import OutputCheck
from runner.checks.typed import TypedCheck
from runner.errors import LabFileError
from runner.lab.model import Lab
from runner.lab.step_forms import step_forms, unique_paths
from runner.lab.unsafe_variables import unsafe_variable_errors
from runner.lab.variables import BUILTINS, placeholders
from runner.lab.yaml_source import Path, YamlDocument


def semantic_errors(lab: Lab, document: YamlDocument) -> list[LabFileError]:
    errors = list(unique_paths(iter([
        *_duplicate_step_ids(lab, document),
        *_undefined_variables(lab, document),
        *_bad_regexes(lab, document),
        *_bad_command_indexes(lab, document),
        *unsafe_variable_errors(lab, document),
    ])))
    return sorted(errors, key=lambda e: (e.pos.line, e.pos.column))


def _duplicate_step_ids(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    first_seen: dict[str, int] = {}
    for index, step in enumerate(lab.steps):
        pos = document.position(("steps", index, "id"))
        if step.id in first_seen:
            yield LabFileError("semantic.duplicate_step", pos=pos, id=step.id,
                               first_line=first_seen[step.id])
        else:
            first_seen[step.id] = pos.line


def _undefined_variables(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    """Every `{name}` must be a variable the engine will fill in where it is written."""
    for path, text in _strings(document.data, ()):
        usable = _names_usable_at(path, lab)
        for name in placeholders(text):
            if name in usable:
                continue
            # Not usable but defined: a lab variable inside another variable's value.
            key = "semantic.variable_in_variable" if name in lab.variables else (
                "semantic.undefined_variable")
            yield LabFileError(key, pos=document.position(path), name=name,
                               known=", ".join(usable))


def _names_usable_at(path: Path, lab: Lab) -> list[str]:
    """The engine fills a variable's own value from the built-ins alone (engine._lab_values),
    so there another lab variable, or the variable itself, would reach the command as is."""
    if path[:1] == ("variables",):
        return sorted(BUILTINS)
    return sorted(set(lab.variables) | set(BUILTINS))


def _strings(node: object, path: Path) -> Iterator[tuple[Path, str]]:
    """Every string value of the document (not keys), with its path."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, index))


def _bad_regexes(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    for form in step_forms(lab):
        patterns = [((*form.step_at, "answers", a, "expect"), answer.expect)
                    for a, answer in enumerate(form.step.answers)]
        patterns += [((*form.checks_at, "checks", c, "regex"), check.regex)
                     for c, check in enumerate(form.step.checks)
                     if isinstance(check, TextMatch | TypedCheck) and check.regex is not None]
        for path, pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                yield LabFileError("semantic.bad_regex", pos=document.position(path),
                                   pattern=pattern, reason=str(error))


def _bad_command_indexes(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    for form in step_forms(lab):
        count = len(form.step.commands)
        for c, check in enumerate(form.step.checks):
            if isinstance(check, OutputCheck) and (check.command or 0) > count:
                path = (*form.checks_at, "checks", c, "command")
                yield LabFileError("semantic.bad_command_index", pos=document.position(path),
                                   index=check.command, count=count)

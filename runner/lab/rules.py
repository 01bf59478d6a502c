"""Rules about steps and checks that the schema cannot express, each reported at its line.

Kept apart from semantics.py (variables, regexes, ids): these rules are about what a step
is — a demonstration (`run`) or a task (`task`) — and about steps that delete things.
"""

from __future__ import annotations

from collections.abc import Iterator

from runner.checks.output import OutputCheck
from runner.engines.inventory import KIND_WORDS
from runner.errors import LabFileError
from runner.lab.model import Lab
from runner.lab.other_engine import other_engine_forms
from runner.lab.step_forms import step_forms, unique_paths
from runner.lab.yaml_source import YamlDocument
from runner.messages import msg
from runner.run.destructive import unmarked_kinds


def rule_errors(lab: Lab, document: YamlDocument) -> list[LabFileError]:
    errors = list(unique_paths(iter([
        *_run_or_task(lab, document), *_pre_reasons(lab, document),
        *_output_checks_in_tasks(lab, document), *_step_hints_on_tasks(lab, document),
        *_unmarked_destructive(lab, document),
        *_other_engines(lab, document)])))
    return sorted(errors, key=lambda e: (e.pos.line, e.pos.column))


def _run_or_task(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    for s, step in enumerate(lab.steps):
        if (step.run is None) == (step.task is None):
            yield LabFileError("rules.run_or_task", pos=document.position(("steps", s)),
                               id=step.id)


def _pre_reasons(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    for form in step_forms(lab):
        for c, check in enumerate(form.step.checks):
            if check.pre == "skip" and check.pre_reason is None:
                yield LabFileError("rules.pre_without_reason", pos=document.position(
                    (*form.checks_at, "checks", c, "pre")))


def _output_checks_in_tasks(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    """A task's commands are typed by the student in their own shell: no output to check."""
    for form in step_forms(lab):
        for c, check in enumerate(form.step.checks):
            if form.step.is_task and isinstance(check, OutputCheck):
                yield LabFileError("rules.output_in_task", pos=document.position(
                    (*form.checks_at, "checks", c, "type")))


def _step_hints_on_tasks(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    """A step's own `hints` are for `--practice` on a `run` step; a task has `task.hints`:
    on a task step they would be silently unused."""
    for s, step in enumerate(lab.steps):
        if step.is_task and step.hints:
            yield LabFileError("rules.hints_on_task", pos=document.position(("steps", s, "hints")),
                               id=step.id)


def _unmarked_destructive(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    for form in step_forms(lab):
        step = form.step
        field = ("run",) if step.run is not None else ("task", "solution")
        kinds = unmarked_kinds(step)
        if kinds:
            yield LabFileError("rules.unmarked_destructive",
                               pos=document.position((*form.commands_at, *field)), id=step.id,
                               kinds=tuple(msg(KIND_WORDS[kind]) for kind in sorted(kinds)))


def _other_engines(lab: Lab, document: YamlDocument) -> Iterator[LabFileError]:
    """A command that talks to another engine than the lab's escapes the guard: refused
    unless the step (or, for setup and cleanup, the lab) says why in `other_engine`."""
    for form in step_forms(lab):
        if form.step.other_engine is None:
            field = ("run",) if form.step.run is not None else ("task", "solution")
            yield from _other_engine_errors(form.step.run if form.step.run is not None else
                                            form.step.task.solution,
                                            (*form.commands_at, *field), document)
            for c, check in enumerate(form.step.checks):
                if check.type == "probe":
                    yield from _other_engine_errors(check.run, (*form.checks_at, "checks", c,
                                                                "run"), document)
    if lab.other_engine is None:
        for key, commands in (("setup", lab.setup), ("cleanup", lab.cleanup)):
            yield from _other_engine_errors(commands, (key,), document)
        yield from _other_engine_errors(lab.selftest.prepare, ("selftest", "prepare"),
                                        document)


def _other_engine_errors(commands, at: tuple, document: YamlDocument) -> Iterator[LabFileError]:
    items = [(at, commands)] if isinstance(commands, str) else [
        ((*at, index), command) for index, command in enumerate(commands)]
    for path, command in items:
        forms = other_engine_forms(command)
        if forms:
            yield LabFileError("rules.other_engine", pos=document.position(path),
                               forms=", ".join(forms))

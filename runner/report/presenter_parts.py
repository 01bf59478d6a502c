"""Texts of the presenter's screen that are not one line: what changed on the engine after a
step (the CHANGES helper's StepChanges event) and the last screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runner.i18n import catalog, t
from runner.run.status import StepStatus

# StepChanges' lists, in the order shown, and the catalog word before each.
CHANGE_FIELDS = (("images_added", "present.images_added"),
                 ("images_removed", "present.images_removed"),
                 ("containers_created", "present.containers_created"),
                 ("containers_started", "present.containers_started"),
                 ("containers_stopped", "present.containers_stopped"),
                 ("containers_removed", "present.containers_removed"))
FILE_CHANGES = ("added", "changed", "deleted")
MARKS = {StepStatus.PASSED: "✔", StepStatus.FAILED: "✘", StepStatus.SKIPPED: "–",
         StepStatus.NOT_RUN: "·"}


def changes_lines(event: Any, language: str, short: Callable[[str], str]) -> list[str]:
    """One line per kind of change, then each container's files (host folder shortened by
    `short`); nothing when the step changed nothing."""
    named = lambda item: _named(item, language)  # noqa: E731
    created = set(getattr(event, "containers_created", ()))
    lines = [f"{t(key, language)} {', '.join(map(named, items))}"
             for name, key in CHANGE_FIELDS if (items := _listed(event, name, created))]
    left_out = getattr(event, "files_left_out", None) or {}
    for container, files in (getattr(event, "files", None) or {}).items():
        lines += [_file_line(container, change, language, short) for change in files]
        if left_out.get(container):
            lines.append(t("present.files_more", language, container=container,
                           count=left_out[container]))
    return lines


def _listed(event: Any, name: str, created: set[str]) -> list[Any]:
    """The items of one field; a container created and started by the same `docker run`
    is said once, as created."""
    items = list(getattr(event, name, ()))
    return [item for item in items if item not in created] if name == "containers_started" \
        else items


def _named(item: Any, language: str) -> str:
    """A container's name, or an image as (name, layer count)."""
    if isinstance(item, tuple | list) and len(item) == 2:
        return f"{item[0]} ({t('present.layers', language, count=item[1])})"
    return str(item)


def _file_line(container: str, change: Any, language: str, short: Callable[[str], str]) -> str:
    """`  www: added /MYFILE (host: $LR/overlay2/…/diff/MYFILE)`."""
    kind, path, host = change
    word = t(f"present.file_{kind}", language) if kind in FILE_CHANGES else kind
    line = t("present.file_line", language, container=container, change=word, path=path)
    if host:
        line += " " + t("present.host_path", language, path=short(host))
    return line


def final_lines(event: Any, language: str) -> list[str]:
    """The last screen: each step with its mark, then how the run ended."""
    lines = [f"{MARKS.get(step.status, '·')} {step.title}" for step in event.steps]
    lines.append("")
    key = f"present.ended_{event.status}"
    lines.append(t(key if key in catalog("en") else "present.ended_other", language))
    return lines

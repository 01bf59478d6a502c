"""The what-changed panel's lines (ev.StepChanges), shared by the rich and plain reporters."""

from __future__ import annotations

from runner.i18n import t
from runner.run.events import StepChanges

# (what happened, layer count known) -> its catalog key
IMAGE_KEYS = {("added", True): "changes.image_added", ("added", False): "changes.image_added_plain",
              ("removed", True): "changes.image_removed",
              ("removed", False): "changes.image_removed_plain"}
FILE_KEYS = {"added": "changes.file_added", "changed": "changes.file_changed",
             "deleted": "changes.file_deleted"}


def changes_lines(event: StepChanges, language: str) -> list[str]:
    """Images, then containers, then each touched container's files, one fact a line."""
    return (_image_lines(event, language) + _container_lines(event, language)
            + _file_lines(event, language))


def _image_lines(event: StepChanges, language: str) -> list[str]:
    lines = []
    for key, images in (("added", event.images_added), ("removed", event.images_removed)):
        for name, layers in images:
            # no layer count: its layers were never read (it came and went unseen)
            lines.append(t(IMAGE_KEYS[key, bool(layers)], language, name=name, layers=layers))
    return lines


def _container_lines(event: StepChanges, language: str) -> list[str]:
    started = set(event.containers_started)
    lines = [t("changes.container_created_started" if name in started
               else "changes.container_created", language, name=name)
             for name in event.containers_created]
    lines += [t("changes.container_started", language, name=name)
              for name in event.containers_started if name not in event.containers_created]
    for key, names in (("changes.container_stopped", event.containers_stopped),
                       ("changes.container_removed", event.containers_removed)):
        lines += [t(key, language, name=name) for name in names]
    return lines


def _file_lines(event: StepChanges, language: str) -> list[str]:
    lines = []
    for container, changes in event.files.items():
        for change, path, host in changes:
            line = t(FILE_KEYS[change], language, container=container, path=path)
            lines.append(f"{line} {t('changes.host', language, path=host)}" if host else line)
        left_out = event.files_left_out.get(container, 0)
        if left_out:
            lines.append(t("changes.more", language, count=left_out, container=container))
    return lines

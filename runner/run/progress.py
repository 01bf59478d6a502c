"""Where an interactive run stands, saved after every step so a later run can resume there.

One file per lab and engine in the user's state folder:
`$XDG_STATE_HOME/labrunner/progress/<lab id>-<sha256(endpoint + engine id)[:12]>.json`,
written atomically (a temporary file, then os.replace), so a run closed with its terminal or
killed outright (kill -9) leaves a whole file. The next interactive run of that lab on that
engine offers to resume: a fresh start (the earlier run's cleanup if it was killed, setup)
then the steps before replay quietly (runner/run/replay.py). A file that is damaged, written
for another lab or engine, or for an earlier version of the lab file is said in one line
and ignored. Finishing the lab deletes it.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from runner.messages import Message, msg
from runner.resources import state_home
from runner.run import events as ev
from runner.run.status import LabStatus

FINISHED = (LabStatus.PASSED, LabStatus.FAILED, LabStatus.INCOMPLETE)  # every step was reached


@dataclass(frozen=True)
class Progress:
    lab_id: str
    lab_sha256: str  # the lab file's: an edited lab is not resumed
    endpoint: str
    engine_id: str
    next_step: int  # 1-based: the step to show on resuming
    work_dir: str
    student: str
    saved_at: str  # local wall time, shown to the person


def progress_path(environ: Mapping[str, str], lab_id: str, endpoint: str,
                  engine_id: str) -> Path:
    """Per user (their state folder), per lab, per engine (its endpoint and its ID)."""
    engine = hashlib.sha256(f"{endpoint}{engine_id}".encode()).hexdigest()[:12]
    return state_home(environ) / "progress" / f"{lab_id}-{engine}.json"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(path: Path, progress: Progress) -> None:
    """Write atomically: a reader (or a run killed meanwhile) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(asdict(progress), stream, indent=1)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def forget(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def read(path: Path, expected: Progress, steps: int) -> tuple[Progress | None, Message | None]:
    """The saved progress of this lab on this engine (`expected` names them), or why the file
    is ignored; (None, None) when there is none."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, msg("nav.progress_unreadable", path=str(path), error=error.strerror or "")
    except ValueError:
        return None, msg("nav.progress_corrupt", path=str(path))
    saved = _progress(body, steps)
    if saved is None:
        return None, msg("nav.progress_corrupt", path=str(path))
    if (saved.lab_id, saved.endpoint, saved.engine_id) != (
            expected.lab_id, expected.endpoint, expected.engine_id):
        return None, msg("nav.progress_foreign", path=str(path))
    if saved.lab_sha256 != expected.lab_sha256:
        return None, msg("nav.progress_lab_changed", path=str(path))
    return saved, None


def _progress(body: object, steps: int) -> Progress | None:
    """The progress in a parsed file, if it is one: every field, of its type, in range."""
    if not isinstance(body, dict):
        return None
    types = {field.name: (int if field.type == "int" else str) for field in fields(Progress)}
    if not all(type(body.get(name)) is kind for name, kind in types.items()):
        return None
    progress = Progress(**{name: body[name] for name in types})
    return progress if 2 <= progress.next_step <= steps else None


def this_progress(lab_id: str, lab_file: Path, profile, work_dir: Path,
                  student: str | None) -> Progress:
    """The progress of the run about to start, before its first step."""
    return Progress(lab_id, file_sha256(lab_file), profile.endpoint, profile.engine_id, 1,
                    str(work_dir), student or _os_user(), time.strftime("%Y-%m-%d %H:%M"))


class ProgressKeeper:
    """A listener in front of the reporters: after each step, where the run stands is saved
    (the step being shown, or the next one once a step ended); a lab run to its end deletes
    it. Saving never stops the run: a failure is said once."""

    def __init__(self, listener: ev.Listener, path: Path, progress: Progress) -> None:
        self.listener = listener
        self.path = path
        self.progress = progress
        self.current = 1
        self.failed = False

    def on_event(self, event: ev.Event) -> None:
        self.listener.on_event(event)
        if isinstance(event, ev.StepStarted):
            self.current = event.index
            self._save(event.index)
        elif isinstance(event, ev.StepFinished):
            self._save(self.current + 1)
        elif isinstance(event, ev.StepSkipped):
            self._save(event.index + 1)
        elif isinstance(event, ev.LabFinished) and event.status in FINISHED:
            self._forget()

    def _save(self, next_step: int) -> None:
        """At step 1 there is nothing to resume: no file."""
        if next_step <= 1:
            self._forget()
            return
        progress = Progress(**{**asdict(self.progress), "next_step": next_step,
                               "saved_at": time.strftime("%Y-%m-%d %H:%M")})
        try:
            save(self.path, progress)
        except OSError as error:
            self._say_once(msg("nav.progress_not_saved", path=str(self.path),
                               error=error.strerror or str(error)))

    def _forget(self) -> None:
        try:
            forget(self.path)
        except OSError as error:
            self._say_once(msg("nav.progress_not_saved", path=str(self.path),
                               error=error.strerror or str(error)))

    def _say_once(self, message: Message) -> None:
        if not self.failed:
            self.failed = True
            self.listener.on_event(ev.Notice(message, "warning"))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return ""

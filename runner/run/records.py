"""Run records: `$XDG_STATE_HOME/labrunner/runs/<pid>.json` exists while a run is going on.

A run removes its record once its cleanup has run, whatever ended it. A record whose process
is gone (or whose pid now belongs to another process) is a run killed outright (kill -9, power
loss) before its cleanup: the next run of the same lab on the same engine cleans up after it.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from runner.resources import state_home
from runner.shell.owner import process_runs, process_start_time


@dataclass(frozen=True)
class RunRecord:
    pid: int
    process_start: str  # /proc/<pid>/stat start time: a reused pid is not mistaken for this run
    lab_id: str
    lab_file: str
    endpoint: str
    work_dir: str
    started_at: str  # local wall time, shown to the person
    path: Path = field(default=Path(), compare=False)  # where it is stored; not written

    def is_dead(self) -> bool:
        """Was this run stopped without its cleanup (its process gone or replaced)?"""
        return not process_runs(self.pid, self.process_start)


def runs_folder(environ: Mapping[str, str]) -> Path:
    return state_home(environ) / "runs"


def this_run(lab_id: str, lab_file: Path, endpoint: str, work_dir: Path) -> RunRecord:
    """The record of the current process's run."""
    pid = os.getpid()
    return RunRecord(pid, process_start_time(pid), lab_id, str(lab_file), endpoint,
                     str(work_dir), time.strftime("%Y-%m-%d %H:%M:%S"))


def write(folder: Path, record: RunRecord) -> RunRecord:
    """Write atomically (a reader never sees half a record); returns it with its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record.pid}.json"
    partial = folder / f".{record.pid}.json.partial"
    body = {name: value for name, value in asdict(record).items() if name != "path"}
    partial.write_text(json.dumps(body, indent=1), encoding="utf-8")
    os.replace(partial, path)
    return _with_path(record, path)


def read_all(folder: Path) -> list[RunRecord]:
    """Every readable record; a damaged file is skipped, never fatal."""
    records = []
    for path in sorted(folder.glob("*.json")):
        record = _read(path)
        if record is not None:
            records.append(record)
    return records


def killed_runs(folder: Path, lab_id: str, endpoint: str) -> list[RunRecord]:
    """Runs of this lab on this engine stopped before their cleanup; other labs' are left."""
    return [record for record in read_all(folder) if record.lab_id == lab_id
            and record.endpoint == endpoint and record.is_dead()]


def forget(record: RunRecord) -> None:
    """Delete the record, unless its file now holds another run (a reused pid)."""
    if _read(record.path) == record:
        with contextlib.suppress(OSError):
            record.path.unlink()


@contextlib.contextmanager
def recorded(folder: Path, record: RunRecord) -> Iterator[RunRecord]:
    """The record exists while the block runs; gone however the block ends."""
    written = write(folder, record)
    try:
        yield written
    finally:
        forget(written)


def _read(path: Path) -> RunRecord | None:
    names = {f.name for f in fields(RunRecord)} - {"path"}
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        record = RunRecord(**{name: body[name] for name in names})
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return _with_path(record, path) if isinstance(record.pid, int) else None


def _with_path(record: RunRecord, path: Path) -> RunRecord:
    return replace(record, path=path)

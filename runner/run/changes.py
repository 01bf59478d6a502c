"""The what-changed panel: after each step, what it changed on the engine.

`ChangesListener` wraps the run's listener (no change to the lab runner): on StepStarted it
snapshots the engine, on StepFinished it snapshots again and sends `ev.StepChanges` before
passing StepFinished on. Images added or removed (with their layer counts), containers
created, started, stopped or removed, and for the containers the step touched (created, started,
stopped, or named by an engine event such as an exec) the files their writable layer gained,
changed or lost since labrunner last looked, with the file's host path where the engine's
folders are visible here. Any engine error turns the panel off for the rest of the run: it
never fails a run.
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from runner.run import events as ev
from runner.run.engine_snapshot import ENGINE_ERRORS, EngineSnapshots, Snapshot

FILES_SHOWN = 20  # per container; the rest is counted ("and N more")
CHANGE_WORDS = {0: "changed", 1: "added", 2: "deleted"}  # /containers/{id}/changes Kind
Result = TypeVar("Result")


@dataclass(frozen=True)
class ContainerMoves:
    """Container ids by what happened to them between two snapshots."""

    created: tuple[str, ...]
    started: tuple[str, ...]
    stopped: tuple[str, ...]
    removed: tuple[str, ...]


def container_moves(before: Snapshot, after: Snapshot) -> ContainerMoves:
    """Created (new ids), started (now running, not before), stopped, removed (gone ids)."""
    old, new = before.containers, after.containers
    created = tuple(cid for cid in new if cid not in old)
    started = tuple(cid for cid, state in new.items()
                    if state.running and (cid not in old or not old[cid].running))
    stopped = tuple(cid for cid, state in new.items()
                    if cid in old and old[cid].running and not state.running)
    removed = tuple(cid for cid in old if cid not in new)
    return ContainerMoves(created, started, stopped, removed)


def image_moves(before: Snapshot, after: Snapshot) -> tuple[list[str], list[str]]:
    """(added image ids, removed image ids)."""
    return ([iid for iid in after.images if iid not in before.images],
            [iid for iid in before.images if iid not in after.images])


def file_changes(now: dict[str, int], baseline: dict[str, int] | None
                 ) -> list[tuple[str, str]]:
    """(change, path) sorted by path: what differs from `baseline` (the layer when last looked
    at; None: never looked at, so everything in it is shown). A path that left the list went
    back to the image's version: the layer lost it."""
    baseline = baseline or {}
    found = [(CHANGE_WORDS.get(kind, "changed"), path) for path, kind in now.items()
             if baseline.get(path) != kind]
    found += [("deleted", path) for path in baseline if path not in now]
    return sorted(found, key=lambda change: change[1])


def host_path(writable: str, change: str, path: str) -> str:
    """Where an added or changed file is on the engine's host ("" for a deletion, or when the
    layer's folder is not known here)."""
    if not writable or change == "deleted":
        return ""
    return posixpath.join(writable, path.lstrip("/"))


class ChangesListener:
    """Passes every event on to `inner`, adding StepChanges after each step's checks."""

    def __init__(self, inner: ev.Listener,
                 snapshots: Callable[[str], EngineSnapshots] = EngineSnapshots) -> None:
        self.inner = inner
        self.make_snapshots = snapshots
        self.engine: EngineSnapshots | None = None
        self.profile = None
        self.before: Snapshot | None = None
        self.seen: dict[str, dict[str, int]] = {}  # container id -> its layer when last read
        self.folders: dict[str, str] = {}  # container id -> its writable layer's host folder
        self.spent: list[float] = []  # seconds each step's two snapshots took (measured)

    def on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.StepFinished):
            self._after(event.step)
        self.inner.on_event(event)
        if isinstance(event, ev.LabStarted):
            self._open(event.profile)
        elif isinstance(event, ev.StepStarted):
            self._guarded(self._before)
        elif isinstance(event, ev.LabFinished):
            self._close()

    def watch(self, step, work: Callable[[], Result]) -> Result:
        """Run `work` (an improvised shell between steps) between two snapshots, then show
        what it changed as a panel of `step`'s; a step already started keeps its own panel."""
        pending = self.before is not None
        self._guarded(self._before)
        try:
            return work()
        finally:
            self._after(step)
            if pending:
                self._guarded(self._before)

    def _open(self, profile) -> None:
        self.profile = profile
        try:
            self.engine = self.make_snapshots(profile.endpoint)
        except ValueError:  # an endpoint read another way (ssh://): no panel
            self.engine = None

    def _before(self) -> None:
        started = time.perf_counter()
        self.before = self.engine.take()
        # Layer counts of the images the step may remove: once gone, they cannot be read.
        self.engine.remember_layers([iid for iid in self.before.images
                                     if iid not in self.engine.layers])
        self.spent.append(time.perf_counter() - started)

    def _after(self, step) -> None:
        before, self.before = self.before, None
        if before is None or self.engine is None:
            return
        started = time.perf_counter()
        changes = self._guarded(lambda: self._changes(step, before))
        if self.spent:
            self.spent[-1] += time.perf_counter() - started
        if changes is not None and not changes.empty:
            self.inner.on_event(changes)

    def _changes(self, step, before: Snapshot) -> ev.StepChanges:
        after = self.engine.take()
        moves = container_moves(before, after)
        added, removed = image_moves(before, after)
        names = {**{cid: s.name for cid, s in before.containers.items()},
                 **{cid: s.name for cid, s in after.containers.items()}}
        touched = set(moves.created + moves.started + moves.stopped)
        touched |= self.engine.touched(before.at, after.at) & set(after.containers)
        files, left_out = self._files(sorted(touched, key=names.get), set(moves.created), names)
        return ev.StepChanges(
            step, tuple((after.images[iid], self.engine.layer_count(iid)) for iid in added),
            tuple((before.images[iid], self.engine.layers.get(iid, 0)) for iid in removed),
            *(tuple(names[cid] for cid in group) for group in
              (moves.created, moves.started, moves.stopped, moves.removed)),
            files=files, files_left_out=left_out)

    def _files(self, touched: list[str], created: set[str], names: dict[str, str]):
        files: dict[str, tuple[tuple[str, str, str], ...]] = {}
        left_out: dict[str, int] = {}
        for cid in touched:
            now = self.engine.changes(cid)
            found = file_changes(now, {} if cid in created else self.seen.get(cid))
            self.seen[cid] = now
            if not found:
                continue
            writable = self._folder(cid)
            files[names[cid]] = tuple((change, path, host_path(writable, change, path))
                                      for change, path in found[:FILES_SHOWN])
            if len(found) > FILES_SHOWN:
                left_out[names[cid]] = len(found) - FILES_SHOWN
        return files, left_out

    def _folder(self, container_id: str) -> str:
        """The writable layer's folder on the engine's host, where its files can be read."""
        if container_id not in self.folders:
            from runner.storage.host_files import files_for
            from runner.storage.locate import container_layer

            files = files_for(self.profile)
            self.folders[container_id] = "" if files is None else container_layer(
                self.engine.inspect(container_id), self.profile, files).writable
        return self.folders[container_id]

    def _guarded(self, work: Callable[[], object]) -> object:
        """Run `work`; an engine that fails to answer turns the panel off, never the run."""
        if self.engine is None:
            return None
        try:
            return work()
        except (*ENGINE_ERRORS, KeyError, TypeError):  # an engine's answer of another shape too
            self._close()
            return None

    def _close(self) -> None:
        engine, self.engine = self.engine, None
        if engine is not None:
            engine.close()


def watch_changes(listener: ev.Listener, enabled: bool = True) -> ev.Listener:
    """The run's listener, with the what-changed panel unless `--no-diff` turned it off."""
    return ChangesListener(listener) if enabled else listener

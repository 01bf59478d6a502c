"""What the trainer changed in the improvised shell, shown in the what-changed panel.

The what-changed listener (runner/run/changes.py) snapshots the engine around each step; an
improvised shell opens between steps, so its changes would otherwise show nowhere. This
takes the same two snapshots around the shell, through that listener, which then sends its
StepChanges to the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Result = TypeVar("Result")
Watch = Callable[[Any, Callable[[], Result]], Result]


def unwatched(step: Any, work: Callable[[], Result]) -> Result:
    """--no-diff, or a labrunner without the panel: the shell alone."""
    return work()


def watch_with(listener: Any) -> Watch:
    """A Watch through `listener` when it is the what-changed listener, else `unwatched`."""
    public = getattr(listener, "watch", None)  # ChangesListener.watch(step, work)
    if callable(public):
        return public
    before, after = getattr(listener, "_before", None), getattr(listener, "_after", None)
    guarded = getattr(listener, "_guarded", None)
    if before is None or after is None or guarded is None:
        return unwatched

    def watch(step: Any, work: Callable[[], Result]) -> Result:
        if getattr(listener, "engine", None) is None:  # the engine could not be read
            return work()
        guarded(before)
        try:
            return work()
        finally:
            after(step)
    return watch

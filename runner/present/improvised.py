"""What the trainer changed in the improvised shell, shown in the what-changed panel.

The what-changed listener (runner/run/changes.py) snapshots the engine around each step; an
improvised shell opens between steps, so its changes would otherwise show nowhere. Its
`watch(step, work)` takes the same two snapshots around the shell and shows the panel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Result = TypeVar("Result")
Watch = Callable[[Any, Callable[[], Result]], Result]


def unwatched(step: Any, work: Callable[[], Result]) -> Result:
    """--no-diff: the shell alone."""
    return work()


def watch_with(listener: Any) -> Watch:
    """The what-changed listener's watch, or `unwatched` when the run has no panel."""
    watch = getattr(listener, "watch", None)
    return watch if callable(watch) else unwatched

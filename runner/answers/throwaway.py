"""A sandbox engine of its own for one `grade-answers` run, in a new temporary folder: started,
used, and always brought down — when the run ends, fails, or is stopped by Ctrl-C or a signal
(runner/run/signals.py turns SIGTERM and SIGHUP into KeyboardInterrupt). Nothing of one
student's answers is left for the next one; no other sandbox is touched."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from runner.errors import SandboxError
from runner.messages import Message, msg


@contextlib.contextmanager
def throwaway_sandbox(flavour: str, notify: Callable[[Message], None]) -> Iterator[Any]:
    """The started Sandbox; its processes stopped and its folder removed on the way out."""
    from runner.sandbox import Sandbox

    reason = Sandbox.can_start(flavour)
    if reason is not None:
        raise SandboxError(reason)
    folder = Path(tempfile.mkdtemp(prefix="lr-answers-"))  # short: its sockets live below it
    sandbox = Sandbox(folder, flavour=flavour)
    try:
        sandbox.up(progress=lambda key, params: notify(msg(key, **params)))
        yield sandbox
    finally:
        bring_down(sandbox, folder)


def bring_down(sandbox: Any, folder: Path) -> None:
    """`down`, even if Ctrl-C comes again meanwhile; the folder is removed only once its
    daemons are gone (a live engine's mounts are below it)."""
    for _ in range(3):
        try:
            sandbox.down()
            break
        except KeyboardInterrupt:
            continue
    else:
        return
    shutil.rmtree(folder, ignore_errors=True)

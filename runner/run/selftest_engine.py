"""The engine `labrunner test` runs on: always a labrunner sandbox, since it empties it.

By default a throwaway sandbox (of the flavour asked, overlay2 by default) in a temporary
folder, stopped at the end (its stand-ins come
from $LABRUNNER_SANDBOX_CACHE when set); or one the caller names, if it carries the sandbox
label (the test harness passes its own).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from runner.engines.connect import profile_at
from runner.engines.profile import EngineProfile
from runner.errors import UsageError
from runner.messages import msg


@contextlib.contextmanager
def given_sandbox(url: str) -> Iterator[EngineProfile]:
    profile = profile_at(url, msg("engine.source_option"))  # translated when shown
    if not profile.sandbox:
        raise UsageError("cli.test_needs_sandbox", url=url)
    yield profile


@contextlib.contextmanager
def throwaway_sandbox(progress: Callable[[str, dict], None],
                      flavour: str | None = None) -> Iterator[EngineProfile]:
    from runner.sandbox import Sandbox

    folder = Path(tempfile.mkdtemp(prefix="lr-test-"))  # short: sockets live below it
    sandbox = Sandbox(folder, flavour=flavour or "overlay2")
    try:
        yield profile_at(sandbox.up(progress=progress).docker_host,
                         msg("engine.source_sandbox"))
    finally:
        sandbox.down()
        shutil.rmtree(folder, ignore_errors=True)

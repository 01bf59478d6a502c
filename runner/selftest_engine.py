"""The engine `labrunner test` runs on: always a labrunner sandbox, since it empties it.

By default a throwaway sandbox in a temporary folder, stopped at the end (its stand-ins come
from $LABRUNNER_SANDBOX_CACHE when set); or one the caller names, if it carries the sandbox
label (the test harness passes its own).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from runner.endpoint import engine_info
from runner.engine_profile import EngineProfile, detect_profile
from runner.errors import EngineUnreachable, UsageError


@contextlib.contextmanager
def given_sandbox(url: str) -> Iterator[EngineProfile]:
    info = engine_info(url)
    if info is None:
        raise EngineUnreachable("engine.unreachable", url=url, source="--engine")
    profile = detect_profile(info, url)
    if not profile.sandbox:
        raise UsageError("cli.test_needs_sandbox", url=url)
    yield profile


@contextlib.contextmanager
def throwaway_sandbox(progress: Callable[[str, dict], None]) -> Iterator[EngineProfile]:
    from runner.sandbox import Sandbox

    folder = Path(tempfile.mkdtemp(prefix="lr-test-"))  # short: sockets live below it
    sandbox = Sandbox(folder)
    try:
        started = sandbox.up(progress=progress)
        info = engine_info(started.docker_host)
        if info is None:
            raise EngineUnreachable("engine.unreachable", url=started.docker_host,
                                    source="sandbox")
        yield detect_profile(info, started.docker_host)
    finally:
        sandbox.down()
        shutil.rmtree(folder, ignore_errors=True)

"""One private sandbox engine for the whole test session; Docker tests never skip in CI.

The sandbox lives in a short temporary folder. Set LABRUNNER_SANDBOX_CACHE to a folder to keep
its registry storage between sessions, so the stand-in images are built only once.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from runner.errors import SandboxError
from runner.sandbox import Sandbox, SandboxInfo

HERE = Path(__file__).resolve().parent


def in_ci() -> bool:
    """CI is set to anything but "", "false" or "0": a skipped Docker test there is a failure."""
    return os.environ.get("CI", "").strip().lower() not in ("", "false", "0")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.docker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """In CI every skip of a Docker test, whatever its reason, is turned into a failure."""
    report = yield
    if report.skipped and in_ci() and HERE in item.path.parents and not hasattr(report,
                                                                               "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"CI: a Docker test may not skip ({report.longrepr})"
    return report


@pytest.fixture(scope="session")
def sandbox_engine() -> Iterator[SandboxInfo]:
    """Start one sandbox for the session (or skip, or fail in CI, when it cannot start here)."""
    from runner.i18n import t

    reason = Sandbox.can_start()
    if reason is not None:
        message = f"the sandbox Docker engine cannot start here: {t(reason, 'en')}"
        if in_ci():
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    sandbox = Sandbox(Path(tempfile.mkdtemp(prefix="lr-")))  # short: unix sockets live below it
    try:
        info = sandbox.up()
    except SandboxError as error:
        sandbox.down()
        pytest.fail(f"the sandbox Docker engine did not start: {error.message('en')}",
                    pytrace=False)
    yield info
    sandbox.down()


@pytest.fixture(scope="session")
def flavour_engines(sandbox_engine: SandboxInfo) -> Iterator[Callable[[str], SandboxInfo]]:
    """`get(flavour)`: that sandbox flavour's engine, started on first use and kept for the
    session (several test modules run on every flavour; each start costs 5 to 20 s)."""
    infos: dict[str, SandboxInfo] = {"overlay2": sandbox_engine}
    started: list[Sandbox] = []

    def get(flavour: str) -> SandboxInfo:
        if flavour not in infos:
            sandbox = Sandbox(Path(tempfile.mkdtemp(prefix="lr-")), flavour=flavour)
            started.append(sandbox)
            try:
                infos[flavour] = sandbox.up()
            except SandboxError as error:
                pytest.fail(f"the {flavour} sandbox did not start: {error.message('en')}",
                            pytrace=False)
        return infos[flavour]

    yield get
    for sandbox in started:
        sandbox.down()


@pytest.fixture
def docker_env(sandbox_engine: SandboxInfo) -> dict[str, str]:
    """os.environ with DOCKER_HOST pointing at the sandbox engine."""
    return dict(os.environ, DOCKER_HOST=sandbox_engine.docker_host)


@pytest.fixture
def clean_engine(sandbox_engine: SandboxInfo, docker_env: dict[str, str]) -> Iterator[None]:
    """After the test, remove every container, image, network and volume of the sandbox engine.

    Safe because the sandbox engine is private to this session: nothing of the user's is there.
    """
    yield
    def docker(*args: str) -> list[str]:
        return subprocess.run(["docker", *args], env=docker_env, capture_output=True,
                              text=True).stdout.split()
    containers = docker("ps", "-aq")
    if containers:
        docker("rm", "-f", "-v", *containers)
    images = docker("images", "-aq")
    if images:
        docker("rmi", "-f", *sorted(set(images)))
    docker("network", "prune", "-f")
    docker("volume", "prune", "-f")

"""One private sandbox engine for the whole test session; Docker tests never skip in CI."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from runner.sandbox import Sandbox


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.docker)


@pytest.fixture(scope="session")
def sandbox_engine():
    """Start a sandbox in a short temporary folder (sockets have a 108-byte limit)."""
    reason = Sandbox.can_start()
    if reason is not None:
        from runner.i18n import t

        message = f"the sandbox Docker engine cannot start here: {t(reason)}"
        if in_ci():
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    state = Path(tempfile.mkdtemp(prefix="lr-test-"))
    sandbox = Sandbox(state)
    info = sandbox.up()
    yield info
    sandbox.down()


@pytest.fixture
def docker_env(sandbox_engine) -> dict[str, str]:
    return dict(os.environ, DOCKER_HOST=sandbox_engine.docker_host)


@pytest.fixture
def clean_engine(sandbox_engine, docker_env):
    """After the test, remove every container and image of the (private) sandbox engine."""
    yield
    def docker(*args: str) -> str:
        return subprocess.run(["docker", *args], env=docker_env, capture_output=True,
                              text=True).stdout.split()
    containers = docker("ps", "-aq")
    if containers:
        docker("rm", "-f", *containers)
    images = docker("images", "-aq")
    if images:
        docker("rmi", "-f", *set(images))

"""The helper container's lifecycle without an engine: an interrupted start leaves nothing,
and only helpers of gone runs (or past their lifetime) count as leftovers."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from docker.errors import APIError

from runner.storage import helper_container
from runner.storage.helper_container import LIFETIME, is_leftover


class FakeContainer:
    def __init__(self, failure: BaseException | None) -> None:
        self.failure = failure

    def start(self) -> None:
        if self.failure is not None:
            raise self.failure


class FakeClient:
    """containers.create gives containers whose start raises `failures` in turn."""

    def __init__(self, *failures: BaseException | None) -> None:
        self.failures, self.created, self.removed = list(failures), [], []
        self.containers, self.api = self, self

    def create(self, image: str, **options) -> FakeContainer:
        self.created.append(options["name"])
        return FakeContainer(self.failures.pop(0))

    def remove_container(self, name: str, force: bool = False) -> None:
        self.removed.append((name, force))


def test_ctrl_c_between_create_and_start_removes_the_created_helper():
    client = FakeClient(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        helper_container.start_container(client, "busybox:latest")
    assert client.removed == [(client.created[0], True)]


def test_a_refused_privileged_start_is_removed_and_capabilities_are_tried():
    client = FakeClient(APIError("unable to apply caps"), None)
    container, rights = helper_container.start_container(client, "busybox:latest")
    assert rights == "capabilities" and container.failure is None
    assert client.removed == [(client.created[0], True)] and len(client.created) == 2


NOW = 1_800_000_000.0
OLD = "2027-01-15T01:59:59.123456789Z"  # a little more than LIFETIME before NOW
RECENT = "2027-01-15T07:59:00.5Z"  # a minute before NOW


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_the_times_bracket_the_lifetime():
    assert NOW - helper_container._timestamp(OLD) > LIFETIME
    assert 0 < NOW - helper_container._timestamp(RECENT) < 120


def test_a_helper_whose_labrunner_here_is_gone_is_a_leftover_even_when_young():
    assert is_leftover(f"{socket.gethostname()}:{_dead_pid()}", RECENT, NOW)


def test_a_live_labrunners_helper_is_never_a_leftover_even_when_old():
    import os

    assert not is_leftover(f"{socket.gethostname()}:{os.getpid()}", OLD, NOW)


@pytest.mark.parametrize("owner", ["another-host:123", "", "no pid"])
def test_a_helper_whose_pid_cannot_be_checked_is_a_leftover_only_past_its_lifetime(owner):
    assert is_leftover(owner, OLD, NOW)
    assert not is_leftover(owner, RECENT, NOW)
    assert not is_leftover(owner, "not a time", NOW)

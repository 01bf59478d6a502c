"""Is an engine a labrunner sandbox? Read from the labels of its /info answer."""

from __future__ import annotations

import pytest

from runner.engines.identity import is_sandbox_info


@pytest.mark.parametrize(("info", "expected"), [
    ({"Labels": ["io.labrunner.sandbox=true"]}, True),
    ({"Labels": ["other=1", "io.labrunner.sandbox=true"]}, True),
    ({"Labels": ["io.labrunner.sandbox=false"]}, False),
    ({"Labels": None}, False),
    ({"Labels": []}, False),
    ({}, False),
])
def test_is_sandbox_info_reads_the_labels_of_info(info, expected):
    assert is_sandbox_info(info) is expected


def test_a_mark_beside_the_socket_says_sandbox_even_without_labels(tmp_path):
    from runner.engines.identity import is_sandbox_endpoint, mark_socket_folder

    socket = tmp_path / "docker.sock"
    assert not is_sandbox_endpoint(f"unix://{socket}")
    mark_socket_folder(str(socket))
    assert is_sandbox_endpoint(f"unix://{socket}")
    assert not is_sandbox_endpoint("tcp://127.0.0.1:2375")


def test_a_mark_anyone_may_write_is_not_trusted(tmp_path):
    import os

    from runner.engines.identity import SOCKET_MARK, is_sandbox_endpoint, mark_socket_folder

    socket = tmp_path / "docker.sock"
    mark_socket_folder(str(socket))
    os.chmod(tmp_path / SOCKET_MARK, 0o666)
    assert not is_sandbox_endpoint(f"unix://{socket}")

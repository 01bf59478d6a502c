"""The sandbox never starts a dockerd without a bridge of its own: `--bridge none` makes
dockerd delete the machine's docker0, the bridge another engine here uses."""

from __future__ import annotations

import pytest

from runner.errors import SandboxError
from runner.sandbox import daemon, network, startup, state
from runner.sandbox.paths import Layout


def test_dockerd_is_given_the_sandbox_s_own_bridge(tmp_path):
    command = daemon.dockerd_command(Layout.for_state(tmp_path), "127.0.0.1:5000", "lrbr12345678")
    assert command[command.index("--bridge") + 1] == "lrbr12345678"
    assert "none" not in command


def test_no_bridge_means_no_sandbox(tmp_path, monkeypatch):
    layout = Layout.for_state(tmp_path)
    startup.prepare_folders(layout)
    monkeypatch.setattr(network, "create_bridge", lambda name, tag: "")
    started = []
    monkeypatch.setattr(startup, "_start_engine", lambda *args: started.append(args))
    with pytest.raises(SandboxError) as raised:
        startup._start_bridge(layout)
    assert raised.value.key == "sandbox.no_bridge" and started == []
    assert state.read(layout)["bridge"] == ""

"""The sandbox never starts a dockerd without a bridge of its own: `--bridge none` makes
dockerd delete the machine's docker0, the bridge another engine here uses. And `down` never
deletes an interface the machine had when `up` began (a lab network may adopt one)."""

from __future__ import annotations

import pytest

from runner.errors import SandboxError
from runner.sandbox import daemon, network, startup, state, teardown
from runner.sandbox.paths import Layout


def test_dockerd_is_given_the_sandbox_s_own_bridge(tmp_path):
    command = daemon.dockerd_command(Layout.for_state(tmp_path), "127.0.0.1:5000", "lrbr12345678")
    assert command[command.index("--bridge") + 1] == "lrbr12345678"
    assert "none" not in command


def test_no_bridge_means_no_sandbox(tmp_path, monkeypatch):
    monkeypatch.setattr(network, "interfaces", lambda: {"lo": 1})
    layout = Layout.for_state(tmp_path)
    startup.prepare_folders(layout)
    monkeypatch.setattr(network, "create_bridge", lambda name, tag: "")
    started = []
    monkeypatch.setattr(startup, "_start_engine", lambda *args: started.append(args))
    with pytest.raises(SandboxError) as raised:
        startup._start_bridge(layout)
    assert raised.value.key == "sandbox.no_bridge" and started == []
    assert state.read(layout)["bridge"] == ""


def test_the_first_write_of_up_keeps_the_machine_s_interfaces_and_later_ones_do_not(
        tmp_path, monkeypatch):
    layout = Layout.for_state(tmp_path)
    seen = iter([{"lo": 1, "docker0": 3}, {"lo": 1, "docker0": 3, "lrbr1": 9}])
    monkeypatch.setattr(network, "interfaces", lambda: next(seen))
    state.update(layout, flavour="overlay2")
    state.update(layout, bridge="lrbr1")
    assert state.read(layout)["interfaces"] == {"lo": 1, "docker0": 3}
    assert state.read(layout)["bridge"] == "lrbr1"


def test_only_interfaces_made_after_up_are_ours():
    before = {"lo": 1, "docker0": 3, "lrtestbr0": 7, "lrbr1": 8}
    now = {"lo": 1, "docker0": 3, "lrtestbr0": 7, "lrbr1": 12, "br-0123456789ab": 13}
    names = ["lrbr1", "lrtestbr0", "docker0", "br-0123456789ab", "br-gone"]
    # lrbr1 was a leftover at `up`, made again since: a new ifindex, ours.
    assert network.made_after(names, now, before) == {"lrbr1": 12, "br-0123456789ab": 13}


def test_an_interface_is_deleted_only_while_its_name_has_the_ifindex_seen(monkeypatch):
    monkeypatch.setattr(network, "interfaces", lambda: {"br-0123456789ab": 13, "lrbr1": 20})
    deleted = []
    monkeypatch.setattr(network, "_ip", lambda *args: deleted.append(args) or True)
    network.remove_made({"br-0123456789ab": 13, "lrbr1": 12, "gone": 5})
    assert deleted == [("link", "delete", "br-0123456789ab")]


def test_without_a_record_of_up_only_our_bridge_and_dockerd_s_own_names_go(monkeypatch):
    monkeypatch.setattr(network, "interfaces",
                        lambda: {"lrbr1": 12, "lrtestbr0": 7, "br-0123456789ab": 13})
    made = teardown._interfaces_made({"bridge": "lrbr1"},
                                     ["lrtestbr0", "br-0123456789ab", "br-absent00000"])
    assert made == {"lrbr1": 12, "br-0123456789ab": 13}


def test_down_keeps_a_bridge_a_lab_network_adopted(tmp_path, monkeypatch):
    layout = Layout.for_state(tmp_path)
    machine = {"lo": 1, "lrtestbr0": 7}
    monkeypatch.setattr(network, "interfaces", lambda: dict(machine))
    state.update(layout, bridge="lrbr1", dockerd_pid=0)
    machine |= {"lrbr1": 12, "br-0123456789ab": 13}
    monkeypatch.setattr(teardown, "_bridges", lambda *args: ["lrtestbr0", "br-0123456789ab"])
    for name in ("stop_engine",):
        monkeypatch.setattr(teardown.flavour_engines, name, lambda *args: None)
    monkeypatch.setattr(teardown.leftovers, "stop_shims", lambda *args: None)
    monkeypatch.setattr(teardown.leftovers, "unmount_below", lambda *args: None)
    monkeypatch.setattr(teardown.leftovers, "remove_cgroups", lambda *args: None)
    calls = []
    monkeypatch.setattr(network, "_ip", lambda *args: calls.append(args) and False)
    teardown.stop(layout)
    deleted = sorted(args[2] for args in calls if args[:2] == ("link", "delete"))
    assert deleted == ["br-0123456789ab", "lrbr1"]

"""The Podman flavour: what it needs before `up`, and which bridges `down` may delete."""

import json
from pathlib import Path

import pytest

from runner.sandbox import podman, requirements
from runner.sandbox.paths import Layout
from runner.sandbox.podman_config import PodmanPaths


@pytest.mark.parametrize(("missing", "key"), [
    ("runc", "podman_engine.missing_podman"),
    ("conmon", "podman_engine.missing_podman"),
    ("podman", "podman_engine.missing_podman"),
    ("/usr/lib/cni/bridge", "podman_engine.missing_cni"),
    ("", None)])
def test_the_podman_flavour_needs_runc_and_the_cni_plugins(monkeypatch, tmp_path, missing, key):
    busybox = tmp_path / "busybox"
    busybox.write_bytes(b"\x7fELF static")
    plugins = []
    for plugin in podman.CNI_PLUGINS:
        plugins.append(tmp_path / plugin.name)
        if str(plugin) != missing:
            plugins[-1].write_text("")
    monkeypatch.setattr(requirements.os, "geteuid", lambda: 0)
    monkeypatch.setattr(requirements, "program", lambda name: None if name == missing else name)
    monkeypatch.setattr(podman, "program", lambda name: None if name == missing else name)
    monkeypatch.setattr(requirements, "busybox", lambda: busybox)
    monkeypatch.setattr(podman, "CNI_PLUGINS", tuple(plugins))
    assert requirements.missing_requirement("podman") == key


def test_down_deletes_only_the_bridges_named_in_the_sandbox_s_own_cni_configs(tmp_path):
    from runner.sandbox import teardown

    layout = Layout(tmp_path, tmp_path / "run", None, "podman")
    networks = PodmanPaths(layout).networks
    networks.mkdir(parents=True)

    def conflist(name: str, bridge: str) -> None:
        plugins = [{"type": "bridge", "bridge": bridge}, {"type": "portmap"}]
        (networks / f"{name}.conflist").write_text(json.dumps({"plugins": plugins}))

    conflist("podman", "lrbr-own")  # the sandbox's default network: its bridge is recorded
    conflist("labnet", "cni-podman1")
    (networks / "broken.conflist").write_text("{")
    assert teardown._bridges(layout, 0) == ["cni-podman1"]  # no engine answering is needed
    assert podman.lab_bridges(Layout(Path(tmp_path / "none"), tmp_path, None, "podman")) == []

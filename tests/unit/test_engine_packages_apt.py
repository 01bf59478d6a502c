"""The throwaway apt configuration: no apt.conf.d of the machine, no hook, no DEP-11."""

import pytest

from runner.errors import SandboxError
from runner.sandbox import apt_config
from runner.sandbox.engine_packages import EnginePackages

MACHINE = """APT::Update::Post-Invoke-Success:: "appstreamcli refresh --source=os";
Dir::Etc::parts "apt.conf.d";
Acquire::IndexTargets::deb::DEP-11::DefaultEnabled "true";
Acquire::http::Proxy "http://proxy.example:3128";
Acquire::https::Proxy::deb.debian.org "DIRECT";
Acquire::Check-Valid-Until "false";
DPkg::Post-Invoke:: "rm -f /var/cache/apt/archives/*.deb";
"""


def test_the_machine_apt_conf_d_is_replaced_by_an_empty_folder(tmp_path):
    text = apt_config.text(tmp_path / "parts", MACHINE)
    assert f'Dir::Etc::Parts "{tmp_path}/parts";' in text.splitlines()
    assert 'Dir::Etc::Main "/dev/null";' in text.splitlines()
    assert "apt.conf.d" not in text


def test_every_hook_and_the_dep11_indexes_are_cleared(tmp_path):
    lines = apt_config.text(tmp_path, MACHINE).splitlines()
    for hook in ("APT::Update::Pre-Invoke", "APT::Update::Post-Invoke",
                 "APT::Update::Post-Invoke-Success", "DPkg::Post-Invoke"):
        assert f"#clear {hook};" in lines
    assert "#clear Acquire::IndexTargets::deb::DEP-11;" in lines
    assert "#clear Acquire::IndexTargets::deb::DEP-11-icons;" in lines
    assert not [line for line in lines if "appstreamcli" in line or "rm -f" in line]


def test_only_how_to_reach_the_archive_is_carried_over(tmp_path):
    lines = apt_config.text(tmp_path, MACHINE).splitlines()
    carried = [line for line in lines if not line.startswith(("#clear", "Dir::Etc::"))]
    assert carried == ['Acquire::http::Proxy "http://proxy.example:3128";',
                       'Acquire::https::Proxy::deb.debian.org "DIRECT";',
                       'Acquire::Check-Valid-Until "false";']


def test_write_makes_the_empty_parts_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(apt_config, "machine_settings", lambda: MACHINE)
    config = apt_config.write(tmp_path)
    assert config.read_text().startswith(f'Dir::Etc::Parts "{tmp_path}/apt.conf.d";')
    assert list((tmp_path / "apt.conf.d").iterdir()) == []


def test_a_program_the_packages_lack_is_a_sandbox_error(tmp_path):
    (tmp_path / "usr" / "bin").mkdir(parents=True)
    (tmp_path / "usr" / "bin" / "dockerd").write_text("")
    packages = EnginePackages({"docker.io": ("1.0", tmp_path)})
    assert packages.program("dockerd") == str(tmp_path / "usr" / "bin" / "dockerd")
    with pytest.raises(SandboxError) as raised:
        packages.program("containerd")
    assert raised.value.key == "flavour.fetch_failed"
    assert raised.value.params["detail"] == "containerd: not found"

"""Sandbox flavours without starting anything: names, state folders, the throwaway apt
configuration, the rootless user's ids and engine command, the containerd 2 configuration,
the storage driver the vfs and fuse-overlayfs flavours name and what `up` says of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.errors import UsageError
from runner.sandbox import daemon, engine_packages, flavours, rootless
from runner.sandbox.flavours import Flavour
from runner.sandbox.paths import ROOTLESS_HOMES, Layout
from runner.sandbox.rootless_user import free_range_start

MACHINE_SOURCES = """Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://deb.example.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://deb.example.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""


def test_the_flavours_and_their_names():
    assert flavours.NAMES == ("overlay2", "containerd", "rootless", "podman", "vfs",
                              "fuse-overlayfs")
    assert flavours.parse("fuse-overlayfs") == Flavour.FUSE_OVERLAYFS
    assert flavours.parse(None) == Flavour.OVERLAY2
    assert flavours.parse("podman") == Flavour.PODMAN


def test_an_unknown_flavour_is_a_usage_error_naming_the_choices():
    with pytest.raises(UsageError) as raised:
        flavours.parse("desktop")
    assert raised.value.key == "flavour.unknown"
    assert raised.value.params == {"name": "desktop", "names": ", ".join(flavours.NAMES)}


def test_each_flavour_has_its_own_state_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("LABRUNNER_SANDBOX_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    folders = {flavour: flavours.default_state_dir(flavour) for flavour in Flavour}
    assert folders[Flavour.OVERLAY2] == tmp_path / "labrunner" / "sandbox"  # as always
    assert folders[Flavour.PODMAN] == tmp_path / "labrunner" / "sandbox-podman"
    assert folders[Flavour.VFS] == tmp_path / "labrunner" / "sandbox-vfs"
    assert len(set(folders.values())) == len(Flavour)


def test_labrunner_sandbox_dir_names_every_flavour_s_folder(monkeypatch):
    monkeypatch.setenv("LABRUNNER_SANDBOX_DIR", "/tmp/lr-x")
    assert str(flavours.default_state_dir(Flavour.OVERLAY2)) == "/tmp/lr-x"
    assert str(flavours.default_state_dir(Flavour.CONTAINERD)) == "/tmp/lr-x-containerd"


def test_bridges_differ_per_flavour(monkeypatch):
    monkeypatch.setenv("LABRUNNER_SANDBOX_DIR", "/tmp/lr-x")
    tags = {Layout.for_state(flavours.default_state_dir(f), None, f.value).tag for f in Flavour}
    assert len(tags) == len(Flavour)


def test_only_the_rootless_flavour_has_no_bridge_and_no_containerd_of_ours():
    assert [f for f in Flavour if not flavours.has_bridge(f)] == [Flavour.ROOTLESS]
    assert [f for f in Flavour if flavours.has_own_containerd(f)] == [
        Flavour.OVERLAY2, Flavour.CONTAINERD, Flavour.VFS, Flavour.FUSE_OVERLAYFS]


@pytest.mark.parametrize(("flavour", "driver"), [("vfs", ["vfs"]),
                                                 ("fuse-overlayfs", ["fuse-overlayfs"]),
                                                 ("overlay2", [])])
def test_dockerd_is_told_the_storage_driver_its_flavour_chose(tmp_path, flavour, driver):
    command = daemon.dockerd_command(Layout.for_state(tmp_path, None, flavour), "r:1", "br0")
    named = [command[i + 1] for i, word in enumerate(command) if word == "--storage-driver"]
    assert named == driver
    assert command[command.index("--bridge") + 1] == "br0"  # the rest as the overlay2 flavour


def test_the_throwaway_source_is_the_main_archive_in_unstable():
    sources = engine_packages.sources_for(MACHINE_SOURCES)
    assert sources.count("Types:") == 1
    assert "Suites: unstable\n" in sources and "bookworm" not in sources
    assert "URIs: http://deb.example.org/debian\n" in sources
    assert "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" in sources


def test_a_source_file_without_a_main_archive_gives_nothing():
    security_only = MACHINE_SOURCES.split("\n\n")[1]
    assert engine_packages.sources_for(security_only) == ""
    disabled = MACHINE_SOURCES.replace("Components: main\nSigned", "Enabled: no\nComponents: "
                                       "main\nSigned", 1)
    assert engine_packages.sources_for(disabled) == ""


def test_apt_writes_only_into_its_own_folder(tmp_path):
    options = engine_packages.apt_options(tmp_path)
    settings = dict(option.split("=", 1) for option in options[1::2])
    assert set(options[0::2]) == {"-o"}
    assert settings["Dir::Etc::SourceList"] == "/dev/null"
    for name in ("Dir::State::Lists", "Dir::Cache", "Dir::Etc::SourceParts"):
        assert settings[name].startswith(f"{tmp_path}/"), name
    assert (tmp_path / "lists" / "partial").is_dir()


def test_the_cache_is_used_only_when_every_package_is_complete(tmp_path):
    for package in engine_packages.PACKAGES:
        (tmp_path / f"{package}_1.0").mkdir()
    assert engine_packages.cached(tmp_path) is None  # interrupted unpacks
    for package in engine_packages.PACKAGES:
        (tmp_path / f"{package}_1.0" / engine_packages.COMPLETE).write_text("1.0\n")
        (tmp_path / f"{package}_1.0" / "usr" / "bin").mkdir(parents=True)
    found = engine_packages.cached(tmp_path)
    assert found.version("docker.io") == "1.0"
    assert found.client_dir == str(tmp_path / "docker-cli_1.0" / "usr" / "bin")


def test_containerd_2_gets_a_version_3_configuration_without_cri_nor_nri():
    text = daemon.CONTAINERD_CONFIG_V3
    assert text.startswith("version = 3\n")
    for plugin in ("io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images",
                   "io.containerd.cri.v1.runtime", "io.containerd.nri.v1.nri"):
        assert f'"{plugin}"' in text.split("[grpc]")[0]


def test_the_rootless_sandbox_lives_in_the_user_s_home(tmp_path):
    layout = Layout.for_state(tmp_path, None, "rootless")
    assert layout.home.parent == ROOTLESS_HOMES
    assert layout.socket == layout.home / "run" / "docker.sock"
    assert layout.daemon_folder == layout.home
    assert Layout.for_state(tmp_path).daemon_folder == tmp_path.resolve()


def test_rootless_dockerd_runs_under_slirp4netns_and_carries_the_label(tmp_path):
    command = rootless.command(Layout.for_state(tmp_path, None, "rootless"), "127.0.0.1:5000")
    assert "--net=slirp4netns" in command and "--iptables=false" in command
    assert command[command.index("--registry-mirror") + 1] == "http://127.0.0.1:5000"
    assert "io.labrunner.sandbox=true" in command


def test_subordinate_ids_start_after_every_range_already_given():
    assert free_range_start(["", ""]) == 100000
    assert free_range_start(["alice:100000:65536\n", "bob:300000:65536\nbad line\n"]) == 365536


@pytest.mark.parametrize(("driver", "warned"), [("vfs", True), ("overlay2", False),
                                                 ("overlayfs", False)])
def test_an_engine_that_fell_back_to_vfs_is_reported(monkeypatch, tmp_path, driver, warned):
    from runner.sandbox import startup

    monkeypatch.setattr(startup.api, "get_json",
                        lambda socket, path: {"Driver": driver, "DockerRootDir": "/d"})
    said = []
    found = startup._storage_driver(Layout.for_state(tmp_path), lambda *event: said.append(event))
    assert found == driver
    assert said == ([("flavour.vfs_warning", {"docker_root": "/d"})] if warned else [])


@pytest.mark.parametrize(("flavour", "driver", "key"), [
    ("vfs", "vfs", "flavour.vfs_chosen"),
    ("overlay2", "vfs", "flavour.vfs_warning"),
    ("fuse-overlayfs", "fuse-overlayfs", "flavour.fuse_overlayfs_chosen"),
    ("fuse-overlayfs", "vfs", "flavour.vfs_warning"),
    ("containerd", "overlayfs", None),
    ("vfs", "", None)])
def test_a_chosen_driver_gets_a_note_and_only_a_fallback_to_vfs_a_warning(flavour, driver,
                                                                          key):
    assert flavours.driver_message(Flavour(flavour), driver) == key


def test_the_vfs_flavour_says_it_chose_vfs_instead_of_warning(monkeypatch, tmp_path):
    from runner.sandbox import startup

    monkeypatch.setattr(startup.api, "get_json",
                        lambda socket, path: {"Driver": "vfs", "DockerRootDir": "/d"})
    said = []
    layout = Layout.for_state(tmp_path, None, "vfs")
    assert startup._storage_driver(layout, lambda *event: said.append(event)) == "vfs"
    assert said == [("flavour.vfs_chosen", {"docker_root": "/d"})]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_chosen_driver_notes_say_what_the_driver_does_not_that_it_is_an_accident(
        language):
    from runner.i18n import t

    vfs = t("flavour.vfs_chosen", language, docker_root="/d")
    fuse = t("flavour.fuse_overlayfs_chosen", language, docker_root="/d")
    assert "/d/vfs/dir/" in vfs and "--storage-driver vfs" in vfs
    assert "/d/fuse-overlayfs/<id>/diff" in fuse and "FUSE" in fuse
    warning = t("flavour.vfs_warning", language, docker_root="/d")
    assert warning.split()[0] not in vfs  # "Warning:" / "Attention :"
    assert ("full copy" in vfs) if language == "en" else ("copie complète" in vfs)


@pytest.mark.parametrize(("missing", "key"), [
    ("fuse-overlayfs", "flavour.missing_fuse_overlayfs"),
    ("/dev/fuse", "flavour.missing_fuse_device"),
    ("", None)])
def test_the_fuse_overlayfs_flavour_needs_its_program_and_dev_fuse(monkeypatch, tmp_path,
                                                                   missing, key):
    from runner.sandbox import requirements

    busybox = tmp_path / "busybox"
    busybox.write_bytes(b"\x7fELF static")
    monkeypatch.setattr(requirements.os, "geteuid", lambda: 0)
    monkeypatch.setattr(requirements, "program", lambda name: None if name == missing else name)
    monkeypatch.setattr(requirements, "busybox", lambda: busybox)
    # /dev/null stands for /dev/fuse: a character device, whether this machine has FUSE or not.
    device = tmp_path / "none" if missing == "/dev/fuse" else Path("/dev/null")
    monkeypatch.setattr(requirements, "FUSE_DEVICE", device)
    assert requirements.missing_requirement("fuse-overlayfs") == key
    assert requirements.missing_requirement("vfs") is None


def test_the_vfs_warning_says_why_and_what_it_costs():
    from runner.i18n import t

    text = t("flavour.vfs_warning", "en", docker_root="/d")
    assert "overlay" in text and "container" in text and "full copy" in text
    assert "/d/vfs/dir/" in text


@pytest.mark.parametrize(("option", "flavour"), [("sandbox", "overlay2"),
                                                 ("sandbox:containerd", "containerd"),
                                                 ("sandbox:rootless", "rootless"),
                                                 ("sandbox:vfs", "vfs"),
                                                 ("sandbox:fuse-overlayfs", "fuse-overlayfs")])
def test_run_engine_sandbox_names_a_flavour(option, flavour):
    from runner.engines.connect import sandbox_flavour

    assert sandbox_flavour(option) == flavour


def test_run_engine_sandbox_with_an_unknown_flavour_is_bad_input():
    from runner.engines.connect import connect

    with pytest.raises(UsageError) as raised:
        connect("sandbox:desktop", {}, lambda message: None)
    assert raised.value.key == "flavour.unknown" and raised.value.exit_code == 2

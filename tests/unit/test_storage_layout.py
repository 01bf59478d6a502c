"""Each engine's storage layout and the lab variables naming it, from real-shaped profiles."""

from __future__ import annotations

import dataclasses

import pytest

from runner.lab.types import STORAGE_DRIVERS
from runner.storage import explain
from runner.storage.layout import containerd_root, storage_layout
from runner.storage.variables import STORAGE_VARIABLES, storage_values
from tests.unit.storage_fixtures import RootedFiles, folder, profile

SNAP = "io.containerd.snapshotter.v1.overlayfs"


@pytest.mark.parametrize(("driver", "layer_files", "merged_files"), [
    ("overlay2", "/var/lib/docker/overlay2/*/diff", "/var/lib/docker/overlay2/*/merged"),
    ("fuse-overlayfs", "/var/lib/docker/fuse-overlayfs/*/diff",
     "/var/lib/docker/fuse-overlayfs/*/merged"),
    ("vfs", "/var/lib/docker/vfs/dir/*", ""),
    ("btrfs", "/var/lib/docker/btrfs/subvolumes/*", ""),
    ("zfs", "/var/lib/docker/zfs/graph/*", "/var/lib/docker/zfs/graph/*"),
])
def test_docker_graph_drivers(driver, layer_files, merged_files):
    layout = storage_layout(profile(driver=driver))
    assert (layout.engine, layout.layer_files, layout.merged_files) == (
        "docker", layer_files, merged_files)
    assert layout.layer_db == f"/var/lib/docker/image/{driver}/layerdb"


def test_rootless_docker_is_under_the_users_home():
    home = "/home/ada/.local/share/docker"
    layout = storage_layout(profile("rootless", root=home, rootless=True))
    assert layout.layer_files == f"{home}/overlay2/*/diff"


@pytest.mark.parametrize(("driver", "layer_files"), [
    ("overlay", "/var/lib/containers/storage/overlay/*/diff"),
    ("vfs", "/var/lib/containers/storage/vfs/dir/*"),
])
def test_podman(driver, layer_files):
    layout = storage_layout(profile("podman", driver, "/var/lib/containers/storage"))
    assert layout.engine == "podman" and layout.layer_files == layer_files
    assert layout.layer_db == f"/var/lib/containers/storage/{driver}-layers/layers.json"


@pytest.mark.parametrize(("holder", "expected"), [
    ("/var/lib/docker/containerd/daemon", "/var/lib/docker/containerd/daemon"),  # dockerd's own
    ("/var/lib/docker/containerd", "/var/lib/docker/containerd"),  # labrunner's sandbox
    ("/var/lib/containerd", "/var/lib/containerd"),  # a system containerd
    (None, "/var/lib/docker/containerd/daemon"),  # nothing on disk yet: dockerd's default
])
def test_containerd_root_is_the_candidate_holding_the_snapshotter(tmp_path, holder, expected):
    if holder:
        folder(tmp_path, f"{holder}/{SNAP}/snapshots")
    files = RootedFiles(tmp_path)
    assert containerd_root("/var/lib/docker", "overlayfs", files) == expected


def test_a_running_containers_upperdir_settles_the_containerd_root(tmp_path):
    folder(tmp_path, f"/var/lib/containerd/{SNAP}")  # a system containerd is there too
    upper = f"/var/lib/docker/containerd/daemon/{SNAP}/snapshots/13/fs"
    assert containerd_root("/var/lib/docker", "overlayfs", RootedFiles(tmp_path), upper) == \
        "/var/lib/docker/containerd/daemon"


def test_containerd_store_layout_on_any_kind(tmp_path):
    folder(tmp_path, f"/var/lib/docker/containerd/daemon/{SNAP}")
    for kind in ("containerd", "rootless", "desktop"):
        layout = storage_layout(profile(kind, "overlayfs", containerd_store=True),
                                RootedFiles(tmp_path))
        snapshots = f"/var/lib/docker/containerd/daemon/{SNAP}/snapshots"
        assert (layout.engine, layout.layer_root, layout.layer_files, layout.merged_files) == (
            "containerd", snapshots, f"{snapshots}/*/fs", "/var/lib/docker/rootfs/overlayfs/*")


def test_storage_values_name_every_variable(tmp_path):
    values = storage_values(profile(), RootedFiles(tmp_path))
    assert tuple(values) == STORAGE_VARIABLES
    assert values["storage"] == "overlay2" and values["containerd_root"] == ""
    assert values["layer_root"] == "/var/lib/docker/overlay2"
    assert values["layer_db"] == "/var/lib/docker/image/overlay2/layerdb"


@pytest.mark.parametrize("driver", STORAGE_DRIVERS)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_storage_driver_is_explained(driver, language):
    text = explain(driver, language)
    assert text.startswith(driver.split("-")[0]) and "labrunner" not in text


def test_an_unknown_driver_says_so():
    assert "devicemapper" in explain("devicemapper", "fr") and "labrunner" in explain(
        "devicemapper", "en")


def _local_containerd(tmp_path) -> str:
    """A Docker root on THIS machine whose sandbox-style containerd root has the snapshotter."""
    (tmp_path / "containerd" / SNAP).mkdir(parents=True)
    return str(tmp_path)


def test_a_remote_engines_variables_never_probe_this_machines_folders(tmp_path):
    root = _local_containerd(tmp_path)
    local = profile("linux", "overlayfs", root, containerd_store=True)
    remote = dataclasses.replace(local, kind="remote", endpoint="tcp://10.0.0.9:2375",
                                 host_paths_visible=False)
    assert storage_values(local)["containerd_root"] == f"{root}/containerd"
    assert storage_values(remote)["containerd_root"] == f"{root}/containerd/daemon"


def test_where_without_the_engines_files_lays_out_from_nothing_local(tmp_path):
    from runner.commands.where import report

    root = _local_containerd(tmp_path)
    remote = dataclasses.replace(profile("linux", "overlayfs", root, containerd_store=True),
                                 kind="remote", host_paths_visible=False)
    answer = report("www", {"Id": "c" * 64}, remote, None, "en")
    assert answer["containerd_root"] == f"{root}/containerd/daemon" and not answer["visible"]


def test_nowhere_answers_nothing():
    from runner.storage.host_files import NOWHERE, FileKind

    assert (NOWHERE.kind("/"), NOWHERE.glob("/*"), NOWHERE.listdir("/")) == (
        FileKind.MISSING, [], [])
    assert NOWHERE.read_text("/etc/hostname") is None
    assert NOWHERE.read_bytes("/etc/hostname") is None

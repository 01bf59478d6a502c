"""Locating a container's layer on each engine kind, from real-shaped inspect answers,
mountinfo lines and store files (the shapes were captured from dockerd 20.10/28.5, Podman 4.3)."""

from __future__ import annotations

import json

import pytest

from runner.storage.locate import Method, container_layer
from runner.storage.mountinfo import root_mount_options
from tests.unit.storage_fixtures import RootedFiles, folder, profile, write

CID = "c14ab815e57b13708c8eed14839c5ead25392eb6e428fbd2d93c2faa39608cb7"
CROOT = "/var/lib/docker/containerd/daemon"
SNAPS = f"{CROOT}/io.containerd.snapshotter.v1.overlayfs/snapshots"
# /proc/<pid>/mountinfo of a running container on the containerd image store.
CONTAINERD_MOUNTINFO = (
    "1510 1450 0:112 / / rw,relatime master:400 - overlay overlay rw,"
    f"lowerdir={SNAPS}/12/fs:{SNAPS}/11/fs,upperdir={SNAPS}/13/fs,workdir={SNAPS}/13/work\n"
    "1511 1510 0:114 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
)
CTR_MOUNTS = (f"mount -t overlay overlay /mnt -o index=off,workdir={SNAPS}/13/work,"
              f"upperdir={SNAPS}/13/fs,lowerdir={SNAPS}/12/fs:{SNAPS}/11/fs\n")


def containerd_details(running: bool) -> dict:
    """What `docker inspect` gives on the containerd store: no GraphDriver folders."""
    return {"Id": CID, "State": {"Running": running, "Pid": 4321 if running else 0},
            "GraphDriver": {"Name": "overlayfs", "Data": None}}


def no_ctr(*args) -> dict:
    raise AssertionError(f"containerd must not be asked here: {args}")


def test_overlay2_graph_driver_running_and_stopped(tmp_path):
    data = {"UpperDir": "/d/overlay2/abc/diff", "WorkDir": "/d/overlay2/abc/work",
            "MergedDir": "/d/overlay2/abc/merged",
            "LowerDir": "/d/overlay2/abc-init/diff:/d/overlay2/base/diff"}
    details = {"Id": CID, "State": {"Running": True, "Pid": 0},
               "GraphDriver": {"Name": "overlay2", "Data": data}}
    layer = container_layer(details, profile(root="/d"), RootedFiles(tmp_path), no_ctr)
    assert (layer.method, layer.writable, layer.mounted_view) == (
        Method.GRAPH_DRIVER, "/d/overlay2/abc/diff", "/d/overlay2/abc/merged")
    assert layer.image_layers == ("/d/overlay2/abc-init/diff", "/d/overlay2/base/diff")
    stopped = dict(details, State={"Running": False})
    assert container_layer(stopped, profile(root="/d"), RootedFiles(tmp_path),
                           no_ctr).mounted_view == ""


def test_containerd_store_running_reads_the_root_mount(tmp_path):
    write(tmp_path, "/proc/4321/mountinfo", CONTAINERD_MOUNTINFO)
    folder(tmp_path, f"{SNAPS}/13/fs")
    engine = profile("containerd", "overlayfs", containerd_store=True)
    layer = container_layer(containerd_details(True), engine, RootedFiles(tmp_path), no_ctr)
    assert (layer.method, layer.source) == (Method.MOUNTINFO, "/proc/4321/mountinfo")
    assert layer.writable == f"{SNAPS}/13/fs" and layer.work == f"{SNAPS}/13/work"
    assert layer.image_layers == (f"{SNAPS}/12/fs", f"{SNAPS}/11/fs")
    assert layer.mounted_view == f"/var/lib/docker/rootfs/overlayfs/{CID}"
    assert layer.layout.containerd_root == CROOT


def test_containerd_store_stopped_asks_containerd_for_the_snapshot(tmp_path):
    folder(tmp_path, f"{SNAPS}/13/fs")
    asked = []

    def snapshots(container_id, snapshotter, root):
        asked.append((container_id, snapshotter, root))
        from runner.storage.containerd_snapshots import mount_options
        return mount_options(CTR_MOUNTS)

    engine = profile("containerd", "overlayfs", containerd_store=True)
    layer = container_layer(containerd_details(False), engine, RootedFiles(tmp_path), snapshots)
    assert asked == [(CID, "overlayfs", CROOT)]
    assert (layer.method, layer.writable, layer.mounted_view) == (
        Method.SNAPSHOTS, f"{SNAPS}/13/fs", "")
    assert layer.image_layers == (f"{SNAPS}/12/fs", f"{SNAPS}/11/fs")


def test_containerd_store_without_containerd_is_not_found(tmp_path):
    engine = profile("containerd", "overlayfs", containerd_store=True)
    layer = container_layer(containerd_details(False), engine, RootedFiles(tmp_path),
                            lambda *args: {})
    assert layer.method == Method.NONE and not layer.found


@pytest.mark.parametrize(("driver", "writable", "below"), [
    ("vfs", "/var/lib/docker/vfs/dir/m1", "/var/lib/docker/vfs/dir/m1-init"),
    ("btrfs", "/var/lib/docker/btrfs/subvolumes/m1", "/var/lib/docker/btrfs/subvolumes/m1-init"),
    ("overlay2", "/var/lib/docker/overlay2/m1/diff", "/var/lib/docker/overlay2/m1-init/diff"),
])
def test_docker_layerdb_mount_id(tmp_path, driver, writable, below):
    """vfs/btrfs inspect gives GraphDriver.Data null: layerdb/mounts/<id> names the layer."""
    db = f"/var/lib/docker/image/{driver}/layerdb"
    write(tmp_path, f"{db}/mounts/{CID}/mount-id", "m1")
    write(tmp_path, f"{db}/mounts/{CID}/init-id", "m1-init")
    write(tmp_path, f"{db}/mounts/{CID}/parent", "sha256:" + "b" * 64)
    write(tmp_path, f"{db}/sha256/{'b' * 64}/cache-id", "top")
    write(tmp_path, f"{db}/sha256/{'b' * 64}/parent", "sha256:" + "a" * 64)
    write(tmp_path, f"{db}/sha256/{'a' * 64}/cache-id", "base")
    details = {"Id": CID, "State": {"Running": False}, "GraphDriver": {"Name": driver,
                                                                       "Data": None}}
    layer = container_layer(details, profile(driver=driver), RootedFiles(tmp_path), no_ctr)
    assert (layer.method, layer.writable) == (Method.LAYERDB, writable)
    assert layer.source == f"{db}/mounts/{CID}/mount-id"
    assert layer.image_layers[0] == below and len(layer.image_layers) == 3
    assert layer.image_layers[2] == below.replace("m1-init", "base")


def test_podman_vfs_containers_json(tmp_path):
    """Podman's vfs inspect gives Data null; its container store names the layer."""
    root = "/var/lib/containers/storage"
    write(tmp_path, f"{root}/vfs-containers/containers.json", json.dumps(
        [{"id": "other", "layer": "x"}, {"id": CID, "names": ["www"], "layer": "L3"}]))
    write(tmp_path, f"{root}/vfs-layers/layers.json", json.dumps(
        [{"id": "L1"}, {"id": "L2", "parent": "L1"}, {"id": "L3", "parent": "L2"}]))
    details = {"Id": CID, "State": {"Running": False}, "GraphDriver": {"Name": "vfs",
                                                                       "Data": None}}
    layer = container_layer(details, profile("podman", "vfs", root), RootedFiles(tmp_path),
                            no_ctr)
    assert (layer.method, layer.writable) == (Method.CONTAINERS_JSON, f"{root}/vfs/dir/L3")
    assert layer.image_layers == (f"{root}/vfs/dir/L2", f"{root}/vfs/dir/L1")


def test_mountinfo_takes_the_last_root_mount_and_undoes_escapes():
    text = ("20 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
            "30 20 0:5 / / rw - overlay overlay rw,upperdir=/my\\040dir/fs,lowerdir=/a:/b\n")
    options = root_mount_options(text)
    assert options["upperdir"] == "/my dir/fs" and options["lowerdir"] == "/a:/b"
    assert root_mount_options("") == {}


def test_a_rootless_engines_merged_view_is_reached_through_the_containers_root(tmp_path):
    """Rootless dockerd mounts the view in rootlesskit's namespace: here, an empty folder."""
    write(tmp_path, "/proc/4321/mountinfo", CONTAINERD_MOUNTINFO)
    folder(tmp_path, f"/var/lib/docker/rootfs/overlayfs/{CID}")
    engine = profile("containerd", "overlayfs", containerd_store=True, rootless=True)
    layer = container_layer(containerd_details(True), engine, RootedFiles(tmp_path), no_ctr)
    assert layer.mounted_view == "/proc/4321/root"
    assert layer.merged_in_engine == f"/var/lib/docker/rootfs/overlayfs/{CID}"
    write(tmp_path, f"/var/lib/docker/rootfs/overlayfs/{CID}/etc/hostname")  # mounted here
    layer = container_layer(containerd_details(True), engine, RootedFiles(tmp_path), no_ctr)
    assert layer.mounted_view == f"/var/lib/docker/rootfs/overlayfs/{CID}"


def test_through_another_way_than_local_files_no_local_ctr_is_run(tmp_path, monkeypatch):
    """A stopped container on a helper-read host: ctr here would ask THIS machine's
    containerd, so the SNAPSHOTS way is not tried (the snapshot database is)."""
    from runner.storage import containerd_snapshots

    monkeypatch.setattr(containerd_snapshots, "_ctr",
                        lambda *args: pytest.fail("a local ctr was run"))
    folder(tmp_path, f"{SNAPS}/13/fs")
    engine = profile("containerd", "overlayfs", containerd_store=True)
    layer = container_layer(containerd_details(False), engine, RootedFiles(tmp_path))
    assert layer.method == Method.NONE


def test_the_layer_store_check_asks_no_local_ctr_through_another_way(tmp_path, monkeypatch):
    from runner.checks import layer_store
    from runner.storage import containerd_snapshots
    from runner.storage.layout import storage_layout

    monkeypatch.setattr(containerd_snapshots, "list_snapshots",
                        lambda *args: pytest.fail("a local ctr was run"))
    engine = profile("containerd", "overlayfs", containerd_store=True)
    layout = storage_layout(engine, RootedFiles(tmp_path))
    assert layer_store._snapshots(layout, RootedFiles(tmp_path), ["sha256:" + "a" * 64]) is None

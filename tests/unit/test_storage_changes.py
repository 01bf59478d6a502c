"""What the writable layer records for a path: overlay drivers keep changes only (a whiteout is
a deletion); full-copy drivers (vfs) keep everything, so a change is a difference from below.
Also the container_layer check reading a containerd-store layer through registered host files."""

from __future__ import annotations

import os
import stat
from types import SimpleNamespace

import pytest

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.container_layer import ContainerLayerCheck
from runner.storage import host_files
from runner.storage.changes import change_on_disk
from runner.storage.layout import docker_layout
from runner.storage.locate import ContainerLayer, Method
from tests.unit.storage_fixtures import RootedFiles, folder, profile, write

SNAPS = "/var/lib/docker/containerd/daemon/io.containerd.snapshotter.v1.overlayfs/snapshots"


def layer(driver: str, writable: str, below: str) -> ContainerLayer:
    return ContainerLayer("c1", docker_layout(driver, "/r"), Method.LAYERDB, "", writable,
                          image_layers=(below,))


@pytest.mark.parametrize(("path", "expected"), [
    ("/MYFILE", "added"), ("/etc/motd", "changed"), ("/etc/hosts", "none"), ("/nowhere", "none"),
])
def test_overlay_keeps_only_changes(tmp_path, path, expected):
    write(tmp_path, "/up/MYFILE")
    write(tmp_path, "/up/etc/motd", "changed")
    write(tmp_path, "/low/etc/motd", "image")
    write(tmp_path, "/low/etc/hosts", "image")
    assert change_on_disk(RootedFiles(tmp_path), layer("overlay2", "/up", "/low"), path) == \
        expected


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a whiteout needs root")
def test_an_overlay_whiteout_is_a_deletion(tmp_path):
    folder(tmp_path, "/up")
    write(tmp_path, "/low/gone", "image")
    os.mknod(tmp_path / "up" / "gone", stat.S_IFCHR | 0o600, os.makedev(0, 0))
    assert change_on_disk(RootedFiles(tmp_path), layer("overlay2", "/up", "/low"), "/gone") == \
        "deleted"


@pytest.mark.parametrize(("path", "expected"), [
    ("/MYFILE", "added"), ("/etc/motd", "changed"), ("/etc/hosts", "none"), ("/gone", "deleted"),
    ("/nowhere", "none"),
])
def test_vfs_keeps_full_copies(tmp_path, path, expected):
    for copy in ("/up", "/low"):
        write(tmp_path, f"{copy}/etc/hosts", "same")
    write(tmp_path, "/up/MYFILE")
    write(tmp_path, "/up/etc/motd", "changed")
    write(tmp_path, "/low/etc/motd", "image")
    write(tmp_path, "/low/gone", "image")
    assert change_on_disk(RootedFiles(tmp_path), layer("vfs", "/up", "/low"), path) == expected


@pytest.fixture
def containerd_engine(tmp_path):
    """A containerd-store engine whose host files are read another way (as a helper would)."""
    engine = profile("containerd", "overlayfs", containerd_store=True)
    host_files.register(engine.endpoint, RootedFiles(tmp_path))
    yield engine
    host_files.unregister(engine.endpoint)


def check_context(engine, details: dict) -> CheckContext:
    api = SimpleNamespace(inspect_container=lambda name: details if name == "www" else None,
                          diff=lambda name: pytest.fail("the diff API must not be asked"))
    return CheckContext([], engine, {}, lambda: SimpleNamespace(api=api))


def test_container_layer_check_on_the_containerd_store(tmp_path, containerd_engine):
    write(tmp_path, "/proc/77/mountinfo", f"9 1 0:1 / / rw - overlay overlay rw,lowerdir="
          f"{SNAPS}/1/fs,upperdir={SNAPS}/2/fs,workdir={SNAPS}/2/work\n")
    write(tmp_path, f"{SNAPS}/2/fs/MYFILE")
    folder(tmp_path, f"{SNAPS}/2/work")
    folder(tmp_path, f"{SNAPS}/1/fs")
    folder(tmp_path, "/var/lib/docker/rootfs/overlayfs/c1")
    details = {"Id": "c1", "State": {"Running": True, "Pid": 77},
               "GraphDriver": {"Name": "overlayfs", "Data": None}}
    ctx = check_context(containerd_engine, details)
    outcome = evaluate(ContainerLayerCheck(type="container_layer", name="www", path="/MYFILE"),
                       ctx)
    assert outcome.passed
    note = outcome.note.params["dir"]
    assert note.params["dir"] == f"{SNAPS}/2/fs"
    assert note.params["how"].params["source"] == "/proc/77/mountinfo"
    folders = ContainerLayerCheck(type="container_layer", name="www", folders=True)
    assert evaluate(folders, ctx).passed
    os.rmdir(tmp_path / "var/lib/docker/rootfs/overlayfs/c1")  # unmounted while "running"
    failed = evaluate(folders, ctx)
    assert [(p.what.params["field"], p.expected) for p in failed.problems] == [
        ("MergedDir", "present")]

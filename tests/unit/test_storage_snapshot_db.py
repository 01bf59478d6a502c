"""containerd's snapshot database read without containerd: a real metadata.db captured from
the rootless flavour (dockerd 28.5, containerd 2.1), after `docker run --name rwww nginx` and
`docker stop rwww` (gzip: the file is mostly preallocated zeros)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from runner.storage.layer_chain import chain_ids, snapshot_problems
from runner.storage.locate import Method, container_layer
from runner.storage.snapshot_db import read_snapshots, uvarint
from tests.unit.storage_fixtures import RootedFiles, profile

DB = gzip.decompress((Path(__file__).parent / "data" /
                      "containerd-snapshots-metadata.db.gz").read_bytes())
CONTAINER = "0f6961f50fe6ebec700a8b3924e10fce1056899d7cea7b945a1ae837d814bd8d"
# The nginx stand-in's RootFS.Layers (docker image inspect), bottom first.
DIFF_IDS = ["sha256:025c747896d1dfa660f81f831fe594fae841149de29e90958efcfe475a313bac",
            "sha256:555c768cf260f781af395a5650b1cfba55d7ed6da59bb5764ab6af15b3283c01",
            "sha256:0ef403c57414aae4b2859b7f5581055abbccfc6c5f2fd51b78c458e7b7d71b32",
            "sha256:66b856b389d7fc83f9cd2ba51025bfd9ab56187490ff06b3e93068297fbed4d6",
            "sha256:0a459bd13134dd2007547fb602c85134cae9c743b5f8e3690b011de9ffdeb3fc",
            "sha256:b0a631d0abb13bcc43cb8fe74e02aabd8112f4702f651d356da8b67db44fb481"]
SNAP = "/d/containerd/daemon/io.containerd.snapshotter.v1.overlayfs"


def test_the_containers_snapshot_sits_on_its_init_layer_and_the_image_layers():
    found = read_snapshots(DB).chain(CONTAINER)
    assert [s.kind for s in found] == ["Active"] + ["Committed"] * 7
    assert found[1].name == f"{CONTAINER}-init"
    assert [s.name for s in found[2:]] == list(reversed(chain_ids(DIFF_IDS)))
    assert [s.number for s in found] == list(range(150, 142, -1))


def test_the_image_layers_are_committed_snapshots_named_by_chain_id():
    index = read_snapshots(DB)
    assert len(index) == 8
    listing = {name: (index.get(name).parent, index.get(name).kind) for name in index.names()}
    assert snapshot_problems(listing, DIFF_IDS) == []
    assert snapshot_problems(listing, DIFF_IDS[1:])  # another image's chain is not there


def test_a_stopped_container_is_located_from_the_database(tmp_path):
    (tmp_path / SNAP.lstrip("/")).mkdir(parents=True)
    (tmp_path / SNAP.lstrip("/") / "metadata.db").write_bytes(DB)
    details = {"Id": CONTAINER, "State": {"Running": False, "Pid": 0},
               "GraphDriver": {"Name": "overlayfs", "Data": None}}
    engine = profile("containerd", "overlayfs", "/d", containerd_store=True)
    layer = container_layer(details, engine, RootedFiles(tmp_path),
                            lambda *args: pytest.fail("ctr must not be needed"))
    assert (layer.method, layer.source) == (Method.SNAPSHOT_DB, f"{SNAP}/metadata.db")
    assert layer.writable == f"{SNAP}/snapshots/150/fs"
    assert layer.work == f"{SNAP}/snapshots/150/work"
    assert layer.image_layers[0] == f"{SNAP}/snapshots/149/fs" and len(layer.image_layers) == 7


@pytest.mark.parametrize("damage", [b"", b"not a database", DB[:5000], DB[:4096] + bytes(8192)])
def test_a_damaged_database_reads_as_none(damage):
    assert read_snapshots(damage) is None


def test_uvarint():
    assert (uvarint(b"\x96\x01"), uvarint(b"\x05")) == (150, 5)
    with pytest.raises(ValueError):
        uvarint(b"\x96")


def _torn(pages: list[int], page_size: int = 4096) -> bytes:
    """DB with those pages overwritten, as a read racing containerd's write may see it."""
    data = bytearray(DB)
    for page in pages:
        data[page * page_size:(page + 1) * page_size] = b"\xff" * page_size
    return bytes(data)


def test_a_snapshot_whose_page_is_torn_reads_as_absent_not_as_an_error():
    index = read_snapshots(_torn([2, 3, 5, 10, 11, 12]))  # the image layers' buckets
    assert index is not None and len(index) == 8  # the keys themselves are still readable
    assert [s.name for s in index.chain(CONTAINER)] == [CONTAINER, f"{CONTAINER}-init"]
    assert index.get(chain_ids(DIFF_IDS)[0]) is None


def test_a_torn_database_locates_no_layer_rather_than_failing(tmp_path):
    (tmp_path / SNAP.lstrip("/")).mkdir(parents=True)
    (tmp_path / SNAP.lstrip("/") / "metadata.db").write_bytes(_torn([2, 3, 5, 10, 11, 12]))
    details = {"Id": CONTAINER, "State": {"Running": False, "Pid": 0},
               "GraphDriver": {"Name": "overlayfs", "Data": None}}
    engine = profile("containerd", "overlayfs", "/d", containerd_store=True)
    layer = container_layer(details, engine, RootedFiles(tmp_path), lambda *args: {})
    assert layer.writable == f"{SNAP}/snapshots/150/fs" and len(layer.image_layers) == 1

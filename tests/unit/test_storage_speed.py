"""The layer lookup stays under 50 ms with 1 000 containers' layers on disk: no way of
finding a layer scans the layer folders (figures: pytest -s prints them)."""

from __future__ import annotations

import json
import statistics
import time

import pytest

from runner.storage.locate import Method, container_layer
from tests.unit.storage_fixtures import RootedFiles, folder, profile, write

CONTAINERS = 1000
BUDGET_MS = 50
SNAPS = "/var/lib/docker/containerd/daemon/io.containerd.snapshotter.v1.overlayfs/snapshots"


def cid(index: int) -> str:
    return f"{index:064x}"


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """1 000 containers' layers in each store shape, under one tmp root."""
    root = tmp_path_factory.mktemp("host")
    db = "/var/lib/docker/image/vfs/layerdb"
    containers = []
    for index in range(CONTAINERS):
        folder(root, f"/var/lib/docker/overlay2/{cid(index)}/diff")
        folder(root, f"/var/lib/docker/vfs/dir/{cid(index)}")
        folder(root, f"{SNAPS}/{index}/fs")
        write(root, f"{db}/mounts/{cid(index)}/mount-id", cid(index))
        write(root, f"{db}/mounts/{cid(index)}/parent", "sha256:" + "a" * 64)
        containers.append({"id": cid(index), "layer": cid(index)})
    write(root, f"{db}/sha256/{'a' * 64}/cache-id", "base")
    write(root, "/s/vfs-containers/containers.json", json.dumps(containers))
    write(root, "/s/vfs-layers/layers.json", json.dumps([{"id": c["id"]} for c in containers]))
    write(root, "/proc/99/mountinfo", f"1 0 0:1 / / rw - overlay overlay rw,lowerdir="
          f"{SNAPS}/1/fs,upperdir={SNAPS}/{CONTAINERS - 1}/fs,workdir={SNAPS}/9/work\n")
    return RootedFiles(root)


def last(graph_driver: str | None = None, running: bool = False) -> dict:
    data = {"UpperDir": f"/var/lib/docker/overlay2/{cid(CONTAINERS - 1)}/diff"} \
        if graph_driver else None
    return {"Id": cid(CONTAINERS - 1), "State": {"Running": running, "Pid": 99},
            "GraphDriver": {"Name": graph_driver or "vfs", "Data": data}}


CASES = {
    Method.GRAPH_DRIVER: (lambda: profile(), lambda: last("overlay2")),
    Method.LAYERDB: (lambda: profile(driver="vfs"), lambda: last()),
    Method.CONTAINERS_JSON: (lambda: profile("podman", "vfs", "/s"), lambda: last()),
    Method.MOUNTINFO: (lambda: profile("containerd", "overlayfs", containerd_store=True),
                       lambda: last(running=True)),
}


@pytest.mark.parametrize("method", CASES)
def test_a_lookup_among_1000_containers_takes_under_50_ms(host, method):
    engine, details = CASES[method][0](), CASES[method][1]()
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        layer = container_layer(details, engine, host, lambda *a: {})
        timings.append((time.perf_counter() - started) * 1000)
    assert layer.method == method and layer.found
    median, worst = statistics.median(timings), max(timings)
    print(f"\n{method}: median {median:.2f} ms, worst {worst:.2f} ms ({CONTAINERS} containers)")
    assert median < BUDGET_MS

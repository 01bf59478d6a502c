"""The image's layer chain in each store (containerd snapshots, Podman's layers.json) and what
labrunner reads from containerd (`ctr` output, the containerd process's config)."""

from __future__ import annotations

import json

from runner.storage import containerd_snapshots as snapshots
from runner.storage.layer_chain import chain_ids, podman_problems, snapshot_problems
from tests.unit.storage_fixtures import RootedFiles, write

DIFFS = ["sha256:" + "a" * 64, "sha256:" + "b" * 64, "sha256:" + "c" * 64]
# `ctr -n moby snapshots ls` on Docker's containerd image store (columns padded with spaces).
CHAINS = chain_ids(DIFFS)
CTR_LS = (f"KEY{' ' * 70}PARENT{' ' * 67}KIND\n"
          f"{CHAINS[0]}{' ' * 81}Committed\n"
          f"{CHAINS[1]}   {CHAINS[0]}   Committed\n"
          f"{CHAINS[2]}   {CHAINS[1]}   Committed\n"
          f"c14ab815e57b   c14ab815e57b-init   Active\n"
          f"c14ab815e57b-init   {CHAINS[2]}   Committed\n")


def test_ctr_listing_is_parsed_with_or_without_a_parent():
    listing = snapshots.parse_listing(CTR_LS)
    assert listing[CHAINS[0]] == ("", "Committed")
    assert listing[CHAINS[2]] == (CHAINS[1], "Committed")
    assert listing["c14ab815e57b"] == ("c14ab815e57b-init", "Active")


def test_every_layer_is_a_snapshot_on_its_parent():
    listing = snapshots.parse_listing(CTR_LS)
    assert snapshot_problems(listing, DIFFS) == []
    del listing[CHAINS[1]]
    listing[CHAINS[2]] = ("sha256:" + "f" * 64, "Committed")
    problems = snapshot_problems(listing, DIFFS)
    assert [p.actual.splitlines()[-1] for p in problems] == ["absent", f"parent sha256:{'f' * 64}"]


def test_podman_layers_follow_diff_digests_and_parents(tmp_path):
    store = "/s/overlay-layers/layers.json"
    entries = [{"id": "L1", "diff-digest": DIFFS[0]},
               {"id": "L2", "parent": "L1", "diff-digest": DIFFS[1]},
               {"id": "L3", "parent": "L2", "diff-digest": DIFFS[2]}]
    write(tmp_path, store, json.dumps(entries))
    assert podman_problems(RootedFiles(tmp_path), store, DIFFS) == []
    entries[2]["parent"] = "L1"  # the top layer hangs on another chain
    write(tmp_path, store, json.dumps(entries))
    problems = podman_problems(RootedFiles(tmp_path), store, DIFFS)
    assert len(problems) == 1 and problems[0].what.params["index"] == 3


def test_ctr_mount_output_gives_the_overlay_options():
    options = snapshots.mount_options(
        "mount -t overlay overlay /mnt -o index=off,workdir=/s/5/work,upperdir=/s/5/fs,"
        "lowerdir=/s/4/fs:/s/3/fs\n")
    assert (options["upperdir"], options["lowerdir"]) == ("/s/5/fs", "/s/4/fs:/s/3/fs")
    assert snapshots.mount_options("ctr: snapshot does not exist") == {}


def test_the_containerd_socket_comes_from_its_config_file(tmp_path):
    """dockerd starts its containerd with `--config <exec-root>/containerd/containerd.toml`."""
    config = tmp_path / "containerd.toml"
    config.write_text('version = 2\nroot = "/var/lib/docker/containerd/daemon"\n'
                      '[grpc]\n  address = "/var/run/docker/containerd/containerd.sock"\n')
    argv = ["containerd", "--config", str(config)]
    assert snapshots._root_and_socket(argv) == ("/var/lib/docker/containerd/daemon",
                                                "/var/run/docker/containerd/containerd.sock")
    flags = ["containerd", "--root=/r", "-a", "/s.sock", "--config", "/missing.toml"]
    assert snapshots._root_and_socket(flags) == ("/r", "/s.sock")


def test_a_socket_only_in_containerds_namespace_is_reached_through_its_proc_root():
    """Rootless dockerd's containerd has its own /run (rootlesskit): /proc/<pid>/root/run/…"""
    import os

    pid = str(os.getpid())
    assert snapshots._as_seen_by(pid, "/run/user/1000/none.sock") == \
        f"/proc/{pid}/root/run/user/1000/none.sock"
    assert snapshots._as_seen_by(pid, "/") == "/"

"""Engine kinds and storage facts from real `docker info` answers: Podman 4.3.1's compat /info
(captured here), Docker's containerd image store on a rootless engine."""

from __future__ import annotations

from runner.engines.profile import detect_profile, engine_kind

# Podman 4.3.1 `podman system service`, GET /v1.41/info (the keys that matter, as captured).
PODMAN = {"Driver": "overlay", "DockerRootDir": "/var/lib/containers/storage",
          "DriverStatus": [["Native Overlay Diff", "true"], ["Backing Filesystem", "extfs"]],
          "OperatingSystem": "debian", "Name": "vm", "ServerVersion": "4.3.1",
          "BuildahVersion": "1.28.2", "Rootless": False, "CgroupVersion": "1",
          "SecurityOptions": ["name=seccomp,profile=default"]}
ROOTLESS_CONTAINERD = {"Driver": "overlayfs", "ServerVersion": "28.5.2",
                       "DockerRootDir": "/home/ada/.local/share/docker",
                       "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]],
                       "SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless"]}


def test_podman_is_recognised_by_its_buildah_version():
    assert engine_kind(PODMAN, "unix:///run/podman/podman.sock") == "podman"
    assert engine_kind(PODMAN, "tcp://10.0.0.5:8080") == "podman"
    docker = {key: value for key, value in PODMAN.items() if key != "BuildahVersion"}
    assert engine_kind(docker, "unix:///var/run/docker.sock") == "linux"
    assert engine_kind(docker | {"OperatingSystem": "podman"}, "unix:///s") == "podman"


def test_rootless_podman_says_so(tmp_path):
    profile = detect_profile(PODMAN | {"Rootless": True, "DockerRootDir": str(tmp_path)},
                             "unix:///run/user/1000/podman/podman.sock")
    assert (profile.kind, profile.rootless, profile.host_paths_visible) == ("podman", True, True)
    assert profile.storage_driver == "overlay" and not profile.containerd_store


def test_the_containerd_store_is_seen_on_a_rootless_engine(tmp_path):
    info = ROOTLESS_CONTAINERD | {"DockerRootDir": str(tmp_path)}
    profile = detect_profile(info, "unix:///run/user/1000/docker.sock")
    assert (profile.kind, profile.containerd_store, profile.rootless) == ("containerd", True, True)
    assert profile.host_paths_visible, "its files are on this machine: the lesson reads them"


def test_a_remote_engine_is_never_read_as_local(tmp_path):
    info = ROOTLESS_CONTAINERD | {"DockerRootDir": str(tmp_path)}
    profile = detect_profile(info, "tcp://127.0.0.1:2375")
    assert profile.containerd_store and not profile.host_paths_visible

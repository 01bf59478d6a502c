"""Engine kinds from real-shaped `docker info` answers."""

from runner.engines.profile import detect_profile, engine_kind

LINUX = {"DockerRootDir": "/var/lib/docker", "Driver": "overlay2", "ServerVersion": "28.2.2",
         "OperatingSystem": "Debian GNU/Linux 12 (bookworm)",
         "SecurityOptions": ["name=seccomp,profile=builtin", "name=cgroupns"]}


def test_linux_root():
    assert engine_kind(LINUX, "unix:///var/run/docker.sock") == "linux"


def test_rootless():
    info = LINUX | {"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless"]}
    assert engine_kind(info, "unix:///run/user/1000/docker.sock") == "rootless"


def test_docker_desktop():
    info = LINUX | {"OperatingSystem": "Docker Desktop"}
    assert engine_kind(info, "unix:///Users/me/.docker/run/docker.sock") == "desktop"


def test_containerd_image_store():
    info = LINUX | {"Driver": "overlayfs",
                    "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]}
    assert engine_kind(info, "unix:///var/run/docker.sock") == "containerd"


def test_remote_engine_paths_are_not_visible(tmp_path):
    info = LINUX | {"DockerRootDir": str(tmp_path)}
    profile = detect_profile(info, "tcp://10.0.0.5:2376")
    assert profile.kind == "remote" and not profile.host_paths_visible


def test_local_engine_with_readable_root_is_visible(tmp_path):
    profile = detect_profile(LINUX | {"DockerRootDir": str(tmp_path)}, "unix:///x.sock")
    assert profile.host_paths_visible and profile.docker_root == str(tmp_path)
    assert profile.server_version == "28.2.2" and profile.storage_driver == "overlay2"


def test_classifying_an_engine_does_not_import_the_sandbox_package():
    """What `run` imports to find and classify its engine stays off runner.sandbox (it is
    imported inside functions only when the sandbox itself is wanted)."""
    import ast
    from pathlib import Path

    import runner.engines

    folder = Path(runner.engines.__file__).parent
    for name in ("connect", "endpoint", "profile", "identity", "api", "sdk"):
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported = [node.module for node in tree.body if isinstance(node, ast.ImportFrom)]
        imported += [alias.name for node in tree.body if isinstance(node, ast.Import)
                     for alias in node.names]
        assert not [m for m in imported if m and m.startswith("runner.sandbox")], name

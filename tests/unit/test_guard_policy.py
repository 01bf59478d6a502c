"""Which Docker API requests the guard holds, and on what object (runner/guard/policy.py)."""

from __future__ import annotations

import pytest

from runner.guard.http1 import parse_target
from runner.guard.policy import Action, Held, Kind, classify, normal_reference


def held(method: str, target: str) -> tuple[Held, ...]:
    return classify(method, parse_target(target))


@pytest.mark.parametrize(("method", "target", "expected"), [
    ("DELETE", "/v1.47/containers/web?force=1&v=1", Held(Action.REMOVE, Kind.CONTAINER, "web")),
    ("DELETE", "/containers/3f2a9c1b", Held(Action.REMOVE, Kind.CONTAINER, "3f2a9c1b")),
    ("POST", "/v1.41/containers/web/stop?t=1", Held(Action.STOP, Kind.CONTAINER, "web")),
    ("POST", "/containers/web/kill?signal=KILL", Held(Action.KILL, Kind.CONTAINER, "web")),
    ("POST", "/containers/web/restart", Held(Action.RESTART, Kind.CONTAINER, "web")),
    ("POST", "/v1.41/containers/web/pause", Held(Action.PAUSE, Kind.CONTAINER, "web")),
    ("POST", "/containers/web/rename?name=x", Held(Action.RENAME, Kind.CONTAINER, "web")),
    ("POST", "/containers/web/update", Held(Action.UPDATE, Kind.CONTAINER, "web")),
    ("POST", "/v1.41/containers/web/exec", Held(Action.EXEC, Kind.CONTAINER, "web")),
    ("PUT", "/v1.41/containers/web/archive?path=%2Ftmp",
     Held(Action.COPY_INTO, Kind.CONTAINER, "web")),
    ("DELETE", "/v1.47/images/registry:5000/team/app:1.0?force=1",
     Held(Action.REMOVE, Kind.IMAGE, "registry:5000/team/app:1.0")),
    ("DELETE", "/images/sha256:abc", Held(Action.REMOVE, Kind.IMAGE, "sha256:abc")),
    ("DELETE", "/volumes/data", Held(Action.REMOVE, Kind.VOLUME, "data")),
    ("DELETE", "/networks/my%20net", Held(Action.REMOVE, Kind.NETWORK, "my net")),
    ("POST", "/v1.47/containers/prune", Held(Action.PRUNE, Kind.CONTAINER)),
    ("POST", "/images/prune?filters=%7B%7D", Held(Action.PRUNE, Kind.IMAGE)),
    ("POST", "/volumes/prune", Held(Action.PRUNE, Kind.VOLUME)),
    ("POST", "/networks/prune", Held(Action.PRUNE, Kind.NETWORK)),
    ("POST", "/build/prune?all=1", Held(Action.PRUNE, Kind.BUILD_CACHE)),
    ("POST", "/images/busybox/tag?repo=docker.io%2Flibrary%2Fmine&tag=1",
     Held(Action.OVERWRITE, Kind.IMAGE, "docker.io/library/mine:1", "busybox")),
    ("POST", "/images/localhost:5000/a/b:2/tag?repo=mine",
     Held(Action.OVERWRITE, Kind.IMAGE, "mine", "localhost:5000/a/b:2")),
    ("POST", "/commit?container=web&repo=mine&tag=2", Held(Action.OVERWRITE, Kind.IMAGE, "mine:2")),
    ("POST", "/images/create?fromSrc=-&repo=mine&tag=3",
     Held(Action.OVERWRITE, Kind.IMAGE, "mine:3")),
    ("POST", "/v1.47/images/load?quiet=1", Held(Action.LOAD, Kind.IMAGE)),
])
def test_a_destructive_request_is_held_on_its_object(method, target, expected):
    assert held(method, target) == (expected,)


@pytest.mark.parametrize(("method", "target", "expected"), [
    ("DELETE", "/v1.41/services/web", Held(Action.REMOVE, Kind.SERVICE, "web")),
    ("DELETE", "/secrets/s1", Held(Action.REMOVE, Kind.SECRET, "s1")),
    ("DELETE", "/configs/c1", Held(Action.REMOVE, Kind.CONFIG, "c1")),
    ("DELETE", "/plugins/vieux/sshfs:latest?force=1",
     Held(Action.REMOVE, Kind.PLUGIN, "vieux/sshfs:latest")),
    ("POST", "/v1.41/plugins/vieux/sshfs:latest/disable",
     Held(Action.DISABLE, Kind.PLUGIN, "vieux/sshfs:latest")),
    ("POST", "/v1.41/swarm/leave?force=1", Held(Action.LEAVE, Kind.SWARM)),
    ("DELETE", "/v4.0.0/libpod/containers/web?force=true",
     Held(Action.REMOVE, Kind.CONTAINER, "web")),
    ("POST", "/v4.0.0/libpod/containers/prune", Held(Action.PRUNE, Kind.CONTAINER)),
    ("POST", "/libpod/images/prune?all=true", Held(Action.PRUNE, Kind.IMAGE)),
    ("POST", "/libpod/volumes/prune", Held(Action.PRUNE, Kind.VOLUME)),
    ("POST", "/libpod/pods/prune", Held(Action.PRUNE, Kind.POD)),
    ("POST", "/libpod/system/prune?all=true&volumes=true", Held(Action.PRUNE, Kind.SYSTEM)),
    ("DELETE", "/libpod/images/nginx:1", Held(Action.REMOVE, Kind.IMAGE, "nginx:1")),
    ("DELETE", "/libpod/volumes/data", Held(Action.REMOVE, Kind.VOLUME, "data")),
    ("DELETE", "/v5.0.0/libpod/pods/lab?force=true", Held(Action.REMOVE, Kind.POD, "lab")),
    ("POST", "/libpod/containers/web/stop", Held(Action.STOP, Kind.CONTAINER, "web")),
    ("DELETE", "/libpod/images/remove?all=true", Held(Action.REMOVE_ALL, Kind.IMAGE)),
])
def test_swarm_plugin_and_podman_requests_are_held(method, target, expected):
    assert held(method, target) == (expected,)


def test_podmans_batch_image_removal_holds_each_image():
    assert held("DELETE", "/libpod/images/remove?images=a&images=b:2") == (
        Held(Action.REMOVE, Kind.IMAGE, "a"), Held(Action.REMOVE, Kind.IMAGE, "b:2"))


@pytest.mark.parametrize(("method", "target"), [
    ("GET", "/services/web"), ("POST", "/plugins/x/enable"), ("GET", "/libpod/pods/json"),
    ("POST", "/libpod/pods/create"), ("POST", "/swarm/update"),
])
def test_their_reads_and_creations_pass(method, target):
    assert held(method, target) == ()


def test_a_build_holds_each_of_its_tags():
    assert held("POST", "/v1.47/build?t=a%3A1&t=b&q=1") == (
        Held(Action.OVERWRITE, Kind.IMAGE, "a:1"), Held(Action.OVERWRITE, Kind.IMAGE, "b"))


@pytest.mark.parametrize(("method", "target"), [
    ("GET", "/_ping"), ("HEAD", "/_ping"), ("GET", "/v1.47/containers/json?all=1"),
    ("POST", "/containers/create?name=web"), ("POST", "/containers/web/start"),
    ("POST", "/containers/web/attach?stream=1"), ("POST", "/exec/abc/start"),
    ("POST", "/images/create?fromImage=nginx&tag=latest"), ("POST", "/build"),
    ("POST", "/commit?container=web"), ("POST", "/volumes/create"), ("GET", "/images/load"),
    ("GET", "/images/get?names=busybox"), ("DELETE", "/containers/"),
    ("GET", "/containers/web/stop"), ("GET", "/containers/web/archive?path=/"),
    ("HEAD", "/containers/web/archive?path=/"), ("POST", "/containers/web/unpause"),
])
def test_other_requests_go_straight_through(method, target):
    assert held(method, target) == ()


@pytest.mark.parametrize(("method", "target", "expected"), [
    ("DELETE", "/v1.41/containers%2Fuserdb?force=1", Held(Action.REMOVE, Kind.CONTAINER, "userdb")),
    ("POST", "/containers/userdb%2Fstop", Held(Action.STOP, Kind.CONTAINER, "userdb")),
    ("POST", "/containers/%70rune", Held(Action.PRUNE, Kind.CONTAINER)),
    ("DELETE", "/%63ontainers/x", Held(Action.REMOVE, Kind.CONTAINER, "x")),
    ("DELETE", "/v1.41%2Fvolumes%2Fdata", Held(Action.REMOVE, Kind.VOLUME, "data")),
    ("POST", "/images/%6Coad", Held(Action.LOAD, Kind.IMAGE)),
])
def test_a_percent_encoded_path_is_held_as_the_engine_reads_it(method, target, expected):
    assert held(method, target) == (expected,)


def test_the_path_is_decoded_once_like_the_engines_router():
    assert parse_target("/containers/a%252Fstop").path == "/containers/a%2Fstop"
    assert held("POST", "/containers/a%252Fstop") == ()


def test_the_version_prefix_is_optional_and_only_a_version_is_stripped():
    assert parse_target("/v1.47/containers/json?all=1").path == "/containers/json"
    assert parse_target("/containers/json").path == "/containers/json"
    assert parse_target("/volumes/v1/x").path == "/volumes/v1/x"


@pytest.mark.parametrize(("ref", "normal"), [
    ("nginx", "nginx:latest"), ("nginx:1.25", "nginx:1.25"), ("library/nginx", "nginx:latest"),
    ("docker.io/library/nginx:latest", "nginx:latest"), ("docker.io/team/app", "team/app:latest"),
    ("localhost:5000/app", "localhost:5000/app:latest"),
    ("localhost:5000/app:2", "localhost:5000/app:2"),
    ("nginx@sha256:ab", "nginx@sha256:ab"), ("index.docker.io/library/busybox", "busybox:latest"),
])
def test_one_spelling_per_reference(ref, normal):
    assert normal_reference(ref) == normal

"""The sandbox's seal (runner/guard/seal.py, engine_paths.py): host networking refused, an
engine's socket never mounted, every published port on 127.0.0.1; and the guard's read-only
mode. The requests reach a fake engine (a unix socket answering with the body it received)
or none at all: no Docker needed."""

from __future__ import annotations

import asyncio
import json
import socket
import threading

import pytest

from runner.engines.api import UnixConnection
from runner.guard.connection import Connection
from runner.guard.engine_paths import EnginePaths
from runner.guard.guard import Guard
from runner.guard.http1 import parse_target
from runner.guard.seal import (
    LOOPBACK,
    Sealed,
    bind_sources,
    is_loopback,
    refuse_target,
    seal_container,
    seal_volume,
)
from runner.guard.seal_libpod import seal_spec
from runner.guard.seal_server import context


def touches(path: str) -> bool:
    return path.startswith(("/run", "/var/run")) or path == "/"


def create(host_config: dict, **config) -> dict:
    return {"Image": "nginx", **config, "HostConfig": host_config}


@pytest.mark.parametrize("host", [{"NetworkMode": "host"}])
def test_host_networking_is_refused(host):
    sealed = seal_container(create(host), touches)
    assert sealed.refusal is not None and sealed.refusal.key == "guard.seal_host_network"
    assert "--network host" in sealed.refusal.message("en")


@pytest.mark.parametrize("network", ["bridge", "default", "none", "lab-net", "container:web"])
def test_other_networks_pass(network):
    assert seal_container(create({"NetworkMode": network}), touches).refusal is None


@pytest.mark.parametrize(("host", "source"), [
    ({"Binds": ["/var/run/docker.sock:/var/run/docker.sock"]}, "/var/run/docker.sock"),
    ({"Binds": ["data:/data", "/run:/x:ro"]}, "/run"),
    ({"Mounts": [{"Type": "bind", "Source": "/", "Target": "/host"}]}, "/"),
    ({"Mounts": [{"Type": "volume", "Target": "/x", "VolumeOptions": {"DriverConfig": {
        "Options": {"type": "none", "o": "bind", "device": "/run/containerd"}}}}]},
     "/run/containerd"),
])
def test_an_engine_socket_mounted_is_refused_and_named(host, source):
    sealed = seal_container(create(host), touches)
    assert sealed.refusal is not None and sealed.refusal.params == {"source": source}
    assert source in sealed.refusal.message("fr")


def test_named_volumes_and_other_folders_are_not_binds():
    host = {"Binds": ["data:/data", "/home/me/site:/usr/share/nginx/html"],
            "Mounts": [{"Type": "volume", "Source": "/run", "Target": "/x"}]}
    assert bind_sources(host) == ["/home/me/site"]
    assert seal_container(create(host), touches) == seal_container(create({}), touches)


@pytest.mark.parametrize("opts", [
    {"type": "none", "o": "bind", "device": "/var/run"},
    {"type": "none", "o": "rbind", "device": "/run"},
    {"type": "none", "o": "ro,rbind", "device": "/run"},
    {"type": "none", "device": "/var/run"},
    {"type": "ext4", "o": "loop", "device": "/run/docker.sock"},
])
def test_a_local_volume_on_an_engine_folder_is_refused_whatever_its_o(opts):
    refusal = seal_volume({"Name": "v", "DriverOpts": opts}, touches).refusal
    assert refusal is not None and refusal.params == {"source": opts["device"]}
    inline = {"Mounts": [{"Type": "volume", "Target": "/x", "VolumeOptions": {
        "DriverConfig": {"Options": opts}}}]}
    assert seal_container(create(inline), touches).refusal is not None


@pytest.mark.parametrize("opts", [
    {"type": "none", "o": "rbind", "device": "/home/me/site"},
    {"type": "nfs", "o": "addr=10.0.0.1", "device": ":/export/run"},
    {"type": "tmpfs", "device": "tmpfs", "o": "size=10m"},
])
def test_a_local_volume_elsewhere_passes(opts):
    assert seal_volume({"Name": "v", "DriverOpts": opts}, touches).refusal is None


@pytest.mark.parametrize("asked", ["", "0.0.0.0", "::", "192.168.1.20", "10.0.0.1"])
def test_every_published_port_lands_on_loopback(asked):
    ports = {"80/tcp": [{"HostIp": asked, "HostPort": "8080"}], "81/tcp": None}
    sealed = seal_container(create({"PortBindings": ports}), touches)
    assert sealed.body is not None
    assert sealed.body["HostConfig"]["PortBindings"]["80/tcp"] == [
        {"HostIp": LOOPBACK, "HostPort": "8080"}]
    assert ports["80/tcp"][0]["HostIp"] == asked  # the request itself is left as it came


@pytest.mark.parametrize("asked", ["127.0.0.1", "127.0.0.2", "::1"])
def test_a_loopback_address_is_kept_and_the_body_unchanged(asked):
    ports = {"80/tcp": [{"HostIp": asked, "HostPort": "8080"}]}
    assert seal_container(create({"PortBindings": ports}), touches).body is None


def test_publish_all_becomes_explicit_bindings_on_loopback():
    config = create({"PublishAllPorts": True}, ExposedPorts={"9000/tcp": {}})
    sealed = seal_container(config, touches, exposed={"80/tcp": {}})
    assert sealed.body is not None
    host = sealed.body["HostConfig"]
    assert host["PublishAllPorts"] is False
    assert host["PortBindings"] == {"80/tcp": [{"HostIp": LOOPBACK, "HostPort": ""}],
                                    "9000/tcp": [{"HostIp": LOOPBACK, "HostPort": ""}]}


@pytest.mark.parametrize(("method", "target", "key"), [
    ("POST", "/v1.41/build?t=x&networkmode=host", "guard.seal_host_network_build"),
    ("POST", "/v4.0.0/libpod/build?networkmode=host", "guard.seal_host_network_build"),
    ("POST", "/v4.0.0/libpod/play/kube", "guard.seal_kube"),
    ("POST", "/v4.0.0/libpod/kube/play", "guard.seal_kube"),
    ("POST", "/v4.0.0/libpod/containers/create", None), ("POST", "/libpod/commit", None),
    ("DELETE", "/libpod/images/nginx", None),
    ("POST", "/v1.41/swarm/init", "guard.seal_swarm"), ("POST", "/swarm/join", "guard.seal_swarm"),
    ("GET", "/swarm", None),
    ("POST", "/build?t=x&networkmode=default", None), ("GET", "/libpod/_ping", None),
    ("POST", "/containers/create", None),
    ("POST", "/v1.23/containers/web/start", "guard.seal_old_api"),
    ("GET", "/v1.12/containers/json", "guard.seal_old_api"),
    ("POST", "/v1.24/containers/web/start", None), ("POST", "/v1.9/version", "guard.seal_old_api"),
    ("POST", "/v2/containers/web/start", None), ("GET", "/v1.41/_ping", None),
])
def test_refused_on_the_target_alone(method, target, key):
    refusal = refuse_target(method, parse_target(target))
    assert (refusal.key if refusal else None) == key


def test_an_old_api_version_is_refused_with_its_number():
    refusal = refuse_target("POST", parse_target("/v1.23/containers/web/start"))
    assert refusal is not None and "1.23" in refusal.message("en")


@pytest.mark.parametrize("mode", [
    "slirp4netns:allow_host_loopback=true", "slirp4netns:port_handler=slirp4netns",
    "pasta:--map-gw", "pasta:-T,auto", "ns:/proc/1/ns/net", "ns:/run/netns/x", "container:",
    "bad name", "/proc/1/ns/net"])
def test_network_modes_with_options_or_namespaces_are_refused(mode):
    refusal = seal_container(create({"NetworkMode": mode}), touches).refusal
    assert refusal is not None and refusal.key == "guard.seal_network_mode"
    assert mode in refusal.message("en")
    build = refuse_target("POST", parse_target(f"/v1.41/build?networkmode={mode}"))
    assert build is not None and build.key == "guard.seal_network_mode"


def test_a_network_named_host_in_networking_config_is_refused():
    config = {"Image": "a", "NetworkingConfig": {"EndpointsConfig": {"lab": {}, "host": {}}}}
    assert seal_container(config, touches).refusal.key == "guard.seal_host_network"
    config["NetworkingConfig"]["EndpointsConfig"] = {"lab": {}, "web-net_2.x": {}}
    assert seal_container(config, touches).refusal is None


@pytest.mark.parametrize(("spec", "refused"), [
    ({"netns": {"nsmode": "slirp4netns"},
      "network_options": {"slirp4netns": ["allow_host_loopback=true"]}}, True),
    ({"netns": {"nsmode": "pasta"}, "network_options": {"pasta": ["--map-gw"]}}, True),
    ({"netns": {"nsmode": "path", "value": "/proc/1/ns/net"}}, True),
    ({"netns": {"nsmode": "ns", "value": "/run/netns/x"}}, True),
    ({"netns": {"nsmode": "container"}}, True),
    ({"netns": {"nsmode": "bridge"}, "networks": {"host": {}}}, True),
    ({"netns": {"nsmode": "slirp4netns"}}, False), ({"netns": {"nsmode": "pasta"}}, False),
    ({"netns": {"nsmode": "container", "value": "web"}}, False),
    ({"netns": {"nsmode": "bridge"}, "networks": {"lab": {}}}, False), ({}, False),
])
def test_podmans_api_network_modes(spec, refused):
    refusal = seal_spec(spec, touches).refusal
    assert (refusal is not None) is refused
    assert refusal is None or refusal.key in ("guard.seal_network_mode", "guard.seal_host_network")


def test_podmans_api_host_network_and_engine_mounts_are_refused():
    assert seal_spec({"netns": {"nsmode": "host"}}, touches).refusal.key == \
        "guard.seal_host_network"
    mounted = seal_spec({"mounts": [{"type": "bind", "source": "/run/podman/podman.sock",
                                     "destination": "/s"}]}, touches)
    assert mounted.refusal.params == {"source": "/run/podman/podman.sock"}
    assert seal_spec({"netns": {"nsmode": "bridge"}, "mounts": [
        {"type": "bind", "source": "/home/me", "destination": "/s"}]}, touches) == Sealed()


def test_podmans_api_port_mappings_land_on_loopback():
    spec = {"image": "nginx", "portmappings": [{"container_port": 80, "host_port": 8080,
                                                "host_ip": "0.0.0.0"}],
            "publish_image_ports": True, "expose": {9000: "tcp"}}
    sealed = seal_spec(spec, touches, exposed={"81/tcp": {}})
    assert sealed.body is not None and sealed.body["publish_image_ports"] is False
    assert sealed.body["portmappings"] == [
        {"container_port": 80, "host_port": 8080, "host_ip": LOOPBACK},
        {"container_port": 81, "host_port": 0, "host_ip": LOOPBACK, "protocol": "tcp"},
        {"container_port": 9000, "host_port": 0, "host_ip": LOOPBACK, "protocol": "tcp"}]


def test_podmans_volume_options_are_read_too():
    opts = {"type": "none", "o": "bind", "device": "/run"}
    assert seal_volume({"Name": "v", "Options": opts}, touches).refusal is not None


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("", False),
    ("localhost", False), ("::", False)])
def test_is_loopback(address, loopback):
    assert is_loopback(address) is loopback


# The file-system rule (engine_paths.EnginePaths)

@pytest.fixture
def sandbox_folder(tmp_path):
    """A sandbox's run folder with an engine socket in a subfolder, and a symlink to it."""
    run = tmp_path / "sandbox" / "run"
    (run / "engine").mkdir(parents=True)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(run / "engine" / "docker.sock"))
    (tmp_path / "link").symlink_to(run)
    yield run
    server.close()


def test_a_socket_anywhere_is_refused(sandbox_folder, tmp_path):
    paths = EnginePaths()
    assert paths.touches_engine(str(sandbox_folder / "engine" / "docker.sock"))
    assert paths.touches_engine(str(tmp_path / "link" / "engine" / "docker.sock"))
    assert not paths.touches_engine(str(sandbox_folder / "engine"))  # not a known folder


@pytest.mark.parametrize("relative", ["sandbox", "sandbox/run", "sandbox/run/engine",
                                      "link", "link/engine", "."])
def test_a_sandbox_folder_its_parents_and_its_insides_are_refused(sandbox_folder, tmp_path,
                                                                 relative):
    paths = EnginePaths([sandbox_folder])
    assert paths.touches_engine(str(tmp_path / relative))


@pytest.mark.parametrize("relative", ["state", "state/data/deep", "."])
def test_a_sandbox_known_by_its_mark_is_refused(tmp_path, relative):
    (tmp_path / "state" / "data" / "deep").mkdir(parents=True)
    (tmp_path / "state" / ".labrunner-sandbox").write_text("a sandbox\n")
    assert EnginePaths().touches_engine(str(tmp_path / relative))
    assert not EnginePaths().touches_engine(str(tmp_path.parent))  # two levels up: unknown


def test_a_sibling_folder_is_not_refused(sandbox_folder, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "sandbox-other").mkdir()
    paths = EnginePaths([sandbox_folder])
    assert not paths.touches_engine(str(tmp_path / "site"))
    assert not paths.touches_engine(str(tmp_path / "sandbox-other"))


@pytest.mark.parametrize("source", ["/", "/run", "/var/run", "/var", "/run/containerd",
                                    "/var/run/docker.sock", "/run/podman/podman.sock"])
def test_the_machines_engine_paths_are_refused_even_when_absent(source):
    assert EnginePaths().touches_engine(source)


def test_an_ordinary_folder_passes(tmp_path):
    assert not EnginePaths().touches_engine(str(tmp_path / "site"))


# Through a connection: the seal rewrites the body it forwards, or refuses it

class EchoEngine:
    """A fake engine on a unix socket: answers every request with its body, as JSON."""

    def __init__(self, path: str) -> None:
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(path)
        self.server.listen()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with client:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += client.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")) or 0)
                while len(body) < length:
                    body += client.recv(65536)
                client.sendall(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                               b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                               % (len(body), body))


def through_seal(tmp_path, body: dict | bytes,
                 target: str = "/v1.41/containers/create?name=web") -> tuple[int, dict]:
    """POST `target` (a create) through a seal in front of the echo engine."""
    engine = EchoEngine(str(tmp_path / "engine.sock"))
    public = tmp_path / "public.sock"
    shared = context(f"unix://{tmp_path}/engine.sock", "en", [])

    async def exchange() -> tuple[int, dict]:
        server = await asyncio.start_unix_server(
            lambda r, w: Connection(shared, (r, w)).serve(), str(public))
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(None, _post, str(public), body, target)
        server.close()
        return answer

    try:
        return asyncio.run(exchange())
    finally:
        engine.server.close()


def _post(path: str, body: dict | bytes, target: str) -> tuple[int, dict]:
    connection = UnixConnection(path)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection.request("POST", target, data, {"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def test_the_engine_receives_the_ports_on_loopback(tmp_path):
    ports = {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}
    status, received = through_seal(tmp_path, create({"PortBindings": ports},
                                                     Env=["A=" + "x" * 5000]))
    assert status == 201
    assert received["HostConfig"]["PortBindings"]["80/tcp"][0]["HostIp"] == LOOPBACK
    assert received["Env"] == ["A=" + "x" * 5000]


def test_a_sealed_create_never_reaches_the_engine(tmp_path):
    status, answer = through_seal(tmp_path, create({"NetworkMode": "host"}))
    assert status == 403 and "--network host" in answer["message"]


@pytest.mark.parametrize("body", [
    b'{"Image":"a","Labels":{"x":"\xff"},"HostConfig":{"NetworkMode":"host"}}',
    b'{"Image":"a","HostConfig":{"NetworkMode":"bridge"}} x',
    b'{"Image":"a"}{"HostConfig":{"NetworkMode":"host"}}',
    b'{"Image":"a","HostConfig":{},"HostConfig":{"NetworkMode":"host"}}',
    b'{"Image":"a","HostConfig":{},"hostconfig":{"NetworkMode":"host"}}',
    b'{"Image":"a","HostConfig":{"NetworkMode":"bridge","networkMode":"host"}}',
    b'["not", "an", "object"]', b'',
])
def test_a_body_the_seal_cannot_read_exactly_is_refused(tmp_path, body):
    status, answer = through_seal(tmp_path, body)
    assert status == 403 and "exactly one JSON object" in answer["message"]


@pytest.mark.parametrize("body", [
    b'{"Image":"a","hostconfig":{"networkmode":"host"}}',
    b'{"Image":"a","HOSTCONFIG":{"NetworkMode":"host"}}',
    '{"Image":"a","Ho\u017ftConfig":{"NetworkMode":"host"}}'.encode(),  # long s: Go folds it
])
def test_keys_are_read_case_insensitively_as_go_does(tmp_path, body):
    status, answer = through_seal(tmp_path, body)
    assert status == 403 and "--network host" in answer["message"]


def test_the_engine_receives_the_body_judged_in_canonical_spelling(tmp_path):
    body = (b'{"Image":"a","Labels":{"K":"v","k":"w"},"hostconfig":{"portbindings":'
            b'{"80/tcp":[{"hostip":"0.0.0.0","HostPort":"8080"}]},"binds":["d:/d"]}}  \n')
    status, received = through_seal(tmp_path, body)
    assert status == 201
    assert received == {"Image": "a", "Labels": {"K": "v", "k": "w"}, "HostConfig": {
        "PortBindings": {"80/tcp": [{"HostIp": LOOPBACK, "HostPort": "8080"}]},
        "Binds": ["d:/d"]}}


def test_an_unchanged_body_is_forwarded_re_serialised(tmp_path):
    status, received = through_seal(tmp_path, b'{ "Image" :\n"a" }')
    assert status == 201 and received == {"Image": "a"}


# The guard's read-only mode

@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/v1.47/containers/web/stop"), ("DELETE", "/containers/web"),
    ("POST", "/containers/create"), ("PUT", "/containers/web/archive?path=/")])
def test_read_only_refuses_every_change_naming_it(tmp_path, method, path):
    with Guard(f"unix://{tmp_path}/gone.sock", sandbox=True, read_only=True,
               language="fr") as guard:
        connection = UnixConnection(str(guard.start()))
        connection.request(method, path, b"{}" if method == "POST" else None)
        response = connection.getresponse()
        message = json.loads(response.read())["message"]
    shown = path.partition("/v1.47")[2] or path
    assert response.status == 403
    assert message == (f"labrunner a refusé {method} {shown.partition('?')[0]} : ce moteur "
                       "est seulement consulté ici (lecture seule), rien ne doit y changer.")
    assert guard.records[0]["decision"] == "refused" and guard.records[0]["status"] == 403


@pytest.mark.parametrize(("path", "headers"), [
    ("/v1.41/containers/web/attach/ws?stdin=1&stream=1", {}),
    ("/containers/web/attach/ws/", {}),
    ("/v1.41/containers/web/json", {"Upgrade": "websocket", "Connection": "Upgrade"}),
    ("/_ping", {"Connection": "keep-alive, Upgrade"}),
])
def test_read_only_refuses_an_upgrade_and_attach_ws(tmp_path, path, headers):
    with Guard(f"unix://{tmp_path}/gone.sock", sandbox=False, read_only=True) as guard:
        connection = UnixConnection(str(guard.start()))
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        message = json.loads(response.read())["message"]
    assert response.status == 403 and "read-only" in message
    assert guard.records[0]["decision"] == "refused"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_read_only_forwards_reads(tmp_path, method):
    with Guard(f"unix://{tmp_path}/gone.sock", sandbox=False, read_only=True) as guard:
        connection = UnixConnection(str(guard.start()))
        connection.request(method, "/_ping")
        response = connection.getresponse()
        response.read()
    assert response.status == 502  # forwarded: the (absent) engine is what failed
    assert guard.records[0]["decision"] == "forwarded"


# Docker Desktop's and its friends' sockets, and the docker contexts' (desktop_paths.py)

@pytest.fixture
def a_home(tmp_path, monkeypatch):
    """A user's home with Desktop-like folders, a context and a runtime folder (plain files
    standing for their sockets: the rule is on the paths, not on what they are)."""
    home = tmp_path / "home"
    for folder in (".docker/desktop", ".docker/run", ".rd", ".colima/default", ".lima/x"):
        (home / folder).mkdir(parents=True)
        (home / folder / "docker.sock").write_text("")
    meta = home / ".docker/contexts/meta/0123abcd"
    meta.mkdir(parents=True)
    (tmp_path / "ctx").mkdir()
    (meta / "meta.json").write_text(json.dumps({"Name": "far", "Endpoints": {
        "docker": {"Host": f"unix://{tmp_path}/ctx/engine.sock"}}}))
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "podman.sock").write_text("")
    monkeypatch.setattr("runner.guard.desktop_paths.homes", lambda: [str(home)])
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "xdg"))
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    return home


@pytest.mark.parametrize("relative", [
    "home", "home/.docker", "home/.docker/desktop", "home/.docker/run/docker.sock", "home/.rd",
    "home/.colima/default", "home/.lima/x/docker.sock", "ctx", "ctx/engine.sock", "xdg",
    "xdg/podman.sock"])
def test_desktop_folders_context_and_runtime_sockets_are_refused(a_home, tmp_path, relative):
    assert EnginePaths().touches_engine(str(tmp_path / relative))


def test_a_homes_other_folders_pass(a_home, tmp_path):
    (a_home / "site").mkdir()
    (a_home / ".docker" / "config").mkdir()
    assert not EnginePaths().touches_engine(str(a_home / "site"))
    assert not EnginePaths().touches_engine(str(a_home / ".docker" / "config"))


def test_an_absent_desktop_folder_leaves_the_home_mountable(tmp_path, monkeypatch):
    (tmp_path / "plain").mkdir()
    monkeypatch.setattr("runner.guard.desktop_paths.homes", lambda: [str(tmp_path / "plain")])
    assert not EnginePaths().touches_engine(str(tmp_path / "plain"))

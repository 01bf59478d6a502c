"""The engine's HTTP API with the standard library: /info before the SDK, one connection kept.

A fake engine (http.server on a unix socket, in a thread) answers like dockerd does: JSON,
an `Api-Version` header, 404 with a message for a missing object.
"""

from __future__ import annotations

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from runner.engines import endpoint
from runner.engines.api import EngineAPI, EngineHTTPError, speaks_plain_http
from runner.engines.reader import ReaderClient

INFO = {"DockerRootDir": "/var/lib/docker", "Driver": "overlay2", "ServerVersion": "28.2.2"}
ANSWERS = {"/info": (200, INFO), "/images/nginx:latest/json": (200, {"Id": "sha256:1"}),
           "/volumes/data": (200, {"Name": "data"}),
           "/images/broken/json": (500, {"message": "boom"})}


class FakeEngine(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), Handler)
        self.paths: list[str] = []
        self.connections = 0
        self.close_after_each = False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as dockerd

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def address_string(self) -> str:  # a unix socket has no client address
        return "fake"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.paths.append(self.path)
        status, body = ANSWERS.get(self.path, (404, {"message": "No such object"}))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Api-Version", "1.47")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.server.close_after_each:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def engine(tmp_path):
    server = FakeEngine(tmp_path / "docker.sock")
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url_of(server: FakeEngine) -> str:
    return f"unix://{server.server_address}"


def test_urls_it_speaks_to_and_those_left_to_the_sdk():
    assert speaks_plain_http("unix:///var/run/docker.sock")
    assert speaks_plain_http("tcp://127.0.0.1:2375") and speaks_plain_http("http://h:2375")
    for url in ("ssh://me@host", "npipe:////./pipe/docker_engine", "tcp://host", "tcp://h:x",
                "unix://relative.sock"):
        assert not speaks_plain_http(url), url
    with pytest.raises(ValueError):
        EngineAPI("ssh://me@host")


def test_requests_share_one_connection(engine):
    with EngineAPI(url_of(engine)) as api:
        answer = api.get("/info")
        assert (answer.status, answer.api_version, answer.body) == (200, "1.47", INFO)
        assert api.get_json("/images/nginx:latest/json") == {"Id": "sha256:1"}
        assert api.get_json("/volumes/data") == {"Name": "data"}
    assert engine.paths == ["/info", "/images/nginx:latest/json", "/volumes/data"]
    assert engine.connections == 1


def test_a_tcp_endpoint_is_spoken_to_the_same_way():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.paths, server.connections, server.close_after_each = [], 0, False
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    try:
        assert endpoint.engine_info(f"tcp://127.0.0.1:{server.server_address[1]}") == INFO
    finally:
        server.shutdown()
        server.server_close()


def test_a_connection_the_engine_closed_is_opened_again(engine):
    engine.close_after_each = True
    with EngineAPI(url_of(engine)) as api:
        assert api.get_json("/info") == INFO
        assert api.get_json("/info") == INFO
    assert engine.connections == 2


def test_missing_object_is_none_and_an_engine_error_raises(engine):
    with EngineAPI(url_of(engine)) as api:
        assert api.get_json("/containers/www/json") is None
        with pytest.raises(EngineHTTPError, match="500 /images/broken/json: boom"):
            api.get_json("/images/broken/json")


def test_engine_info_is_one_request_and_gives_the_sdk_its_api_version(engine):
    url = url_of(engine)
    assert endpoint.engine_info(url) == INFO
    assert engine.paths == ["/info"]
    client = endpoint.docker_client(url)
    assert client.api.api_version == "1.47"  # no /version round trip was needed for it
    assert engine.paths == ["/info"]
    assert endpoint.docker_client(url) is client  # one client for the whole run


def test_engine_info_of_a_silent_socket_is_none(tmp_path):
    assert endpoint.engine_info(f"unix://{tmp_path}/nobody.sock", timeout=1) is None


def test_the_reader_answers_like_the_sdk_with_none_for_a_missing_object(engine):
    reader = ReaderClient(url_of(engine)).api
    assert reader.inspect_image("nginx:latest") == {"Id": "sha256:1"}
    assert reader.inspect_volume("data") == {"Name": "data"}
    assert reader.inspect_container("www") is None
    assert reader.containers(all=True) == []  # 404 here: an empty list, as for no container
    assert engine.paths[-1] == "/containers/json?all=1"
    reader.close()


def test_a_failing_engine_is_the_sdks_docker_exception(engine, tmp_path):
    from docker.errors import DockerException

    reader = ReaderClient(url_of(engine)).api
    with pytest.raises(DockerException, match="500 /images/broken/json: boom"):
        reader.inspect_image("broken")
    with pytest.raises(DockerException):  # what checks turn into a failed check
        ReaderClient(f"unix://{tmp_path}/nobody.sock").api.inspect_image("nginx")

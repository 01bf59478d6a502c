"""Which endpoint labrunner talks to, and whether the user chose it."""

import hashlib
import json

from runner.engines.endpoint import DEFAULT_SOCKET, configured_endpoint


def test_option_wins_over_everything():
    endpoint = configured_endpoint("tcp://127.0.0.1:2375", {"DOCKER_HOST": "unix:///x.sock"})
    assert endpoint.url == "tcp://127.0.0.1:2375" and endpoint.source == "option"


def test_docker_host_then_default(tmp_path):
    assert configured_endpoint(None, {"DOCKER_HOST": "unix:///x.sock"}).source == "DOCKER_HOST"
    default = configured_endpoint(None, {"HOME": str(tmp_path)})
    assert default.url == DEFAULT_SOCKET and not default.configured


def write_context(home, name, host):
    config = home / ".docker"
    meta = config / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": name,
                                                "Endpoints": {"docker": {"Host": host}}}))
    (config / "config.json").write_text(json.dumps({"currentContext": name}))


def test_the_docker_cli_current_context_is_a_configured_endpoint(tmp_path):
    write_context(tmp_path, "rootless", "unix:///run/user/1000/docker.sock")
    endpoint = configured_endpoint(None, {"HOME": str(tmp_path)})
    assert endpoint.url == "unix:///run/user/1000/docker.sock"
    assert endpoint.source == "context:rootless" and endpoint.configured


def test_docker_context_variable_overrides_the_config(tmp_path):
    write_context(tmp_path, "rootless", "unix:///run/user/1000/docker.sock")
    endpoint = configured_endpoint(None, {"HOME": str(tmp_path), "DOCKER_CONTEXT": "default"})
    assert endpoint.source == "default"

"""Who decides a held request (runner/guard/gate.py), and what the client hears when the
engine is gone (runner/guard/connection.py). No engine needed: a prune is decided without
asking the engine anything."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import time

import pytest

from runner.guard.created import Created
from runner.guard.decision import Decision, Question
from runner.guard.gate import Gate
from runner.guard.guard import Guard
from runner.guard.policy import Action, Held, Kind

PRUNE = Held(Action.PRUNE, Kind.VOLUME)


def decide(sandbox: bool, ask) -> Decision:
    gate = Gate("unix:///nowhere.sock", sandbox, ask, Created())
    return asyncio.run(gate.judge(PRUNE))[0]


def failing_ask(question: Question) -> bool:
    raise RuntimeError("the terminal went away")


@pytest.mark.parametrize(("sandbox", "ask", "decision"), [
    (True, None, Decision.SANDBOX), (True, lambda question: False, Decision.SANDBOX),
    (False, None, Decision.REFUSED), (False, lambda question: True, Decision.YES),
    (False, lambda question: False, Decision.NO), (False, failing_ask, Decision.NO),
])
def test_who_decides(sandbox, ask, decision):
    assert decide(sandbox, ask) is decision


def test_questions_are_asked_one_at_a_time():
    active, most = [0], [0]

    def slow_ask(question: Question) -> bool:
        active[0] += 1
        most[0] = max(most[0], active[0])
        time.sleep(0.05)
        active[0] -= 1
        return True

    async def three_at_once() -> list:
        gate = Gate("unix:///nowhere.sock", False, slow_ask, Created())
        return await asyncio.gather(*(gate.judge(PRUNE) for _ in range(3)))

    assert [decision for decision, _ in asyncio.run(three_at_once())] == [Decision.YES] * 3
    assert most[0] == 1


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("docker")
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(self.socket_path)


def test_an_unreachable_engine_is_named_in_the_error_the_cli_prints(tmp_path):
    engine = f"unix://{tmp_path}/gone.sock"
    with Guard(engine, sandbox=False, language="fr") as guard:
        connection = UnixConnection(str(guard.start()))
        connection.request("GET", "/_ping")
        response = connection.getresponse()
        message = json.loads(response.read())["message"]
    assert response.status == 502
    assert message.startswith(f"labrunner n'a pas pu joindre le moteur Docker à {engine} : ")
    assert guard.records[0]["status"] == 502 and guard.sockets == {}


def test_the_sockets_live_in_a_private_folder_even_when_tmpdir_is_long(tmp_path, monkeypatch):
    import tempfile

    long_tmp = tmp_path / ("x" * 90)
    long_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long_tmp))
    with Guard(f"unix://{tmp_path}/gone.sock", sandbox=False) as guard:
        path = guard.start()
        assert str(path.parent.parent) == "/tmp"
        assert path.is_socket() and path.parent.stat().st_mode & 0o777 == 0o700
    assert not path.parent.exists()

"""Who decides a held request (runner/guard/gate.py), and what the client hears when the
engine is gone (runner/guard/connection.py). No engine needed: a prune is decided without
asking the engine anything."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from runner.engines.api import UnixConnection
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


@pytest.mark.parametrize("held", [
    Held(Action.REMOVE, Kind.SERVICE, "web"), Held(Action.LEAVE, Kind.SWARM),
    Held(Action.DISABLE, Kind.PLUGIN, "p"), Held(Action.REMOVE, Kind.POD, "lab"),
    Held(Action.REMOVE_ALL, Kind.IMAGE), Held(Action.PRUNE, Kind.SYSTEM)])
def test_objects_of_unknown_owner_are_asked_without_the_engine(held):
    """No engine at /nowhere.sock: an inspect would have failed; these are asked straight."""
    asked: list[Question] = []
    gate = Gate("unix:///nowhere.sock", False, lambda q: asked.append(q) or True, Created())
    assert asyncio.run(gate.judge(held))[0] is Decision.YES and asked[0].held == held
    unattended = Gate("unix:///nowhere.sock", False, None, Created())
    assert asyncio.run(unattended.judge(held))[0] is Decision.REFUSED


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


REMOVE_DATA = Held(Action.REMOVE, Kind.VOLUME, "data")
LOAD = Held(Action.LOAD, Kind.IMAGE)


def judge_with_engine(monkeypatch, held: Held, ask, inspect_answer=(200, None),
                      tags: frozenset[str] | None = frozenset(),
                      created: Created | None = None) -> tuple[Decision, Question]:
    """The gate's verdict when the engine answers inspects and the tag list so."""
    from runner.guard import engine

    async def inspect(url: str, kind: str, ref: str):
        return inspect_answer

    async def all_references(url: str):
        return tags

    monkeypatch.setattr(engine, "inspect", inspect)
    monkeypatch.setattr(engine, "all_references", all_references)
    gate = Gate("unix:///nowhere.sock", False, ask, created or Created())
    return asyncio.run(gate.judge(held))


@pytest.mark.parametrize("status", [500, 503, 0])  # 0: the inspect timed out
@pytest.mark.parametrize(("ask", "decision"), [
    (None, Decision.REFUSED), (lambda question: False, Decision.NO),
    (lambda question: True, Decision.YES),
])
def test_an_inspect_that_failed_is_not_taken_for_absence(monkeypatch, status, ask, decision):
    verdict, question = judge_with_engine(monkeypatch, REMOVE_DATA, ask, (status, None))
    assert verdict is decision
    assert question.name == "data"


@pytest.mark.parametrize(("held", "absent"), [
    (REMOVE_DATA, Decision.ABSENT), (Held(Action.OVERWRITE, Kind.IMAGE, "mine:1"), Decision.NEW),
])
def test_only_a_404_means_absent(monkeypatch, held, absent):
    assert judge_with_engine(monkeypatch, held, None, (404, None))[0] is absent


@pytest.mark.parametrize(("tags", "ask", "decision"), [
    (frozenset({"nginx:latest"}), None, Decision.REFUSED),
    (frozenset({"nginx:latest"}), lambda question: True, Decision.YES),
    (frozenset({"nginx:latest"}), lambda question: False, Decision.NO),
    (None, None, Decision.REFUSED),  # the engine did not list its tags
    (frozenset({"mine:1"}), None, Decision.OWN),  # every tag is the run's: none of the user's
    (frozenset(), None, Decision.OWN),
])
def test_a_load_is_held_unless_it_cannot_move_a_tag_of_the_users(monkeypatch, tags, ask,
                                                                 decision):
    created = Created()
    created.references.add("mine:1")
    verdict, question = judge_with_engine(monkeypatch, LOAD, ask, tags=tags, created=created)
    assert verdict is decision
    assert question.name == ""


def test_a_load_is_forwarded_on_the_sandbox():
    gate = Gate("unix:///nowhere.sock", True, None, Created())
    assert asyncio.run(gate.judge(LOAD))[0] is Decision.SANDBOX


@pytest.mark.parametrize(("language", "start"), [
    ("en", "labrunner refused to load an image archive that may move tags you already have "
           "onto its images: only the engine reads the archive"),
    ("fr", "labrunner a refusé de charger une archive d'images qui peut déplacer vers ses "
           "images des étiquettes que vous avez déjà : seul le moteur lit l'archive"),
])
def test_a_refused_load_says_why(language, start):
    assert Question(LOAD, "").refusal(language).startswith(start)


class _ClientWriter:
    """The client side's writer: keeps what the guard answers."""

    def __init__(self) -> None:
        self.written = bytearray()

    def write(self, data: bytes) -> None:
        self.written += data

    async def drain(self) -> None:
        return None

    def close(self) -> None:
        return None


async def _serve_one_held_delete(socket_dir: str, client_gone: bool) -> tuple[bytes, bytes]:
    """A DELETE of a container that is not the run's, answered yes, through a `Connection` to
    a stand-in engine: (what the engine received, what the client received)."""
    from runner.guard.connection import Connection, Context

    received: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    async def stand_in_engine(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        head = await reader.read(65536)
        received.set_result(head)
        if head:
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()
        writer.close()

    server = await asyncio.start_unix_server(stand_in_engine, f"{socket_dir}/e.sock")
    client = asyncio.StreamReader()
    client.feed_data(b"DELETE /containers/theirs HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
    if client_gone:  # its command was killed while the question waited
        client.feed_eof()
    writer = _ClientWriter()
    gate = Gate(f"unix://{socket_dir}/e.sock", False, lambda question: True, Created())
    context = Context(gate.engine_url, "lab", "en", gate, Created(), [])
    async with server:
        await Connection(context, (client, writer)).serve()
        return await asyncio.wait_for(received, 5), bytes(writer.written)


@pytest.mark.parametrize("client_gone", [True, False])
def test_a_held_request_whose_client_is_gone_is_not_forwarded(monkeypatch, client_gone):
    import tempfile

    from runner.guard import engine

    async def inspect(url: str, kind: str, ref: str):
        return 200, {"Id": "c0ffee", "Name": "/theirs"}

    monkeypatch.setattr(engine, "inspect", inspect)
    with tempfile.TemporaryDirectory(dir="/tmp") as socket_dir:
        to_engine, to_client = asyncio.run(_serve_one_held_delete(socket_dir, client_gone))
    if client_gone:
        assert (to_engine, to_client) == (b"", b"")
    else:
        assert to_engine.startswith(b"DELETE /containers/theirs HTTP/1.1\r\n")
        assert to_client == b"HTTP/1.1 204 No Content\r\n\r\n"

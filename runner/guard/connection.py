"""One client connection: its requests, one after the other (keep-alive), forwarded to one
engine connection byte for byte, each held request decided before it reaches the engine."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass

from runner.guard import engine
from runner.guard.bodies import json_object, read_whole
from runner.guard.created import Collector, Created, Creation, creation_of, references_written
from runner.guard.decision import Decision, Question
from runner.guard.engine_paths import EnginePaths
from runner.guard.gate import Gate
from runner.guard.http1 import (
    BadHead,
    Framing,
    Head,
    Target,
    parse_head,
    parse_target,
    request_framing,
    response_framing,
    with_length,
    with_target,
)
from runner.guard.kept_out import kept_out_of
from runner.guard.narrowing import (
    EMPTY_BUILD_PRUNE,
    labelled_body,
    labelled_build_target,
    narrowed_target,
)
from runner.guard.policy import Action, Kind, classify
from runner.guard.record import Call
from runner.guard.seal import Refusal, needs_body, refuse_target
from runner.guard.sealing import sealing_verdict
from runner.guard.streams import copy_body, pipe_both_ways, read_head

Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]
REASONS = {200: b"OK", 403: b"Forbidden", 502: b"Bad Gateway"}
# Creates whose JSON body gets the run's label on a user's engine (a build gets it in its query).
LABELLED = (Creation.CONTAINER, Creation.VOLUME, Creation.NETWORK)
ENDS_A_CONNECTION = (ConnectionError, OSError, asyncio.IncompleteReadError, BadHead, ValueError)


@dataclass(frozen=True)
class Context:
    """What every connection of one socket shares."""

    engine_url: str
    shell: str
    language: str
    gate: Gate
    created: Created
    calls: list[Call]
    read_only: bool = False  # every request but GET and HEAD refused (a teacher's check)
    seal: EnginePaths | None = None  # the sandbox's seal (seal.py); None: no seal
    learns: bool = True  # record what the run creates (the long-lived seal does not)
    label: str = ""  # the run's label (narrowing.run_label), put on what it creates


@dataclass
class Exchange:
    """One request on its way: its head, where it goes, and its record."""

    head: Head
    target: Target
    call: Call

    @property
    def method(self) -> str:
        return self.head.start[0]


class Connection:
    def __init__(self, context: Context, client: Streams) -> None:
        self.context, self.client = context, client
        self.engine: Streams | None = None

    async def serve(self) -> None:
        """Requests until either side closes; any broken stream ends just this connection."""
        try:
            while await self._one_request():
                pass
        except ENDS_A_CONNECTION:
            pass
        finally:
            for _, writer in filter(None, (self.client, self.engine)):
                with contextlib.suppress(Exception):
                    writer.close()

    async def _one_request(self) -> bool:
        """Decide, forward and answer one request; False when the connection is over."""
        raw = await read_head(self.client[0])
        if raw is None:
            return False
        exchange = self._exchange(parse_head(raw))
        barred = self._barred(exchange)
        if barred is not None:
            await self._refuse(exchange, 403, barred.message(self.context.language))
            return not exchange.head.closes
        verdicts = await self._decide(exchange)
        if verdicts is None:
            return False
        refused = next((question for decision, question in verdicts if not decision.allows),
                       None)
        if refused is not None and refused.held.action is Action.PRUNE and self.context.label:
            return await self._narrow(exchange, refused)
        if refused is not None:
            await self._refuse(exchange, 403, refused.refusal(self.context.language))
            return not exchange.head.closes
        if verdicts and self.client[0].at_eof():
            return False  # its command was killed while the question waited: nobody wants it
        return await self._forward(exchange, dict(verdicts))

    async def _narrow(self, exchange: Exchange, question: Question) -> bool:
        """A prune not allowed goes on for the run's own objects only (see narrowing.py)."""
        exchange.call.decision = Decision.NARROWED
        if question.held.kind is Kind.BUILD_CACHE:  # no label there: nothing is the run's
            await self._reply(exchange, 200, EMPTY_BUILD_PRUNE)
            return not exchange.head.closes
        exchange.head = with_target(exchange.head, narrowed_target(exchange.head.start[1],
                                                                   self.context.label))
        return await self._forward(exchange, {})

    def _barred(self, exchange: Exchange) -> Refusal | None:
        """A refusal on the request line alone: read-only mode, or the seal's."""
        method, path = exchange.method, exchange.target.path
        refusal = None
        if self.context.read_only and _writes(exchange):
            refusal = Refusal("guard.read_only", {"request": f"{method} {path}"})
        elif self.context.seal is not None:
            refusal = refuse_target(method, exchange.target)
        if refusal is not None:
            exchange.call.decision = Decision.REFUSED
        return refusal

    async def _decide(self, exchange: Exchange) -> list[tuple[Decision, Question]] | None:
        """The verdicts on the request's held actions, the engine connected; None (after
        answering 502) when the engine cannot be reached."""
        try:
            verdicts = [await self.context.gate.judge(held)
                        for held in classify(exchange.method, exchange.target)]
            await self._engine()
        except OSError as error:  # the engine is gone: say so the way the CLI shows errors
            await self._refuse(exchange, 502, self._unreachable(error))
            return None
        _note_verdicts(exchange.call, verdicts)
        return verdicts

    def _exchange(self, head: Head) -> Exchange:
        target = parse_target(head.start[1])
        query = head.start[1].partition("?")[2]
        call = Call(time.time(), self.context.shell, head.start[0], target.path, query)
        self.context.calls.append(call)
        return Exchange(head, target, call)

    async def _refuse(self, exchange: Exchange, status: int, message: str) -> None:
        """Answer with the message the docker CLI prints ("Error response from daemon: …")."""
        await self._reply(exchange, status, message)

    async def _reply(self, exchange: Exchange, status: int, answer: str | dict,
                     body_read: bool = False) -> None:
        """Drop the request's body (unless read already) and answer it here: a message
        ({"message": …}) or a JSON object."""
        head = exchange.head
        if not body_read:
            await copy_body(request_framing(head), head.length, self.client[0], None)
        payload = {"message": answer} if isinstance(answer, str) else answer
        body = json.dumps(payload, ensure_ascii=False).encode()
        reason = REASONS.get(status, b"Error")
        self.client[1].write(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (status, reason, len(body), body))
        await self.client[1].drain()
        exchange.call.status = status

    def _unreachable(self, error: OSError) -> str:
        from runner.i18n import t

        return t("guard.engine_unreachable", self.context.language,
                 engine=self.context.engine_url, error=error.strerror or error)

    async def _forward(self, exchange: Exchange, verdicts: dict[Decision, Question]) -> bool:
        creation = (creation_of(exchange.method, exchange.target) if self.context.learns
                    else None)
        labelling = self._labels(creation)
        if labelling and creation is Creation.BUILD:
            exchange.head = with_target(exchange.head, labelled_build_target(
                exchange.head.start[1], self.context.label))
        sealing = self.context.seal is not None and needs_body(exchange.method,
                                                               exchange.target)
        reads = sealing or creation is Creation.VOLUME or (labelling and creation in LABELLED)
        raw, data = await read_whole(exchange.head, self.client[0]) if reads else (None, b"")
        body = await self._rewritten(exchange, data, sealing, labelling) if reads else None
        if isinstance(body, Refusal):
            exchange.call.decision = Decision.REFUSED
            await self._reply(exchange, 403, body.message(self.context.language), True)
            return not exchange.head.closes
        head = exchange.head.raw
        if body is not None:
            raw, head = body, with_length(exchange.head, len(body))
        kept_out = await kept_out_of(self.context.engine_url, creation, exchange.target,
                                    verdicts, data)
        resendable = raw is not None or request_framing(exchange.head) is Framing.NONE
        reused = self.engine is not None
        await self._send(exchange, head, raw)
        try:
            return await self._answer(exchange, creation, kept_out)
        except (asyncio.IncompleteReadError, ConnectionError):
            # The engine had closed this kept-alive connection before reading the request
            # (nothing answered yet): sent again on a new one, as HTTP clients do. A request
            # whose body was streamed cannot be sent twice.
            if not (reused and resendable and exchange.call.status == 0):
                raise
            self.engine = None
            await self._send(exchange, head, raw)
            return await self._answer(exchange, creation, kept_out)

    async def _send(self, exchange: Exchange, head: bytes, raw: bytes | None) -> None:
        engine_side = await self._engine()
        engine_side[1].write(head + (raw or b""))
        if raw is None:
            framing = request_framing(exchange.head)
            await copy_body(framing, exchange.head.length, self.client[0], engine_side[1])

    def _labels(self, creation: Creation | None) -> bool:
        """Does the run's label go on what this request creates (a user's engine only)?"""
        return bool(self.context.label) and not self.context.gate.sandbox and (
            creation is Creation.BUILD or creation in LABELLED)

    async def _rewritten(self, exchange: Exchange, data: bytes, sealing: bool,
                         labelling: bool) -> bytes | Refusal | None:
        """The body to forward instead of the one sent (None: the one sent), or the seal's
        refusal."""
        config = None
        if sealing:
            sealed = await sealing_verdict(self.context.engine_url, self.context.seal,
                                           exchange.target, data)
            if sealed.refusal is not None:
                return sealed.refusal
            config = sealed.body
        if labelling and exchange.target.path.strip("/") != "build":
            config = config if config is not None else json_object(data)
            config = labelled_body(config, self.context.label) if config is not None else None
        return json.dumps(config).encode() if config is not None else None

    async def _answer(self, exchange: Exchange, creation: Creation | None,
                      kept_out: frozenset[str]) -> bool:
        """Relay the engine's answer; learn what it created; False if the connection ends."""
        response, framing = await self._relay_head(exchange)
        if framing is Framing.RAW:
            await pipe_both_ways(self.client, await self._engine())
            return False
        collector = Collector() if creation else None
        await copy_body(framing, response.length, self.engine[0], self.client[1],
                        collector.feed if collector else None)
        if creation and collector and 200 <= exchange.call.status < 300:
            written = references_written(creation, exchange.target)
            exchange.call.object = self.context.created.learn(creation, collector, written,
                                                              kept_out)
        return not (exchange.head.closes or response.closes)

    async def _relay_head(self, exchange: Exchange) -> tuple[Head, Framing]:
        """The engine's response head, passed on; 1xx interim answers are passed on too.
        The call's status is recorded BEFORE the client has the head: a CLI that ends on it
        (`docker stop`: 204, no body) must not let a check read the record first."""
        reader = (await self._engine())[0]
        while True:
            response = parse_head(await reader.readuntil(b"\r\n\r\n"))
            framing = response_framing(exchange.method, response)
            if framing is not Framing.INTERIM:
                exchange.call.status = int(response.start[1])
            self.client[1].write(response.raw)
            await self.client[1].drain()
            if framing is not Framing.INTERIM:
                return response, framing

    async def _engine(self) -> Streams:
        if self.engine is None:
            self.engine = await engine.connect(self.context.engine_url)
        return self.engine



def _writes(exchange: Exchange) -> bool:
    """Could this request change the engine? Anything but GET and HEAD, and a GET that turns
    into a stream both ways (an Upgrade: attach/ws writes to a container's stdin)."""
    if exchange.method not in ("GET", "HEAD"):
        return True
    upgrading = "upgrade" in exchange.head.headers or "upgrade" in (
        exchange.head.header("connection").lower())
    return upgrading or exchange.target.path.rstrip("/").endswith("/attach/ws")


def _note_verdicts(call: Call, verdicts: list[tuple[Decision, Question]]) -> None:
    """The record keeps the decisive verdict: the first refusal, else the first one."""
    if not verdicts:
        return
    decision, question = next(((d, q) for d, q in verdicts if not d.allows), verdicts[0])
    call.action, call.object, call.decision = question.held.action, question.name, decision

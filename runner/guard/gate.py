"""Deciding a held request: ask the engine what the object is, then whose it is, then (only
if it is not the run's and the engine is not the sandbox) the user, one question at a time."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable

from runner.guard import engine
from runner.guard.created import Created
from runner.guard.decision import Decision, Question, describe, owned
from runner.guard.policy import ASKED_KINDS, Action, Held

Ask = Callable[[Question], bool]


class Gate:
    """`ask` is the runner's callback (True: go on); None means unattended: refuse."""

    def __init__(self, engine_url: str, sandbox: bool, ask: Ask | None,
                 created: Created) -> None:
        self.engine_url, self.sandbox, self.ask, self.created = engine_url, sandbox, ask, created
        self._one_question_at_a_time: asyncio.Lock | None = None

    async def judge(self, held: Held) -> tuple[Decision, Question]:
        """The decision on one held request, and the question naming its object."""
        if self.sandbox:
            return Decision.SANDBOX, Question(held, held.ref)
        if held.action in (Action.PRUNE, Action.REMOVE_ALL) or held.kind in ASKED_KINDS:
            question = Question(held, held.ref)  # nothing to inspect, nothing the run's
            return await self._ask_user(question), question
        if held.action is Action.LOAD:
            return await self._judge_load(held)
        status, facts = await engine.inspect(self.engine_url, held.kind.value, held.ref)
        if status == engine.NOT_FOUND:
            absent = Decision.NEW if held.action is Action.OVERWRITE else Decision.ABSENT
            return absent, Question(held, held.ref)
        if facts is None:  # a 500, a timeout: the object may well exist, so ask
            question = Question(held, held.ref)
            return await self._ask_user(question), question
        return await self._judge_existing(held, facts)

    async def _judge_existing(self, held: Held, facts: dict) -> tuple[Decision, Question]:
        question = Question(held, describe(held, facts))
        if held.action is Action.OVERWRITE and await self._same_image(held, facts):
            return Decision.UNCHANGED, question
        if owned(held, facts, self.created):
            return Decision.OWN, question
        return await self._ask_user(question), question

    async def _judge_load(self, held: Held) -> tuple[Decision, Question]:
        """A load may move any tag its archive names, and the archive is only read by the
        engine: it goes unasked only when every tag the engine has is the run's."""
        question = Question(held, "")
        tags = await engine.all_references(self.engine_url)
        if tags is not None and tags <= self.created.references:
            return Decision.OWN, question
        return await self._ask_user(question), question

    async def _same_image(self, held: Held, facts: dict) -> bool:
        """A tag put onto the image it already names changes nothing."""
        if not held.source:
            return False
        _, source = await engine.inspect(self.engine_url, "image", held.source)
        return source is not None and source.get("Id") == facts.get("Id")

    async def _ask_user(self, question: Question) -> Decision:
        if self.ask is None:
            return Decision.REFUSED
        if self._one_question_at_a_time is None:
            self._one_question_at_a_time = asyncio.Lock()
        async with self._one_question_at_a_time:
            allowed = await self._answer_off_the_loop(question)
        return Decision.YES if allowed else Decision.NO

    async def _answer_off_the_loop(self, question: Question) -> bool:
        """The callback blocks on the terminal: in a daemon thread of its own, so other calls
        go on, and a question left unanswered (Ctrl-C ended the run) never holds up the exit
        as a worker of the loop's executor would."""
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[bool] = loop.create_future()

        def answer() -> None:
            allowed = self._answer(question)
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(_settle, answered, allowed)

        threading.Thread(target=answer, name="labrunner-guard-question", daemon=True).start()
        return await answered

    def _answer(self, question: Question) -> bool:
        """The callback's answer; a callback that fails has not said yes."""
        try:
            return bool(self.ask(question)) if self.ask else False
        except Exception:  # noqa: BLE001 - whatever went wrong, nothing is deleted
            return False


def _settle(future: asyncio.Future, value: bool) -> None:
    if not future.done():
        future.set_result(value)

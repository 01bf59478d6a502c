"""Objects a creation names that existed before it: they stay the user's, never the run's
(a volume created again, a tag pulled again, whatever tags a load may move)."""

from __future__ import annotations

from runner.guard import engine
from runner.guard.bodies import json_field
from runner.guard.created import Creation, references_written
from runner.guard.decision import Decision, Question
from runner.guard.http1 import Target
from runner.guard.policy import normal_reference


async def kept_out_of(url: str, creation: Creation | None, target: Target,
                      verdicts: dict[Decision, Question], body: bytes) -> frozenset[str]:
    """The names and tags, among those the request creates, that the user had already."""
    if creation is Creation.LOAD:
        return await engine.all_references(url) or frozenset()
    if creation is Creation.PULL:
        refs = references_written(creation, target)
        return frozenset([ref for ref in refs if await _may_exist(url, "image", ref)])
    if creation is Creation.VOLUME:
        name = json_field(body, "Name")
        exists = bool(name) and await _may_exist(url, "volume", name)
        return frozenset([name]) if exists else frozenset()
    unchanged = verdicts.get(Decision.UNCHANGED)
    return frozenset([normal_reference(unchanged.held.ref)]) if unchanged else frozenset()


async def _may_exist(url: str, kind: str, ref: str) -> bool:
    """Unless the engine says 404, the object may be the user's: keep it out of the run's."""
    status, _ = await engine.inspect(url, kind, ref)
    return status != engine.NOT_FOUND

"""engine_call: the shell asked the engine for a given action during the task (or the step),
as the engine guard recorded it.

Evidence from the engine, not from text: `echo docker pull x`, a comment, or `docker tag a x`
(which makes `x` appear without pulling it) prove nothing. Passes when the guard recorded at
least `count` requests of `action` (on the object `name`, when given) that the engine answered
with success (2xx); a request the guard refused or the engine failed never counts. `action`
is in the docker CLI's words: `image pull`, `image ls`, `image rm`, `system df`, `container
exec`… (a list: any of them). `name` is the object as the student names it: `memcached`
stands for `memcached:latest` and `docker.io/library/memcached:latest`. Without the guard's
record (an engine labrunner cannot guard) the check fails, even under `not: true`.

`container run` is a create and a start, `system prune` the three prunes the CLI sends
(containers, networks, images); `docker run` of a missing image is also an `image pull`.
`image build` is the classic builder's request: a build through buildx (BuildKit's own
protocol) is not recognised as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StrictStr

from runner.checks.base import CheckBase, CheckContext, CheckOutcome, Problem, outcome, unexamined
from runner.checks.engine_actions import ACTIONS, Route, action_of
from runner.guard.policy import Kind, normal_reference
from runner.messages import Message, msg
from runner.run.status import CheckStatus

ActionName = Literal[tuple(ACTIONS)]  # type: ignore[valid-type]
SHOWN_CALLS = 6  # enough to see what the shell did instead, short enough for a projector


class EngineCallCheck(CheckBase):
    """The shell made this kind of request to the engine (from the guard's record)."""

    type: Literal["engine_call"]
    action: ActionName | Annotated[list[ActionName], Field(min_length=1)] = Field(
        description="What was asked, in the docker CLI's words (a list: any of them): "
        + ", ".join(f"`{action}`" for action in ACTIONS) + ".")
    name: StrictStr | None = Field(
        None, description="The object it was about, as the student names it (an image "
        "without a tag is its `latest`).")
    count: Annotated[StrictInt, Field(ge=1)] = Field(
        1, description="How many such requests at least.")


def evaluate(check: EngineCallCheck, ctx: CheckContext) -> CheckOutcome:
    actions = [check.action] if isinstance(check.action, str) else list(check.action)
    name = ctx.text(check.name) if check.name is not None else None
    summary = _summary(actions, name, check.count)
    expected = _expected(actions, name, check.count)
    if ctx.engine_calls is None:
        if getattr(check, "skip_without_record", False):  # practice's own evidence
            return CheckOutcome(CheckStatus.SKIP, summary, note=msg("check.engine_call_unrecorded"))
        return outcome(summary, [unexamined(msg("check.engine_call_unrecorded"), expected, "-")])
    calls = list(ctx.engine_calls)
    if max(times(action, name, calls) for action in actions) >= check.count:
        return outcome(summary, [])
    return outcome(summary, [Problem(msg("check.engine_call_seen"), expected, shown(calls))])


def times(action: str, name: str | None, calls: Sequence[dict]) -> int:
    """How many times `action` (on `name`) succeeded: for an action of several requests, the
    fewest times one of them did."""
    aliases = _container_aliases(calls)
    return min(sum(1 for call in calls if succeeded(call)
                   and _is_part(part, call, name, aliases)) for part in ACTIONS[action])


def succeeded(call: dict) -> bool:
    """The engine answered 2xx, and the guard let the request through."""
    allowed = str(call.get("decision", "forwarded")) not in ("no", "refused")
    return allowed and 200 <= int(call.get("status") or 0) < 300


def _is_part(part: tuple[Route, ...], call: dict, name: str | None,
             aliases: dict[str, str]) -> bool:
    for route in part:
        named = route.names(call)
        if named is not None and (name is None or any(
                _same(kind, value, name, aliases) for kind, value in named)):
            return True
    return False


def _same(kind: Kind, value: str, name: str, aliases: dict[str, str]) -> bool:
    """Is `value`, an object of `kind` a request names, the object the check calls `name`?"""
    if kind is Kind.IMAGE:
        return normal_reference(value) == normal_reference(name)
    if kind is Kind.CONTAINER:
        value = value.lstrip("/")
        return value == name or _short_id_of(value, name, aliases)
    return value == name


def _short_id_of(value: str, name: str, aliases: dict[str, str]) -> bool:
    """`value` is the id (or an id prefix) of the container created here as `name`: `docker
    run --name web` starts it by its id."""
    is_hex = len(value) >= 4 and all(c in "0123456789abcdef" for c in value)
    return is_hex and any(ident.startswith(value) and created == name
                          for ident, created in aliases.items())


def _container_aliases(calls: Sequence[dict]) -> dict[str, str]:
    """id -> name of each container a successful create named, and of each container the
    CLI looked up by name just before naming it by id (`docker logs web` inspects `web`,
    then asks for the logs of its id)."""
    create = ACTIONS["container create"][0][0]
    aliases: dict[str, str] = {}
    looked_up = ""
    for call in filter(succeeded, calls):
        names = [value for kind, value in create.names(call) or () if kind is Kind.CONTAINER]
        if len(names) == 2:  # the `name` parameter, then the id the engine answered
            aliases[names[1]] = names[0]
        known = action_of(call)
        ids = [value for kind, value in (known[1] if known else ()) if kind is Kind.CONTAINER
               and _is_id(value)]
        if looked_up and ids:
            aliases.setdefault(ids[0], looked_up)
        inspected = known is not None and known[0] == "container inspect" and not ids
        looked_up = known[1][0][1] if inspected else ""
    return aliases


def _is_id(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def shown(calls: Sequence[dict]) -> str:
    """The calls as the problem's actual value: the last few, in the CLI's words when known
    (the CLI's pings before each command left out)."""
    calls = [call for call in calls if call.get("endpoint") != "/_ping"]
    lines = [_described(call) for call in calls[-SHOWN_CALLS:]]
    more = len(calls) - SHOWN_CALLS
    return "\n".join(([f"… (+{more})"] if more > 0 else []) + lines) or "-"


def _described(call: dict) -> str:
    known = action_of(call)
    what = (f"{call.get('method')} {call.get('endpoint')}" if known is None
            else " ".join([known[0], *_unique(_shown_name(*named) for named in known[1])]))
    decision = str(call.get("decision", ""))
    refused = f" {decision}" if decision in ("no", "refused") else ""
    return f"{what} → {call.get('status')}{refused}"


def _shown_name(kind: Kind, value: str) -> str:
    """An image as `docker images` shows it (docker.io/library/x -> x:latest)."""
    return normal_reference(value) if kind is Kind.IMAGE and value else value


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))[:2]


def _expected(actions: list[str], name: str | None, count: int) -> str:
    what = " | ".join(actions) + (f" {name}" if name else "")
    return f"{count} × {what}" if count > 1 else what


def _summary(actions: list[str], name: str | None, count: int) -> Message:
    action: str | Message = f"`{actions[0]}`"
    if len(actions) > 1:
        action = msg("check.engine_call_either", actions=", ".join(f"`{a}`" for a in actions[:-1]),
                     last=f"`{actions[-1]}`")
    summary = (msg("check.engine_call_of", action=action, name=name) if name
               else msg("check.engine_call", action=action))
    return msg("check.engine_call_times", summary=summary, count=count) if count > 1 else summary


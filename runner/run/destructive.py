"""Steps that delete objects a lab did not create (all containers, all images, prunes): the
one module that decides what such a step would delete and whether it may run.

`validate` refuses a step whose commands match one of these unless the step says
`destructive: true` (`unmarked_kinds`); an unattended run does not start such a lab on the
user's engine without --yes-destructive (`unattended_refusal`); an interactive run shows what
the step would delete and asks (`may_run`). The CLI only maps a refusal to its exit code.

The rule for "remove everything": a command line that lists every id of a kind (`-q`) AND
removes that kind deletes them all, however the two are joined: `$(…)`, `| xargs`, a
`for` loop. A prune deletes what nothing uses, the student's own dangling images included.
A `--filter` (e.g. on the lab's own label) narrows either to some objects: not flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_QUIET = r"[^|;&)\n]*\s-[a-zA-Z]*q"  # the listing's options include -q (or -aq, -qa…)
# kind -> (a listing of every id, a removal)
EVERYTHING = {
    "containers": (re.compile(rf"docker\s+(container\s+)?(ps|ls){_QUIET}"),
                   re.compile(r"docker\s+(container\s+)?(rm|stop|kill)\b")),
    "images": (re.compile(rf"docker\s+(image\s+ls|images){_QUIET}"),
               re.compile(r"docker\s+(image\s+rm|rmi)\b")),
    "volumes": (re.compile(rf"docker\s+volume\s+ls{_QUIET}"),
                re.compile(r"docker\s+volume\s+rm\b")),
}
PRUNES = {
    re.compile(r"docker\s+system\s+prune\b"): {"containers", "images", "volumes"},
    re.compile(r"docker\s+image\s+prune\b"): {"images"},
    re.compile(r"docker\s+container\s+prune\b"): {"containers"},
    re.compile(r"docker\s+volume\s+prune\b"): {"volumes"},
}
FILTERED = re.compile(r"--filter[\s=]")


def deleted_kinds(commands: Iterable[str]) -> frozenset[str]:
    """The kinds of object ("containers", "images", "volumes") these commands may delete."""
    kinds: set[str] = set()
    for command in commands:
        if FILTERED.search(command):  # narrowed to some objects, e.g. the lab's own label
            continue
        kinds |= {kind for kind, (listing, removal) in EVERYTHING.items()
                  if listing.search(command) and removal.search(command)}
        kinds |= {kind for pattern, pattern_kinds in PRUNES.items()
                  if pattern.search(command) for kind in pattern_kinds}
    return frozenset(kinds)


def unmarked_kinds(step) -> frozenset[str]:
    """What a step deletes without saying so (`validate` refuses such a step)."""
    return frozenset() if step.destructive else deleted_kinds(step.commands)


def unattended_refusal(lab, profile, unattended: bool, confirmed: bool):
    """Unattended, nobody can confirm: a lab that deletes the user's objects does not start
    on their engine unless --yes-destructive said so beforehand (the sandbox is always fine).
    Returns the UsageError to raise, or None."""
    from runner.errors import UsageError

    steps = [step.id for step in lab.steps if step.destructive]
    if steps and unattended and not confirmed and not profile.sandbox:
        return UsageError("cli.destructive_unattended", steps=", ".join(steps),
                          endpoint=profile.endpoint)
    return None


def may_run(step, commands: list[str], profile, docker, emit, confirm) -> bool:
    """May this destructive step run now? The sandbox allows it; elsewhere the person sees
    what it would delete on their engine right now (a DestructivePreview), then decides
    (`confirm(step)`: the pacer's question, or --yes-destructive unattended). `docker()` is
    the run's client, asked for only when the engine is not the sandbox."""
    from runner.engines.inventory import KINDS, take
    from runner.run.events import DestructivePreview

    if profile.sandbox:
        return True
    kinds = deleted_kinds(commands) or frozenset(KINDS)
    inventory = take(docker().api)
    emit(DestructivePreview(step, {kind: inventory.names(kind) for kind in KINDS
                                   if kind in kinds}))
    return confirm(step)

"""Whether a held request may go on: the run's own objects yes, the sandbox yes, anything else
only when the user says so. Pure: the engine's facts about the object come in as a dict."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from runner.guard.created import Created
from runner.guard.policy import Action, Held, Kind, normal_reference


class Decision(StrEnum):
    FORWARDED = "forwarded"  # not a held request
    OWN = "own"  # the run created the object
    SANDBOX = "sandbox"  # the engine is labrunner's sandbox: nothing of the user's is there
    ABSENT = "absent"  # no such object: the engine gives its own answer
    NEW = "new"  # a tag that does not exist yet
    UNCHANGED = "unchanged"  # a tag put back onto the image it already names
    YES = "yes"  # the user allowed it
    NO = "no"  # the user refused it
    REFUSED = "refused"  # unattended: nobody to ask
    NARROWED = "narrowed"  # a prune not allowed, forwarded for the run's own objects only

    @property
    def allows(self) -> bool:
        return self not in (Decision.NO, Decision.REFUSED)


# (action, kind) -> the catalog key saying what the request would do, naming `{name}`.
WHAT = {
    (Action.REMOVE, Kind.CONTAINER): "guard.remove_container",
    (Action.STOP, Kind.CONTAINER): "guard.stop_container",
    (Action.KILL, Kind.CONTAINER): "guard.kill_container",
    (Action.RESTART, Kind.CONTAINER): "guard.restart_container",
    (Action.PAUSE, Kind.CONTAINER): "guard.pause_container",
    (Action.RENAME, Kind.CONTAINER): "guard.rename_container",
    (Action.UPDATE, Kind.CONTAINER): "guard.update_container",
    (Action.EXEC, Kind.CONTAINER): "guard.exec_container",
    (Action.COPY_INTO, Kind.CONTAINER): "guard.copy_into_container",
    (Action.REMOVE, Kind.IMAGE): "guard.remove_image",
    (Action.REMOVE, Kind.VOLUME): "guard.remove_volume",
    (Action.REMOVE, Kind.NETWORK): "guard.remove_network",
    (Action.PRUNE, Kind.CONTAINER): "guard.prune_containers",
    (Action.PRUNE, Kind.IMAGE): "guard.prune_images",
    (Action.PRUNE, Kind.VOLUME): "guard.prune_volumes",
    (Action.PRUNE, Kind.NETWORK): "guard.prune_networks",
    (Action.PRUNE, Kind.BUILD_CACHE): "guard.prune_build_cache",
    (Action.OVERWRITE, Kind.IMAGE): "guard.overwrite_image",
    (Action.LOAD, Kind.IMAGE): "guard.overwrite_by_load",
    (Action.REMOVE, Kind.SERVICE): "guard.remove_service",
    (Action.REMOVE, Kind.SECRET): "guard.remove_secret",
    (Action.REMOVE, Kind.CONFIG): "guard.remove_config",
    (Action.REMOVE, Kind.PLUGIN): "guard.remove_plugin",
    (Action.DISABLE, Kind.PLUGIN): "guard.disable_plugin",
    (Action.LEAVE, Kind.SWARM): "guard.leave_swarm",
    (Action.REMOVE, Kind.POD): "guard.remove_pod",
    (Action.PRUNE, Kind.POD): "guard.prune_pods",
    (Action.PRUNE, Kind.SYSTEM): "guard.prune_system",
    (Action.REMOVE_ALL, Kind.IMAGE): "guard.remove_all_images",
}
# Requests that name no object: the refusal says why instead of "it is not the run's".
REFUSALS = {Action.PRUNE: "guard.refused_prune", Action.LOAD: "guard.refused_load",
            Action.REMOVE_ALL: "guard.refused_prune"}
# Kinds whose objects the guard cannot tell the run's from the user's.
UNKNOWN_OWNER = ("service", "secret", "config", "plugin", "pod", "swarm")


@dataclass(frozen=True)
class Question:
    """What the runner's `ask` callback is given: the request and the object it names."""

    held: Held
    name: str  # the object as the user knows it: "web (3f2a9c1b7d0e)"; "" for a prune

    def what(self, language: str) -> str:
        from runner.i18n import t

        return t(WHAT[self.held.action, self.held.kind], language, name=self.name)

    def text(self, language: str) -> str:
        """The question to show: "The lab wants to remove the container web (…)…"."""
        from runner.i18n import t

        key = "guard.question_unknown" if self.unknown_owner else "guard.question"
        return t(key, language, what=self.what(language))

    @property
    def unknown_owner(self) -> bool:
        """Whose the object is cannot be known (a service, a plugin, the swarm...)."""
        return self.held.kind.value in UNKNOWN_OWNER and self.held.action is not Action.PRUNE

    def refusal(self, language: str) -> str:
        """The error the docker CLI prints when the request is refused."""
        from runner.i18n import t

        key = REFUSALS.get(self.held.action, "guard.refused")
        return t("guard.refused_unknown" if self.unknown_owner else key, language,
                 what=self.what(language))


def owned(held: Held, facts: dict, created: Created) -> bool:
    """Did this run create the object the engine described (`facts`, its inspect answer)?"""
    if held.action in (Action.PRUNE, Action.LOAD, Action.REMOVE_ALL):
        return False
    if held.kind is Kind.CONTAINER:
        return facts.get("Id") in created.containers
    if held.kind is Kind.VOLUME:
        return facts.get("Name") in created.volumes
    if held.kind is Kind.NETWORK:
        return facts.get("Id") in created.networks
    return _image_owned(held, facts, created)


def _image_owned(held: Held, facts: dict, created: Created) -> bool:
    """A tag is the run's if the run wrote it; removing by id deletes every tag of the image,
    so then every tag must be the run's (an untagged image: its id must be)."""
    ref = normal_reference(held.ref)
    tags = {normal_reference(tag) for tag in facts.get("RepoTags") or ()}
    if held.action is Action.OVERWRITE or ref in tags:
        return ref in created.references
    if tags:
        return tags <= created.references
    return facts.get("Id") in created.images


def describe(held: Held, facts: dict) -> str:
    """The object as the user knows it, with a short id when the name is not one."""
    short = str(facts.get("Id", "")).removeprefix("sha256:")[:12]
    if held.kind is Kind.VOLUME:
        return str(facts.get("Name", held.ref))
    if held.kind is Kind.CONTAINER or held.kind is Kind.NETWORK:
        name = str(facts.get("Name", held.ref)).lstrip("/")
        return f"{name} ({short})" if short and not short.startswith(name) else name
    ref = normal_reference(held.ref) if held.action is Action.OVERWRITE else held.ref
    is_its_id = short.startswith(ref.removeprefix("sha256:")[:12])
    return f"{ref} ({short})" if short and not is_its_id else ref

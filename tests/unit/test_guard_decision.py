"""Whose object a held request names, how it is named to the user, and what the refusal says
(runner/guard/decision.py)."""

from __future__ import annotations

import pytest

from runner.guard.created import Created
from runner.guard.decision import WHAT, Decision, Question, describe, owned
from runner.guard.policy import Action, Held, Kind

CONTAINER = {"Id": "3f2a9c1b7d0e" + "0" * 52, "Name": "/web"}
IMAGE = {"Id": "sha256:" + "ab" * 32, "RepoTags": ["mine:1", "docker.io/library/theirs:latest"]}


def run_made(**sets: set[str]) -> Created:
    return Created(**sets)


def test_only_refusals_stop_a_request():
    assert {d for d in Decision if not d.allows} == {Decision.NO, Decision.REFUSED}


@pytest.mark.parametrize("action", [Action.REMOVE, Action.STOP, Action.KILL, Action.RESTART])
def test_a_container_is_the_runs_when_its_id_was_created_by_the_run(action):
    held = Held(action, Kind.CONTAINER, "web")
    assert owned(held, CONTAINER, run_made(containers={CONTAINER["Id"]}))
    assert not owned(held, CONTAINER, run_made(containers={"other"}))


def test_volumes_go_by_name_and_networks_by_id():
    volume, network = Held(Action.REMOVE, Kind.VOLUME, "v"), Held(Action.REMOVE, Kind.NETWORK, "n")
    assert owned(volume, {"Name": "data"}, run_made(volumes={"data"}))
    assert not owned(volume, {"Name": "data"}, run_made(volumes={"other"}))
    assert owned(network, {"Id": "n1", "Name": "n"}, run_made(networks={"n1"}))
    assert not owned(network, {"Id": "n1", "Name": "n"}, run_made(networks={"n"}))


def test_removing_a_tag_needs_only_that_tag_to_be_the_runs():
    made = run_made(references={"mine:1"})
    assert owned(Held(Action.REMOVE, Kind.IMAGE, "mine:1"), IMAGE, made)
    assert owned(Held(Action.REMOVE, Kind.IMAGE, "docker.io/library/mine:1"), IMAGE, made)
    assert not owned(Held(Action.REMOVE, Kind.IMAGE, "theirs"), IMAGE, made)


def test_removing_by_id_needs_every_tag_to_be_the_runs():
    by_id = Held(Action.REMOVE, Kind.IMAGE, "abababababab")
    assert not owned(by_id, IMAGE, run_made(references={"mine:1"}, images={IMAGE["Id"]}))
    assert owned(by_id, IMAGE, run_made(references={"mine:1", "theirs:latest"}))


def test_an_untagged_image_is_the_runs_when_its_id_is():
    dangling = {"Id": "sha256:cd", "RepoTags": []}
    by_id = Held(Action.REMOVE, Kind.IMAGE, "sha256:cd")
    assert owned(by_id, dangling, run_made(images={"sha256:cd"}))
    assert not owned(by_id, dangling, run_made())


def test_overwriting_a_tag_is_allowed_only_on_the_runs_tags():
    made = run_made(references={"mine:1"})
    assert owned(Held(Action.OVERWRITE, Kind.IMAGE, "mine:1"), IMAGE, made)
    assert not owned(Held(Action.OVERWRITE, Kind.IMAGE, "theirs"), IMAGE,
                     run_made(references={"mine:1"}))


def test_a_prune_is_never_the_runs():
    assert not owned(Held(Action.PRUNE, Kind.CONTAINER), {}, run_made(containers={"x"}))


@pytest.mark.parametrize(("held", "facts", "name"), [
    (Held(Action.REMOVE, Kind.CONTAINER, "web"), CONTAINER, "web (3f2a9c1b7d0e)"),
    (Held(Action.REMOVE, Kind.CONTAINER, "3f2a9c1b"), CONTAINER, "web (3f2a9c1b7d0e)"),
    (Held(Action.REMOVE, Kind.IMAGE, "mine:1"), IMAGE, "mine:1 (abababababab)"),
    (Held(Action.REMOVE, Kind.IMAGE, "ababab"), IMAGE, "ababab"),
    (Held(Action.OVERWRITE, Kind.IMAGE, "docker.io/library/mine:1"), IMAGE,
     "mine:1 (abababababab)"),
    (Held(Action.REMOVE, Kind.VOLUME, "data"), {"Name": "data"}, "data"),
    (Held(Action.REMOVE, Kind.NETWORK, "lab"), {"Id": "9" * 64, "Name": "lab"},
     "lab (999999999999)"),
])
def test_the_object_is_named_as_the_user_knows_it(held, facts, name):
    assert describe(held, facts) == name


def test_every_held_action_has_a_message():
    from runner.guard.policy import _LIBPOD_ONLY, _PRUNABLE, _REMOVABLE

    expected = {(Action.PRUNE, kind) for kind in (*_PRUNABLE.values(), *_LIBPOD_ONLY.values())}
    expected |= {(Action.REMOVE, Kind.POD), (Action.DISABLE, Kind.PLUGIN),
                 (Action.LEAVE, Kind.SWARM), (Action.REMOVE_ALL, Kind.IMAGE)}
    expected |= {(Action.REMOVE, kind) for kind in _REMOVABLE.values()}
    expected |= {(action, Kind.CONTAINER) for action in (
        Action.STOP, Action.KILL, Action.RESTART, Action.PAUSE, Action.RENAME, Action.UPDATE,
        Action.EXEC, Action.COPY_INTO)}
    assert set(WHAT) == expected | {(Action.OVERWRITE, Kind.IMAGE), (Action.LOAD, Kind.IMAGE)}


@pytest.mark.parametrize(("held", "english"), [
    (Held(Action.REMOVE, Kind.SERVICE, "web"), "remove the swarm service web"),
    (Held(Action.LEAVE, Kind.SWARM), "make this engine leave its swarm"),
    (Held(Action.DISABLE, Kind.PLUGIN, "vieux/sshfs"), "disable the plugin vieux/sshfs"),
])
def test_an_object_of_unknown_owner_is_asked_and_refused_as_such(held, english):
    question = Question(held, held.ref)
    assert question.text("en") == (f"The lab wants to {english}; labrunner cannot tell "
                                   "whether this lab run made it. Allow it?")
    assert "cannot tell whether this lab run made it" in question.refusal("en")
    assert "ne peut pas savoir" in question.refusal("fr")


def test_a_refusal_names_the_object_and_how_to_allow_it_in_both_languages():
    question = Question(Held(Action.REMOVE, Kind.CONTAINER, "web"), "web (3f2a9c1b7d0e)")
    english, french = question.refusal("en"), question.refusal("fr")
    assert "remove the container web (3f2a9c1b7d0e)" in english
    assert "supprimer le conteneur web (3f2a9c1b7d0e)" in french
    for text in (english, french):
        assert "--yes-destructive" in text and "--engine sandbox" in text


def test_a_prune_refusal_says_it_would_reach_beyond_the_run():
    question = Question(Held(Action.PRUNE, Kind.IMAGE), "")
    assert "remove unused images (prune)" in question.refusal("en")
    assert "objects this lab run did not create" in question.refusal("en")
    assert question.text("fr").startswith("Le lab veut supprimer les images inutilisées")

"""The what-changed panel's diff, on fake engine snapshots (no engine, no process)."""

from __future__ import annotations

from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.run import events as ev
from runner.run.changes import (
    FILES_SHOWN,
    ChangesListener,
    container_moves,
    file_changes,
    host_path,
    image_moves,
    watch_changes,
)
from runner.run.engine_snapshot import ContainerState, Snapshot

LAB = Lab.model_validate({
    "format": 2, "id": "demo", "title": {"fr": "Démo", "en": "Demo"},
    "steps": [{"id": "touch", "title": {"fr": "Toucher", "en": "Touch"},
               "explain": {"fr": "x", "en": "x"}, "run": "docker exec www touch /MYFILE"}],
})
STEP = LAB.steps[0]
PROFILE = EngineProfile("linux", "unix:///fake.sock", "/var/lib/docker", "overlay2", "27", True)
UPPER = "/var/lib/docker/overlay2/abc/diff"
WWW = ContainerState("www", True)


def snapshot(images=None, containers=None, at=0.0) -> Snapshot:
    return Snapshot(dict(images or {}), dict(containers or {}), at)


class FakeEngine:
    """Answers like EngineSnapshots, from scripted snapshots and layers."""

    def __init__(self, snapshots, changes=None, touched=(), layers=None) -> None:
        self.snapshots = list(snapshots)
        self.layer_counts = dict(layers or {})
        self.layers: dict[str, int] = {}
        self.layer_changes = changes or {}
        self.touched_ids = set(touched)
        self.closed = False

    def take(self) -> Snapshot:
        return self.snapshots.pop(0)

    def layer_count(self, image_id: str) -> int:
        self.layers[image_id] = self.layer_counts.get(image_id, 0)
        return self.layers[image_id]

    def remember_layers(self, image_ids) -> None:
        for image_id in image_ids:
            self.layer_count(image_id)

    def changes(self, container_id: str) -> dict[str, int]:
        value = self.layer_changes[container_id]
        return value.pop(0) if isinstance(value, list) else value

    def inspect(self, container_id: str) -> dict:
        return {"Id": container_id, "State": {"Running": True},
                "GraphDriver": {"Name": "overlay2", "Data": {"UpperDir": UPPER}}}

    def touched(self, since: float, until: float) -> set[str]:
        return set(self.touched_ids)

    def close(self) -> None:
        self.closed = True


class Heard:
    def __init__(self) -> None:
        self.events: list[ev.Event] = []

    def on_event(self, event: ev.Event) -> None:
        self.events.append(event)


def run_one_step(engine: FakeEngine, profile: EngineProfile = PROFILE) -> list[ev.Event]:
    heard = Heard()
    listener = ChangesListener(heard, lambda endpoint: engine)
    for event in (ev.LabStarted(LAB, "en", profile, "/w"), ev.StepStarted(STEP, 1, 1),
                  ev.StepFinished(STEP, True)):
        listener.on_event(event)
    return heard.events


def test_containers_created_started_stopped_removed_by_id():
    before = snapshot(containers={"a": WWW, "b": ContainerState("db", False),
                                  "c": ContainerState("old", True)})
    after = snapshot(containers={"a": ContainerState("www", False),
                                 "b": ContainerState("db", True), "d": ContainerState("new", True)})
    moves = container_moves(before, after)
    assert moves.created == ("d",) and set(moves.started) == {"b", "d"}
    assert moves.stopped == ("a",) and moves.removed == ("c",)


def test_images_added_and_removed_by_id_not_by_name():
    before = snapshot(images={"sha256:1": "nginx:latest", "sha256:2": "alpine:latest"})
    after = snapshot(images={"sha256:1": "web:1", "sha256:3": "alpine:latest"})  # a re-tag
    assert image_moves(before, after) == (["sha256:3"], ["sha256:2"])


def test_file_changes_against_the_layer_last_seen():
    assert file_changes({"/MYFILE": 1}, None) == [("added", "/MYFILE")]
    seen = {"/run": 0, "/run/x.pid": 1}
    now = {"/run": 0, "/MYFILE": 1, "/etc/hosts": 0, "/bin/sh": 2}
    assert file_changes(now, seen) == [("added", "/MYFILE"), ("deleted", "/bin/sh"),
                                       ("changed", "/etc/hosts"), ("deleted", "/run/x.pid")]


def test_host_path_only_for_what_is_there():
    assert host_path(UPPER, "added", "/MYFILE") == f"{UPPER}/MYFILE"
    assert host_path(UPPER, "deleted", "/MYFILE") == ""
    assert host_path("", "added", "/MYFILE") == ""


def test_an_exec_into_a_running_container_shows_the_file_it_gained_with_its_host_path():
    before = snapshot(images={"sha256:1": "nginx:latest"}, containers={"w": WWW})
    engine = FakeEngine([before, snapshot(before.images, before.containers, 1.0)],
                        changes={"w": {"/MYFILE": 1}}, touched={"w"})
    events = run_one_step(engine)
    changes = next(e for e in events if isinstance(e, ev.StepChanges))
    assert changes.files == {"www": (("added", "/MYFILE", f"{UPPER}/MYFILE"),)}
    assert not changes.containers_created and not changes.images_added
    # The panel comes after the step's checks, before StepFinished.
    assert [type(e) for e in events][-2:] == [ev.StepChanges, ev.StepFinished]


def test_an_untouched_container_is_not_read_and_nothing_changed_means_no_panel():
    before = snapshot(containers={"w": WWW})
    engine = FakeEngine([before, before], changes={})  # changes("w") would raise KeyError
    events = run_one_step(engine)
    assert not any(isinstance(e, ev.StepChanges) for e in events)
    assert engine.closed is False  # no error: the panel stays on


def test_pull_and_remove_count_layers_even_of_an_image_now_gone():
    before = snapshot(images={"sha256:old": "alpine:latest"})
    after = snapshot(images={"sha256:new": "nginx:latest"})
    engine = FakeEngine([before, after], layers={"sha256:old": 4, "sha256:new": 7})
    changes = run_one_step(engine)[-2]
    assert changes.images_added == (("nginx:latest", 7),)
    assert changes.images_removed == (("alpine:latest", 4),)


def test_a_new_container_lists_its_whole_layer_capped():
    many = {f"/f{n:02}": 1 for n in range(FILES_SHOWN + 5)}
    engine = FakeEngine([snapshot(), snapshot(containers={"n": WWW})], changes={"n": many})
    changes = run_one_step(engine, EngineProfile("remote", "unix:///fake.sock", "/d",
                                                 "overlay2", "27", False))[-2]
    assert changes.containers_created == ("www",) and changes.containers_started == ("www",)
    assert len(changes.files["www"]) == FILES_SHOWN and changes.files_left_out == {"www": 5}
    assert all(host == "" for _, _, host in changes.files["www"])  # folders not visible here


def test_an_engine_error_turns_the_panel_off_never_the_run():
    class Failing(FakeEngine):
        def take(self) -> Snapshot:
            raise ConnectionRefusedError("gone")

    engine = Failing([])
    events = run_one_step(engine)
    assert [type(e) for e in events] == [ev.LabStarted, ev.StepStarted, ev.StepFinished]
    assert engine.closed


def test_no_diff_leaves_the_listener_as_it_is():
    heard = Heard()
    assert watch_changes(heard, enabled=False) is heard
    assert isinstance(watch_changes(heard), ChangesListener)


def test_watch_shows_an_improvised_shell_s_changes_and_the_step_keeps_its_own():
    empty, one = snapshot(at=0.0), snapshot(containers={"i": WWW}, at=1.0)
    two = snapshot(containers={"i": WWW, "s": ContainerState("web", True)}, at=2.0)
    engine = FakeEngine([empty, empty, one, one, two],
                        changes={"i": {}, "s": {}})
    heard = Heard()
    listener = ChangesListener(heard, lambda endpoint: engine)
    listener.on_event(ev.LabStarted(LAB, "en", PROFILE, "/w"))
    listener.on_event(ev.StepStarted(STEP, 1, 1))
    assert listener.watch(STEP, lambda: "shell done") == "shell done"
    listener.on_event(ev.StepFinished(STEP, True))
    panels = [e for e in heard.events if isinstance(e, ev.StepChanges)]
    assert [p.containers_created for p in panels] == [("www",), ("web",)]

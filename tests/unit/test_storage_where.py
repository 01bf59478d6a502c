"""`labrunner where`: what it prints about a located layer, in both languages."""

from __future__ import annotations

import pytest

from runner.commands.where import report, text_lines
from runner.storage.layout import docker_layout
from runner.storage.locate import ContainerLayer, Method
from tests.unit.storage_fixtures import profile

DETAILS = {"Id": "c14ab815e57b" + "0" * 52, "State": {"Running": False}}


def located(running: bool) -> ContainerLayer:
    return ContainerLayer(DETAILS["Id"], docker_layout("overlay2", "/var/lib/docker"),
                          Method.LAYERDB, "/var/lib/docker/image/overlay2/layerdb/mounts/c/id",
                          "/var/lib/docker/overlay2/m/diff", "/var/lib/docker/overlay2/m/merged",
                          "/var/lib/docker/overlay2/m/work",
                          ("/var/lib/docker/overlay2/m-init/diff",), running)


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Writable layer: /var/lib/docker/overlay2/m/diff", "mount-id",
            "mounted only while the container runs", "Image layers (1, top first)"]),
    ("fr", ["Couche en écriture : /var/lib/docker/overlay2/m/diff", "mount-id",
            "montée seulement tant que le conteneur tourne", "Couches de l'image (1,"]),
])
def test_a_stopped_containers_layer(language, words):
    answer = report("www", DETAILS, profile(), located(False), language)
    assert answer["found"] and answer["merged"] == "" and answer["method"] == "layerdb"
    text = "\n".join(text_lines(answer, language))
    for word in words:
        assert word in text
    assert text.startswith("Conteneur www (c14ab815e57b)" if language == "fr"
                           else "Container www (c14ab815e57b)")
    assert "overlay2 (Docker)" in text.splitlines()[-1]


def test_a_running_containers_merged_view():
    answer = report("www", DETAILS, profile(), located(True), "en")
    assert answer["merged"] == "/var/lib/docker/overlay2/m/merged"
    assert "Merged view: /var/lib/docker/overlay2/m/merged" in text_lines(answer, "en")


def test_files_not_visible_says_so_and_still_explains_the_driver():
    answer = report("www", DETAILS, profile("desktop", "overlayfs", containerd_store=True),
                    None, "fr")
    assert not answer["found"] and not answer["visible"]
    text = "\n".join(text_lines(answer, "fr"))
    assert "pas visibles depuis cette machine (moteur desktop)" in text
    assert "snapshots" in text.splitlines()[-1]


def test_where_on_a_sandbox_that_is_not_running_exits_3_without_starting_it(monkeypatch,
                                                                            capsys):
    from runner.cli import main
    from runner.sandbox import Sandbox

    monkeypatch.setattr(Sandbox, "is_running", lambda self: False)
    monkeypatch.setattr(Sandbox, "up", lambda self, *a, **k: pytest.fail("sandbox started"))
    assert main(["where", "www", "--engine", "sandbox:containerd", "--lang", "fr"]) == 3
    error = capsys.readouterr().err
    assert "bac à sable containerd ne tourne pas" in error
    assert "labrunner sandbox up --flavour containerd" in error


def test_where_on_a_running_sandbox_asks_it(monkeypatch):
    from runner.commands import where
    from runner.engines import connect
    from runner.sandbox import Sandbox

    monkeypatch.setattr(Sandbox, "is_running", lambda self: True)
    monkeypatch.setattr(Sandbox, "up", lambda self, *a, **k: pytest.fail("sandbox started"))
    monkeypatch.setattr(connect, "profile_at", lambda url, source: url)
    assert where.engine_profile("sandbox").startswith("unix://")

"""`labrunner sandbox import`: an image saved with `docker save` comes back through the mirror.

Each test that imports removes what it put in the mirror afterwards, so a registry storage
kept in LABRUNNER_SANDBOX_CACHE holds only the stand-ins after the session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner.sandbox import Sandbox, marks
from runner.sandbox.references import parse

ROOT = Path(__file__).resolve().parents[2]
USER_IMAGE = "labrunner-test/imported:1.0"
OFFICIAL_IMAGE = "importedofficial:2"  # served as library/importedofficial, like python:3.9
FOREIGN_IMAGE = "ghcr.io/labrunner-test/foreign:1"  # another registry: the mirror cannot serve it
CONTENT = "imported through the classroom mirror\n"
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"


def sh(env: dict[str, str], *args: str) -> str:
    """A docker command on the sandbox engine: its stdout, stripped; fails the test on error."""
    done = subprocess.run(["docker", *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"docker {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def cli(state_dir: str, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    """labrunner in its own process, as a trainer runs it, on the session's sandbox."""
    env = dict(os.environ, LABRUNNER_SANDBOX_DIR=state_dir, LABRUNNER_LANG=lang)
    return subprocess.run([sys.executable, "-m", "runner", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def build_tiny_image(env: dict[str, str], folder: Path, *tags: str) -> str:
    """FROM scratch plus one file, built offline with the legacy builder; returns its id."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hello.txt").write_text(CONTENT, encoding="utf-8")
    (folder / "Dockerfile").write_text("FROM scratch\nCOPY hello.txt /hello.txt\n",
                                       encoding="utf-8")
    tag_args = [arg for tag in tags for arg in ("--tag", tag)]
    sh(dict(env, DOCKER_BUILDKIT="0"), "build", "--quiet", *tag_args, str(folder))
    return sh(env, "image", "inspect", "--format", "{{.Id}}", tags[0])


def tags_in(env: dict[str, str]) -> list[str]:
    return sh(env, "images", "--format", "{{.Repository}}:{{.Tag}}").split()


def file_in_image(env: dict[str, str], image: str, path: str, into: Path) -> str:
    """The text of `path` inside `image`, copied out of a created (never started) container."""
    container = sh(env, "create", image, "/nothing-to-run")
    try:
        sh(env, "cp", f"{container}:{path}", str(into))
    finally:
        sh(env, "rm", container)
    return into.read_text(encoding="utf-8")


@pytest.fixture
def mirror_cleanup(sandbox_engine) -> Iterator[list[str]]:
    """References a test imported; removed from the mirror and its import record afterwards."""
    imported: list[str] = []
    yield imported
    storage = Sandbox(Path(sandbox_engine.state_dir)).layout.registry_storage
    for reference in imported:
        _delete_from_registry(sandbox_engine.registry, reference)
    kept = {k: v for k, v in marks.imported(storage).items() if k not in imported}
    marks.write(storage, marks.IMPORTED, kept)


def _delete_from_registry(registry: str, reference: str) -> None:
    parsed = parse(reference)
    url = f"http://{registry}/v2/{parsed.path}/manifests/"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only
    head = urllib.request.Request(url + parsed.tag, method="HEAD", headers={"Accept": MANIFEST_V2})
    try:
        with opener.open(head, timeout=5) as answer:
            digest = answer.headers["Docker-Content-Digest"]
        with opener.open(urllib.request.Request(url + digest, method="DELETE"), timeout=5):
            pass
    except urllib.error.HTTPError as error:
        assert error.code == 404, f"{reference}: {error}"  # already gone: nothing to remove


def test_imported_images_come_back_through_the_mirror_with_the_same_id(
        sandbox_engine, docker_env, clean_engine, mirror_cleanup, tmp_path):
    had = set(tags_in(docker_env))
    original = build_tiny_image(docker_env, tmp_path / "context", USER_IMAGE, OFFICIAL_IMAGE,
                                FOREIGN_IMAGE)
    archive = tmp_path / "images.tar"
    sh(docker_env, "save", "--output", str(archive), USER_IMAGE, OFFICIAL_IMAGE, FOREIGN_IMAGE)
    sh(docker_env, "rmi", USER_IMAGE, FOREIGN_IMAGE)  # OFFICIAL_IMAGE stays: the import keeps it
    mirror_cleanup += [USER_IMAGE, OFFICIAL_IMAGE]

    done = cli(sandbox_engine.state_dir, "sandbox", "import", str(archive))
    assert done.returncode == 0, done.stderr
    imported = [line for line in done.stdout.splitlines() if line.startswith("Imported ")]
    assert len(imported) == 2, done.stdout  # one line per image imported
    assert f"Skipped {FOREIGN_IMAGE}" in done.stdout and "ghcr.io" in done.stdout

    # The engine is as before the load: only the tag it already had is there.
    assert set(tags_in(docker_env)) == had | {OFFICIAL_IMAGE}
    sh(docker_env, "rmi", OFFICIAL_IMAGE)
    for number, image in enumerate((USER_IMAGE, OFFICIAL_IMAGE)):
        sh(docker_env, "pull", image)  # offline: only the mirror can serve it
        assert sh(docker_env, "image", "inspect", "--format", "{{.Id}}", image) == original
        assert file_in_image(docker_env, image, "/hello.txt", tmp_path / f"out{number}") == CONTENT

    status = cli(sandbox_engine.state_dir, "sandbox", "status").stdout.splitlines()
    for line in (f"{USER_IMAGE} (imported)", f"{OFFICIAL_IMAGE} (imported)",
                 "nginx:latest (stand-in)", "nginx:alpine (stand-in)"):
        assert f"  {line}" in status, status
    assert not [line for line in status if FOREIGN_IMAGE in line]


def _missing(tmp_path: Path, env: dict[str, str]) -> Path:
    return tmp_path / "no-such-file.tar"


def _not_a_tar(tmp_path: Path, env: dict[str, str]) -> Path:
    path = tmp_path / "notes.tar"
    path.write_text("just some text, not an archive\n", encoding="utf-8")
    return path


def _tar_without_manifest(tmp_path: Path, env: dict[str, str]) -> Path:
    (tmp_path / "readme.txt").write_text("hello\n", encoding="utf-8")
    path = tmp_path / "plain.tar"
    with tarfile.open(path, "w") as archive:
        archive.add(tmp_path / "readme.txt", arcname="readme.txt")
    return path


def _saved_by_id(tmp_path: Path, env: dict[str, str]) -> Path:
    image_id = build_tiny_image(env, tmp_path / "context", "labrunner-test/untagged:1")
    path = tmp_path / "by-id.tar"
    sh(env, "save", "--output", str(path), image_id)
    return path


def _only_another_registry(tmp_path: Path, env: dict[str, str]) -> Path:
    build_tiny_image(env, tmp_path / "context", FOREIGN_IMAGE)
    path = tmp_path / "foreign.tar"
    sh(env, "save", "--output", str(path), FOREIGN_IMAGE)
    return path


@pytest.mark.parametrize(("make", "says"), [
    (_missing, "no such file"),
    (_not_a_tar, "not a tar archive"),
    (_tar_without_manifest, "no manifest.json"),
    (_saved_by_id, "saved by image id"),
    (_only_another_registry, "nothing to import"),
], ids=["missing", "not-a-tar", "no-manifest", "untagged", "only-foreign"])
def test_bad_archives_are_one_translated_line_and_exit_2(sandbox_engine, docker_env,
                                                         clean_engine, tmp_path, make, says):
    path = make(tmp_path, docker_env)
    before = sh(docker_env, "images", "--all", "--quiet")
    done = cli(sandbox_engine.state_dir, "sandbox", "import", str(path))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert says in done.stderr
    if make is not _only_another_registry:  # the archive is named (foreign: in the skip line)
        assert path.name in done.stderr
    assert sh(docker_env, "images", "--all", "--quiet") == before, "nothing was loaded"


def test_errors_are_in_french_too(sandbox_engine, tmp_path):
    done = cli(sandbox_engine.state_dir, "sandbox", "import", str(tmp_path / "absent.tar"),
               lang="fr")
    assert done.returncode == 2 and "fichier introuvable" in done.stderr


def test_import_starts_a_stopped_sandbox_like_up(sandbox_engine, docker_env, clean_engine,
                                                 mirror_cleanup, tmp_path):
    build_tiny_image(docker_env, tmp_path / "context", USER_IMAGE)
    archive = tmp_path / "one.tar"
    sh(docker_env, "save", "--output", str(archive), USER_IMAGE)
    mirror_cleanup.append(USER_IMAGE)
    state_dir = str(tmp_path / "other-sandbox")
    try:
        done = cli(state_dir, "sandbox", "import", str(archive))
        served = Sandbox(Path(state_dir)).status()
    finally:
        cli(state_dir, "sandbox", "down")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Starting the sandbox engine"), done.stdout
    assert any(line.startswith("Sandbox engine ready") for line in lines)
    assert lines[-1].startswith(f"Imported {USER_IMAGE} ")
    assert served.origin(USER_IMAGE) == "imported"


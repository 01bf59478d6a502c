"""A lab that validated once is kept; an edited lab, an edited labrunner, a broken entry or
LABRUNNER_NO_CACHE always read the file again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runner.lab import cache
from runner.lab.loader import bundled_labs, load_lab


@pytest.fixture
def lab_file(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("LABRUNNER_NO_CACHE", raising=False)
    source = next(path for path in bundled_labs() if path.stem == "inspect-overlay2")
    return Path(shutil.copy(source, tmp_path / "lab.yaml"))


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "labrunner" / "labs").glob("*.pickle"))


def test_a_valid_lab_is_kept_and_comes_back_equal(lab_file, tmp_path, monkeypatch):
    first = load_lab(lab_file, cached=True)
    assert len(entries(tmp_path)) == 1
    monkeypatch.setattr("runner.lab.loader.parse_yaml", lambda *a: pytest.fail("parsed again"))
    assert load_lab(lab_file, cached=True) == first


def test_an_edited_lab_is_read_again(lab_file, tmp_path):
    load_lab(lab_file, cached=True)
    lab_file.write_text(lab_file.read_text().replace("id: inspect-overlay2", "id: edited"))
    assert load_lab(lab_file, cached=True).id == "edited"
    assert len(entries(tmp_path)) == 2


def test_a_broken_entry_is_a_miss(lab_file, tmp_path):
    load_lab(lab_file, cached=True)
    entries(tmp_path)[0].write_bytes(b"not a pickle")
    assert load_lab(lab_file, cached=True).id == "inspect-overlay2"


def test_validate_and_the_switch_never_use_it(lab_file, tmp_path, monkeypatch):
    load_lab(lab_file)
    assert entries(tmp_path) == []
    monkeypatch.setenv("LABRUNNER_NO_CACHE", "1")
    load_lab(lab_file, cached=True)
    assert entries(tmp_path) == []


def test_a_format_1_lab_is_not_kept_so_its_notice_shows_every_time(lab_file, tmp_path):
    text = lab_file.read_text().replace("format: 2\n", "")
    lab_file.write_text(text.replace("task:\n      solution:", "solution:"))
    heard = []
    for _ in range(2):
        load_lab(lab_file, heard.append, cached=True)
    assert len(heard) == 2 and entries(tmp_path) == []


def test_the_key_changes_with_labrunner_s_version(monkeypatch):
    before = cache.entry_for("same text")
    cache._code_fingerprint.cache_clear()
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    assert cache.entry_for("same text") != before
    cache._code_fingerprint.cache_clear()


def test_the_key_follows_every_module_of_labrunner(tmp_path, monkeypatch):
    """Validation asks modules outside runner/lab (run/destructive.py decides what deletes):
    a change to any of them must miss the old entries."""
    package = tmp_path / "runner"
    (package / "run").mkdir(parents=True)
    rule = package / "run" / "destructive.py"
    rule.write_text("RULES = 1\n")
    monkeypatch.setattr(cache, "PACKAGE", package)
    cache._code_fingerprint.cache_clear()
    before = cache.entry_for("same text")
    rule.write_text("RULES = 22\n")
    cache._code_fingerprint.cache_clear()
    assert cache.entry_for("same text") != before
    cache._code_fingerprint.cache_clear()

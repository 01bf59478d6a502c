"""Hostile lab files are refused quickly, at the place they cross a limit, never a hang,
a memory blow-up or a traceback: a YAML "billion laughs", nesting thousands of levels deep,
a file of tens of megabytes, an alias used 200 000 times.

Each refusal is timed without tracemalloc (it slows every allocation several times), then
run again under tracemalloc for its peak memory.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runner.errors import LabError, LabFileError
from runner.lab import yaml_source
from runner.lab.yaml_limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    read_source,
)
from runner.lab.yaml_source import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 1.0
PEAK_BYTES = 50 * 1024 * 1024


def billion_laughs(levels: int = 9) -> str:
    """`a: &a [x × 9]`, then each level nine aliases of the one before: 9**9 leaves."""
    names = "abcdefghijklmnopqrstuvwxyz"[:levels]
    lines = ["a: &a [" + ", ".join(["x"] * 9) + "]"]
    lines += [f"{name}: &{name} [" + ", ".join([f"*{before}"] * 9) + "]"
              for before, name in zip(names[:-1], names[1:], strict=True)]
    return "\n".join(lines) + "\n"


def lab_like(min_bytes: int) -> tuple[str, int]:
    """A lab-shaped document of at least `min_bytes`, with the number of steps in it."""
    head = "id: big\ntitle: {fr: Grand, en: Big}\nsteps:\n"
    step = ("  - id: step-{n}\n    title: {{fr: Étape {n}, en: Step {n}}}\n"
            "    explain:\n      fr: |\n        Une explication assez longue pour l'étape {n},\n"
            "        sur deux lignes.\n      en: |\n        A fairly long explanation of step"
            " {n},\n        on two lines.\n    run:\n      - docker image pull alpine\n"
            "      - docker image ls --format '{{{{.Repository}}}}'\n    checks:\n"
            "      - {{type: output, contains: alpine}}\n")
    count = -(-min_bytes // len(step.format(n=1000)))
    return head + "".join(step.format(n=n) for n in range(count)), count


def measured(action: Callable[[], Any]) -> tuple[Any, float, int]:
    """What `action` returns, the seconds it took, and its peak memory in bytes."""
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        action()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, elapsed, peak


def refusal(action: Callable[[], object]) -> tuple[LabFileError, float, int]:
    """The LabFileError `action` raises, the seconds it took, and its peak memory in bytes."""
    return measured(lambda: _raised(action))


def _raised(action: Callable[[], object]) -> LabFileError:
    with pytest.raises(LabFileError) as caught:
        action()
    return caught.value


def where(error: LabError) -> tuple[str, int, int]:
    return error.key, error.pos.line, error.pos.column


def assert_quick_and_small(elapsed: float, peak: int) -> None:
    assert elapsed < SECONDS, f"took {elapsed:.3f} s"
    assert peak < PEAK_BYTES, f"peak {peak / 1e6:.1f} MB"


def test_a_billion_laughs_is_refused_at_the_alias_that_crosses_the_budget():
    # a expands to 10 nodes, b to 91, c to 820, d to 7381; the file up to `e: &e [` holds
    # 8309, so the sixth *d on line 5 brings it to 52595, past the 50000 budget.
    assert MAX_NODES == 50_000
    error, elapsed, peak = refusal(lambda: parse_yaml(billion_laughs(), "bomb.yaml"))
    assert where(error) == ("load.too_many_nodes", 5, 28)
    assert error.params == {"count": 52595, "limit": MAX_NODES}
    assert_quick_and_small(elapsed, peak)
    assert error.message("en") == (
        "bomb.yaml:5:28: at this point the file already stands for 52595 values once its "
        "aliases are expanded (each alias *name repeats its whole block); a lab may hold at "
        "most 50000")


def test_a_list_used_as_a_key_is_refused_so_its_text_never_expands():
    # As text, a key that is a list would be PyYAML's repr of its whole tree, aliases
    # expanded: 7381 nodes here. The error points at the list itself (where &d is).
    text = billion_laughs(4) + "? *d\n: x\n"
    assert where(_raised(lambda: parse_yaml(text, "key.yaml"))) == ("load.complex_key", 4, 4)
    assert where(_raised(lambda: parse_yaml("? [a, b]\n: c\n", "key.yaml"))) == (
        "load.complex_key", 1, 3)


@pytest.mark.parametrize("text, column", [
    ("[" * 10_000 + "]" * 10_000, MAX_DEPTH + 1),  # the first `[` past the limit
    ("a: {" * 10_000 + "}" * 10_000, 4 * MAX_DEPTH),  # block mapping, then `{` at 4, 8, …
    ("- " * 10_000 + "x", 2 * MAX_DEPTH + 1),  # block lists, one inside the other
    ("- " * 10 + "[" * 10_000, 2 * 10 + MAX_DEPTH - 10 + 1),  # ten block lists, then flow
    ("[" * (MAX_FILE_BYTES - 1), MAX_DEPTH + 1),  # as much as a file may hold
], ids=["list", "mapping", "block lists", "block then flow", "1 MiB of ["])
def test_deep_nesting_is_refused_where_it_crosses_the_limit(text, column):
    error, elapsed, peak = refusal(lambda: parse_yaml(text, "deep.yaml"))
    assert where(error) == ("load.too_deep", 1, column)
    assert error.message("en") == (
        f"deep.yaml:1:{column}: lists and mappings are nested here more than 64 levels deep; "
        "a lab may nest at most 64")
    assert_quick_and_small(elapsed, peak)


def test_nesting_exactly_at_the_limit_loads():
    data = parse_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH, "deep.yaml").data
    for _ in range(MAX_DEPTH - 1):
        data = data[0]
    assert data == []


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"k: v\n" * (4 * 1024 * 1024))  # 20 MiB
    error, elapsed, peak = refusal(lambda: read_source(huge))
    assert where(error) == ("load.too_large", 1, 1) and error.pos.file == str(huge)
    assert error.params == {"size": 20 * 1024, "limit": MAX_FILE_BYTES // 1024}
    assert peak < 1024 * 1024  # not a byte of it was read
    assert_quick_and_small(elapsed, peak)


def test_a_file_at_the_size_limit_is_read(tmp_path):
    path = tmp_path / "full.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES - 1) + b"\n")
    assert len(read_source(path)) == MAX_FILE_BYTES


def test_an_alias_used_200_000_times_is_refused_at_the_one_past_the_limit():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 200_000) + "]\n"
    error, elapsed, peak = refusal(lambda: parse_yaml(text, "aliases.yaml"))
    assert where(error) == ("load.too_many_aliases", 2, 5 + 4 * MAX_ALIASES)
    assert error.message("en").endswith(
        "more than 1000 aliases (*name) in one file; a lab may use at most 1000")
    assert_quick_and_small(elapsed, peak)


def test_the_node_budget_counts_plain_values_too(monkeypatch):
    monkeypatch.setattr(yaml_source, "MAX_NODES", 50)
    assert len(parse_yaml("[" + ", ".join(["1"] * 49) + "]", "f").data) == 49  # 50 nodes
    error = _raised(lambda: parse_yaml("[" + ", ".join(["1"] * 50) + "]", "f"))
    assert where(error) == ("load.too_many_nodes", 1, 2 + 3 * 49)


def test_a_300_kb_lab_still_loads_quickly():
    text, steps = lab_like(300 * 1024)  # ~25 000 nodes: twelve bytes a node, denser than labs
    # CPU time: this legitimate load costs ~0.45 s of pure-Python PyYAML on an idle core, and
    # other test runs sharing the machine would push its wall-clock time past a second.
    started = time.process_time()
    document = parse_yaml(text, "big.yaml")
    elapsed = time.process_time() - started
    assert len(document.data["steps"]) == steps
    assert document.data["steps"][-1]["run"][0] == "docker image pull alpine"
    last_line = text.count("\n")  # the last step's check
    assert document.position(("steps", steps - 1, "checks", 0)).line == last_line
    # Its memory is not traced: tracemalloc would make this load take seconds (peak ~18 MB).
    assert elapsed < SECONDS, f"took {elapsed:.3f} s"


def test_the_builder_stops_at_the_budget_on_a_tree_that_bypassed_the_guard():
    import yaml

    node = yaml.compose(billion_laughs(), Loader=yaml.SafeLoader)  # aliases shared, cheap
    started = time.perf_counter()
    error = _raised(lambda: yaml_source._build(node, "bomb.yaml"))
    assert time.perf_counter() - started < SECONDS
    assert error.key == "load.too_many_nodes" and error.params["count"] == MAX_NODES + 1


def test_a_recursion_error_in_the_composer_is_a_placed_error(monkeypatch):
    monkeypatch.setattr(yaml_source, "MAX_DEPTH", 10**9)  # the guard lets it through
    error = _raised(lambda: parse_yaml("a: {" * 10_000 + "}" * 10_000, "deep.yaml"))
    assert error.key == "load.too_deep" and error.pos.line == 1 and error.pos.column > 100


def test_a_recursion_error_in_the_builder_is_a_placed_error():
    import yaml

    mark = yaml.Mark("deep.yaml", 0, 0, 0, None, None)
    node = yaml.ScalarNode("tag:yaml.org,2002:str", "leaf", mark, mark)
    for level in range(10_000):
        here = yaml.Mark("deep.yaml", 0, 10_000 - level, 0, None, None)
        node = yaml.SequenceNode("tag:yaml.org,2002:seq", [node], here, here)
    error = _raised(lambda: yaml_source._build(node, "deep.yaml"))
    assert error.key == "load.too_deep" and error.pos.line > 100  # deep inside, not at the top


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert _raised(lambda: read_source(fifo)).key == "load.not_regular"


@pytest.mark.parametrize("content", [None, "id: d\xe9mo\n".encode("latin-1")],
                         ids=["missing", "latin-1"])
def test_a_missing_or_non_utf8_file_is_unreadable(tmp_path, content):
    path = tmp_path / "lab.yaml"
    if content is not None:
        path.write_bytes(content)
    assert _raised(lambda: read_source(path)).key == "load.unreadable"


def test_read_source_gives_the_text_read_text_gives(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_bytes("id: démo\r\ntitle: x\rsteps: []\n".encode())
    assert read_source(path) == path.read_text(encoding="utf-8")


def test_labrunner_validate_refuses_the_bomb_in_one_line(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(billion_laughs())
    environ = {k: v for k, v in os.environ.items() if k != "LABRUNNER_LANG"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "runner", "validate", str(bomb)],
                          capture_output=True, text=True, cwd=ROOT, env=environ,
                          stdin=subprocess.DEVNULL, timeout=60)
    elapsed = time.perf_counter() - started
    placed = [line for line in done.stderr.splitlines() if re.match(r".+:\d+:\d+: ", line)]
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert placed == [f"{bomb}:5:28: at this point the file already stands for 52595 values "
                      "once its aliases are expanded (each alias *name repeats its whole "
                      "block); a lab may hold at most 50000"]
    assert elapsed < 5  # a Python start-up included; the bomb itself costs milliseconds

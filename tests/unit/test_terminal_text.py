"""Terminal output replayed as a person sees it, on a real `docker pull` captured on a TTY."""

from __future__ import annotations

import io
import os
import time
import tracemalloc
from pathlib import Path

import pytest

from runner.report.plain import PlainReporter
from runner.run import events as ev
from runner.shell.session import CommandResult
from runner.shell.terminal_text import MAX_COLUMNS, MAX_ROWS, screen_text

# newline="": the capture's lone \r are the point; text mode would turn them into \n.
with open(Path(__file__).parent / "data" / "docker-pull-tty.txt", encoding="utf-8",
          newline="") as capture:
    PULL = capture.read()


def layer_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:12].isalnum() and ": " in line]


def test_a_pull_leaves_one_final_line_per_layer():
    text = screen_text(PULL)
    layers = layer_lines(text)
    # as many layer lines as the capture has distinct layer ids, each in its final state
    ids = {chunk.split(":")[0] for chunk in PULL.split("\r") if chunk[:12].isalnum()
           and chunk[12:14] == ": "}
    assert len(layers) == len(ids) >= 2
    assert all(line.endswith("Pull complete") for line in layers)
    assert text.splitlines()[0].endswith("Pulling from library/python")
    assert "Digest: sha256:" in text and "\x1b" not in text and "\r" not in text


def test_cursor_moves_and_erasures():
    assert screen_text("one\ntwo\n\x1b[2Aone!\x1b[K\x1b[2B") == "one!\ntwo\n"
    assert screen_text("abcdef\x1b[3D\x1b[K") == "abc"
    assert screen_text("abcdef\x1b[3D\x1b[1K") == "   def"
    assert screen_text("x\x1b[5Gy") == "x   y"
    assert screen_text("ab\x08c") == "ac"


def test_the_plain_reporter_prints_a_pull_s_final_screen_once():
    out = io.StringIO()
    reporter = PlainReporter(out, "en")
    for start in range(0, len(PULL), 97):  # chunks cut anywhere, as a terminal delivers them
        reporter.on_event(ev.CommandOutput(PULL[start:start + 97]))
    reporter.on_event(ev.CommandFinished(None, CommandResult("docker pull", 0, PULL, False, 1)))
    text = out.getvalue()
    assert layer_lines(text) == layer_lines(screen_text(PULL))
    assert text.count("Pulling from library/python") == 1 and text.count("Digest:") == 1
    assert "\x1b" not in text


def test_output_without_cursor_moves_still_streams_line_by_line():
    out = io.StringIO()
    reporter = PlainReporter(out, "en")
    reporter.on_event(ev.CommandOutput("first\nsec"))
    assert out.getvalue() == "first\n"
    reporter.on_event(ev.CommandOutput("ond\n"))
    assert out.getvalue() == "first\nsecond\n"


# Hostile output: every count is clamped to a screen of MAX_COLUMNS x MAX_ROWS, and the replay
# stays linear in its input (these once raised MemoryError, or took 923 MB, or 11 s).


def replay_cost(text: str) -> tuple[str, float, int]:
    """screen_text(text), the seconds it took and the peak memory it allocated (bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        screen = screen_text(text)
        return screen, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("sequence", ["\x1b[30000000000Cx", "\x1b[300000000Cx", "\x1b[30000000Bx",
                                      "\x1b[30000000Ex", "\x1b[99999999999Gx",
                                      "\x1b[" + "9" * 5000 + "Cx"])
def test_a_huge_cursor_move_stops_at_the_screen_edge(sequence):
    screen, seconds, peak = replay_cost(sequence)
    assert seconds < 0.5 and peak < 2_000_000
    lines = screen.split("\n")
    assert screen.endswith("x") and len(lines) <= MAX_ROWS
    assert len(lines[-1]) <= MAX_COLUMNS


def test_clamped_moves_land_on_the_edge():
    assert screen_text("\x1b[5000Cx") == " " * (MAX_COLUMNS - 1) + "x"
    assert screen_text("\x1b[50000Bx").split("\n") == [""] * (MAX_ROWS - 1) + ["x"]
    assert screen_text("abc\x1b[0Gx") == "xbc"  # a count of 0 is column 1, not -1


@pytest.mark.parametrize("hostile", [
    "\x1b[9999Bx" * 20000,  # each move down stops at the bottom: at most MAX_ROWS lines
    "\x1b[2K\x1b[999Cx" * 20000,  # erased, moved right, written: the line never creeps wider
    "x" * 300000 + "\x1b[1K" * 50000,  # erasing a long line's start again costs nothing
    "x" * 300000 + "\x1b[1Dy" * 50000,  # overwriting inside a long line
    "a\x1b[31m" * 60000,  # a colour code between every character of one long line
])
def test_the_replay_stays_linear_in_its_input(hostile):
    screen, seconds, peak = replay_cost(hostile)
    assert seconds < 2 and peak < 60 * len(hostile) + 2_000_000
    assert len(screen) <= len(hostile) + MAX_ROWS * (MAX_COLUMNS + 1)


def test_many_redraws_of_one_line_leave_its_last_version():
    text = "".join(f"\r{i}/100000" for i in range(1, 100001)) + "\n"
    screen, seconds, _ = replay_cost(text)
    assert screen == "100000/100000\n" and seconds < 5


def test_binary_and_invalid_utf8_output_is_replayed_without_error():
    raw = bytes(range(256)) * 400 + b"\xff\xfe\xc3(" + os.urandom(100000)
    screen = screen_text(raw.decode("utf-8", errors="replace"))
    assert "\x1b" not in screen and "\r" not in screen and "\ufffd" in screen

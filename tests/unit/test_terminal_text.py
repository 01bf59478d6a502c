"""Terminal output replayed as a person sees it, on a real `docker pull` captured on a TTY."""

from __future__ import annotations

import io
from pathlib import Path

from runner.report.plain import PlainReporter
from runner.run import events as ev
from runner.shell.session import CommandResult
from runner.shell.terminal_text import screen_text

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

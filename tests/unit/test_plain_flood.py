"""The plain reporter under a flood of output: time linear, memory flat, nothing silently lost."""

from __future__ import annotations

import io
import time
import tracemalloc

from runner.report.plain import PlainReporter
from runner.run import events as ev
from runner.shell.output_tail import OUTPUT_LIMIT, megabytes
from runner.shell.session import CommandResult

CHUNK = 65536  # what the session reads at once


class CountingSink(io.TextIOBase):
    """A stream that keeps the line count and the last lines, not the text (flat memory)."""

    def __init__(self) -> None:
        self.lines = 0
        self.last: list[str] = []

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        self.last = (self.last + text.split("\n")[:-1])[-5:] if "\n" in text else self.last
        return len(text)


def feed(reporter: PlainReporter, output: str, command: str = "flood") -> tuple[float, int]:
    """Send `output` in terminal-sized chunks then the command's end: (seconds, peak bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        for start in range(0, len(output), CHUNK):
            reporter.on_event(ev.CommandOutput(output[start:start + CHUNK]))
        result = CommandResult(command, 0, output[-OUTPUT_LIMIT:], False, 1)
        reporter.on_event(ev.CommandFinished(None, result))
        return time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_twenty_megabytes_of_lines_stream_in_linear_time_and_flat_memory():
    sink = CountingSink()
    output = ("a" * 99 + "\n") * 200_000  # 20 MB, as `fold -w 100` prints it
    seconds, peak = feed(PlainReporter(sink, "en"), output)
    assert sink.lines == 200_000 and sink.last[-1] == "a" * 99
    assert seconds < 10  # it was 5.8 s and quadratic; linear is well under 2 s
    assert peak < len(output) + 4 * OUTPUT_LIMIT  # the test's own 20 MB string aside


def test_a_huge_line_without_newline_shows_how_much_was_left_out_then_its_end():
    out = io.StringIO()
    feed(PlainReporter(out, "en"), "x" * 5_000_000 + "END")
    lines = out.getvalue().splitlines()
    left_out = megabytes(5_000_003 - OUTPUT_LIMIT)
    assert lines[0] == f"… {left_out} MB of output not kept: only its end is shown …"
    assert lines[1].endswith("xEND") and len(lines[1]) <= OUTPUT_LIMIT and len(lines) == 2


def test_a_flood_of_redraws_shows_the_final_screen_and_says_what_is_missing():
    out = io.StringIO()
    start = "first line\n\x1b[1A"  # a cursor move: the reporter waits for the end
    output = start + "".join(f"progress {n:07}\n" for n in range(300_000)) + "done\n"
    seconds, _ = feed(PlainReporter(out, "fr"), output)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"… {megabytes(len(output) - OUTPUT_LIMIT)} Mo de sortie non")
    assert lines[-1] == "done" and lines[-2] == "progress 0299999"
    assert len(out.getvalue()) <= OUTPUT_LIMIT + 200 and seconds < 10


def test_a_cursor_move_cut_between_two_chunks_is_still_seen():
    out = io.StringIO()
    reporter = PlainReporter(out, "en")
    for chunk in ("layer: Waiting\n\x1b[", "1Alayer: Done\nnext\n"):
        reporter.on_event(ev.CommandOutput(chunk))
    assert out.getvalue() == "layer: Waiting\n"  # redrawn lines are held until the end
    reporter.on_event(ev.CommandFinished(None, CommandResult("pull", 0, "", False, 1)))
    assert out.getvalue() == "layer: Waiting\nnext\n"
    reporter.on_event(ev.CommandOutput("plain\n"))  # each command's output is its own
    assert out.getvalue().endswith("next\nplain\n")


def test_a_failed_cleanup_s_kept_output_says_it_is_only_the_end():
    out = io.StringIO()
    result = CommandResult("make noise", 1, "last words\n", False, 1, dropped=187_000_000)
    PlainReporter(out, "en").on_event(ev.PhaseFinished("cleanup", (result,)))
    assert out.getvalue().splitlines()[1:] == [
        "… 187 MB of output not kept: only its end is shown …", "last words"]

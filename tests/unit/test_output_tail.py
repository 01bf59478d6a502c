"""A command's output kept in bounded memory: its tail, and how much was left out."""

from __future__ import annotations

import tracemalloc

from runner.shell.output_tail import OUTPUT_LIMIT, OutputTail, megabytes


def test_short_output_is_kept_whole():
    tail = OutputTail()
    for piece in ("one\n", "tw", "o\n", ""):
        tail.add(piece)
    assert (tail.text, tail.dropped, tail.dropped_lines) == ("one\ntwo\n", 0, 0)


def test_long_output_keeps_its_end_from_a_line_start_and_counts_the_rest():
    tail = OutputTail(limit=1000)
    lines = [f"line {number:05}\n" for number in range(2000)]  # 11 characters each
    for line in lines:
        tail.add(line)
    whole = "".join(lines)
    assert len(tail.text) <= 1000 and whole.endswith(tail.text)
    assert tail.text.startswith("line ") and tail.dropped + len(tail.text) == len(whole)
    assert tail.dropped_lines == whole.count("\n", 0, tail.dropped)


def test_a_line_longer_than_the_limit_is_cut_anywhere():
    tail = OutputTail(limit=100)
    tail.add("x" * 1000 + "end")
    assert tail.text == "x" * 97 + "end" and tail.dropped == 903 and tail.dropped_lines == 0


def test_memory_stays_flat_whatever_is_fed():
    tail = OutputTail()
    tracemalloc.start()
    try:
        for _ in range(400):  # 26 MB in terminal-sized reads
            tail.add("a" * 99 + "\n" + "b" * 65435)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 6 * OUTPUT_LIMIT
    assert len(tail.text) <= OUTPUT_LIMIT and tail.dropped + len(tail.text) == 400 * 65535


def test_sizes_are_said_in_whole_megabytes():
    assert [megabytes(n) for n in (10, 1_400_000, 187_300_000)] == [1, 1, 187]

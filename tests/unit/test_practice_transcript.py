"""A captured task terminal cut into each typed command's output (runner/shell/transcript.py)
and the capped capture that keeps its end (runner/shell/pty_tee.py)."""

from __future__ import annotations

from runner.shell.pty_tee import PROMPT_MARK, CappedCapture
from runner.shell.transcript import command_outputs

MARK = PROMPT_MARK


def captured(data: bytes, limit: int = 1 << 20) -> CappedCapture:
    capture = CappedCapture(limit)
    capture.write(data)
    return capture


def test_each_command_gets_what_follows_its_enter_until_the_next_prompt():
    data = (b"welcome\r\n" + MARK + b"$ docker histroy nginx\r\ndocker: unknown\r\n"
            + MARK + b"$ \r\n"  # an empty Enter: no history line
            + MARK + b"$ docker history nginx\r\n\x1b[1mIMAGE\x1b[0m  CREATED\r\n"
            + MARK + b"$ exit\r\n")
    status = ["0 1.0 1", "1 2.0 2", "1 2.5 2", "0 3.0 3"]
    assert command_outputs(captured(data), status, 2) == ("docker: unknown", "IMAGE  CREATED")


def test_a_command_without_output_gives_an_empty_text_and_missing_ones_are_empty():
    data = MARK + b"$ true\r\n" + MARK + b"$ "
    assert command_outputs(captured(data), ["0 1.0 1", "0 2.0 2"], 2) == ("", "")


def test_progress_redraws_are_replayed_as_the_screen_shows_them():
    data = MARK + b"$ docker pull x\r\nl1: Waiting\r\x1b[2Kl1: Pull complete\r\n" + MARK
    assert command_outputs(captured(data), ["0 1 1", "0 2 2"], 1) == ("l1: Pull complete",)


def test_the_capture_keeps_its_last_bytes_and_counts_the_prompts_cut_off():
    capture = captured(MARK + b"$ a\r\n" + b"x" * 50 + MARK + b"$ b\r\nend\r\n" + MARK, 40)
    assert len(capture.data) == 40 and capture.marks_dropped == 1
    # the first command's Enter was cut off: what is left of its output is all output
    assert command_outputs(capture, ["0 1 1", "0 2 2", "0 3 3"], 2) == ("x" * 14, "end")


def test_a_cut_never_splits_a_prompt_mark():
    capture = CappedCapture(10)
    capture.write(b"abc" + MARK + b"defghij")
    assert bytes(capture.data) == b"defghij"  # not the mark's tail, which would not match
    assert capture.marks_dropped == 1

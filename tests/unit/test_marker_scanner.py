"""The prompt marker found in the bash session's raw output, fed in chunks cut anywhere, as
a terminal delivers them (the parser alone, no bash)."""

from __future__ import annotations

from runner.shell.stream import MarkerScanner


def test_a_marker_split_anywhere_never_leaks():
    nonce = "0123456789abcdef"
    stream = (f"out\r\nmore\r\n\x1b]__LR_ fake\x1b[0m\r\n"
              f"\x1b]__LR_{nonce}_3_RC=5_PWD=/a b_{nonce}__\x07late")
    for size in (1, 2, 3, 7, 64):
        scanner, shown, after, marker = MarkerScanner(nonce), "", "", None
        for start in range(0, len(stream), size):
            text, found = scanner.feed(stream[start:start + size])
            if marker is None:
                shown += text
            else:
                after += text  # late output is the next command's
            marker = marker or found
        assert shown == "out\nmore\n\x1b]__LR_ fake\x1b[0m\n", size
        assert after + scanner.feed("!")[0] == "late!"
        assert (marker.seq, marker.exit_code, marker.pwd) == (3, 5, "/a b")


def test_text_that_only_looks_like_a_marker_is_shown():
    nonce = "0123456789abcdef"
    scanner = MarkerScanner(nonce)
    assert scanner.feed(f"\x1b]__LR_{nonce}_$x_RC=1\n") == (f"\x1b]__LR_{nonce}_$x_RC=1\n", None)
    assert scanner.feed(f"\x1b]__LR_{nonce}_12_RC=0_P") == ("", None)  # may still be one
    assert scanner.feed("x\n") == (f"\x1b]__LR_{nonce}_12_RC=0_Px\n", None)


def test_complete_lines_are_shown_at_once():
    scanner = MarkerScanner("0123456789abcdef")
    assert scanner.feed("a\r\n") == ("a\n", None)
    assert scanner.feed("50%\r") == ("50%", None)  # the \r may be half of a \r\n
    assert scanner.feed("60%\r\n") == ("\r60%\n", None)

"""Terminal output made plain text for checks and plain reports: colours, titles, links and
overwritten progress lines removed."""

from __future__ import annotations

from runner.shell.session import strip_ansi


def test_strip_ansi():
    assert strip_ansi("\x1b[1;32mgreen\x1b[0m") == "green"
    assert strip_ansi("abc: Downloading 10%\rabc: Pull complete\n") == "abc: Pull complete\n"
    assert strip_ansi("\x1b]0;title\x07text") == "text"
    assert strip_ansi("\x1b]8;;http://x\x1b\\link") == "link"
    assert strip_ansi("a\r\nb") == "a\nb"
    assert strip_ansi("\x1b[2K\r1/3\r2/3\r3/3\nnext") == "3/3\nnext"

"""French typography on screen: a no-break space before `:` `;` `!` `?` and inside « »,
and between a number and its unit, so a line never wraps leaving a lone `:` at its start.

rich breaks lines at any Unicode space, the no-break ones included (its word pattern is
Python's `\\s`); `keep_no_break_spaces` makes it leave them alone. textwrap (the plain
reporter, on a terminal) already breaks at ASCII spaces only.
"""

from __future__ import annotations

import re

NO_BREAK = "\u00a0"
BEFORE_PUNCTUATION = re.compile(r" +([:;!?»])")
AFTER_QUOTE = re.compile(r"« +")
NUMBER_UNIT = re.compile(r"(\d) +(s|ms|Mo|Go|ko|%)(?=\W|$)")
# A word for rich: runs of breakable space, then of anything else (no-break spaces included).
RICH_WORD = re.compile(r"[^\S\u00a0\u202f]*[\S\u00a0\u202f]+[^\S\u00a0\u202f]*")


def glue(text: str, language: str) -> str:
    """`text` with French no-break spaces where French typography puts them; other languages
    are left as they are."""
    if language != "fr":
        return text
    text = BEFORE_PUNCTUATION.sub(NO_BREAK + r"\1", text)
    text = AFTER_QUOTE.sub("«" + NO_BREAK, text)
    return NUMBER_UNIT.sub(r"\1" + NO_BREAK + r"\2", text)


def keep_no_break_spaces() -> None:
    """Make rich's line wrapping treat no-break spaces as part of a word (once per process)."""
    from rich import _wrap

    if getattr(_wrap, "re_word", None) is not None:
        _wrap.re_word = RICH_WORD

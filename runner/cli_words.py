"""argparse's own words ("usage:", "options:", "error:", "the following arguments are
required: …") in the chosen language, through the catalogs.

argparse translates its texts by calling the `_` and `ngettext` it imported from gettext; with
no .mo file they return the English. Rebinding those two names in the argparse module is the
hook gettext itself offers an application (a translation function for the domain), without a
.mo file to build and ship, and without copying argparse's formatter and parser code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from runner.i18n import t

# argparse's message id -> our catalog key. A message not listed stays English (argparse's
# errors about a badly built parser are for us, never shown to a user).
KEYS = {
    "usage: ": "cli.argparse_usage",
    "positional arguments": "cli.argparse_positionals",
    "options": "cli.argparse_options",
    "show this help message and exit": "cli.argparse_help",
    "%(prog)s: error: %(message)s\n": "cli.argparse_error",
    "the following arguments are required: %s": "cli.argparse_required",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse_invalid_choice",
    "unrecognized arguments: %s": "cli.argparse_unrecognized",
    "argument %(argument_name)s: %(message)s": "cli.argparse_argument",
    "expected one argument": "cli.argparse_expected_one",
    "expected at most one argument": "cli.argparse_expected_at_most_one",
    "expected at least one argument": "cli.argparse_expected_at_least_one",
    "invalid %(type)s value: %(value)r": "cli.argparse_invalid_value",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse_ambiguous",
    "not allowed with argument %s": "cli.argparse_not_allowed_with",
    "one of the arguments %s is required": "cli.argparse_one_required",
    "ignored explicit argument %r": "cli.argparse_ignored_explicit",
    "unexpected option string: %s": "cli.argparse_unexpected_option",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "cli.argparse_unknown_parser",
}
# ngettext's singular message id -> the key of a plural table (count = "count").
PLURAL_KEYS = {"expected %s argument": "cli.argparse_expected_n"}


def install(language: str) -> None:
    """Make argparse speak `language` from now on (English restores its own words)."""
    argparse._ = gettext_for(language)  # type: ignore[attr-defined]
    argparse.ngettext = ngettext_for(language)  # type: ignore[attr-defined]


def gettext_for(language: str) -> Callable[[str], str]:
    def gettext(message: str) -> str:
        key = KEYS.get(message)
        return t(key, language) if key else message

    return gettext


def ngettext_for(language: str) -> Callable[[str, str, int], str]:
    def ngettext(singular: str, plural: str, count: int) -> str:
        key = PLURAL_KEYS.get(singular)
        if key:
            return t(key, language, count=count)
        return singular if count == 1 else plural

    return ngettext

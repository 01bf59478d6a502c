"""t(key, language, **params): the program's own messages in French or English.

Catalogs are TOML files under i18n/<language>/, one per area: the key `up` in
i18n/en/sandbox.toml is looked up as `sandbox.up`. A value may be a plural table,
`{one = "…", other = "…", count = "n"}`: the integer parameter named by `count` picks the form
(French "one" covers 0 and 1, English "one" only 1), so call sites never change.
tomllib is in the standard library, so the cost is a few small file reads, and only when a
message is actually shown.
The CLI decides the language once (detect_language) and passes it to whoever shows text;
nothing here remembers a current language.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from runner.resources import data_dir

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # highest first


def detect_language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """--lang, else LABRUNNER_LANG, else the language gettext would pick from LANGUAGE,
    LC_ALL, LC_MESSAGES and LANG (fr_* -> fr), else en."""
    environ = os.environ if environ is None else environ
    if explicit:
        return explicit
    own = _language_of(environ.get("LABRUNNER_LANG", ""))
    return own if own in LANGUAGES else _gettext_language(environ)


def _gettext_language(environ: Mapping[str, str]) -> str:
    """As gettext does: the locale is the first SET of LC_ALL, LC_MESSAGES, LANG (a lower
    one is never consulted); LANGUAGE, a priority list such as `de:fr`, overrides it unless
    the locale is C. The first language we have wins; none means English, the source text."""
    locale = next((environ[name] for name in LOCALE_VARIABLES if environ.get(name)), "")
    priority = "" if _is_c_locale(locale) else environ.get("LANGUAGE", "")
    candidates = priority.split(":") if priority else [locale]
    available = (code for code in map(_language_of, candidates) if code in LANGUAGES)
    return next(available, DEFAULT_LANGUAGE)


def _language_of(value: str) -> str:
    """The language part of a locale name: `fr_CA.UTF-8@euro` -> `fr`."""
    return value.split("_")[0].split(".")[0].split("@")[0].lower()


def _is_c_locale(locale: str) -> bool:
    return locale.split(".")[0] in ("C", "POSIX")


@dataclass(frozen=True)
class Plural:
    """A message with a singular and a plural form, chosen by the integer parameter `count`."""

    one: str
    other: str
    count: str

    def forms(self) -> tuple[str, str]:
        return self.one, self.other

    def choose(self, language: str, params: Mapping[str, object]) -> str:
        """The form for this language's rule; a missing or non-integer count means plural."""
        try:
            number = int(str(params[self.count]))
        except (KeyError, ValueError):
            return self.other
        return self.one if _is_one(number, language) else self.other


def _is_one(number: int, language: str) -> bool:
    """CLDR's rule: French says "0 commande" and "1 commande", English "0 commands"."""
    return number in (0, 1) if language == "fr" else number == 1


Entry = str | Plural


@cache
def catalog(language: str) -> dict[str, Entry]:
    """The flattened catalog of one language: {"area.key": "text" or a Plural}."""
    merged: dict[str, Entry] = {}
    for path in sorted((data_dir("i18n") / language).glob("*.toml")):
        with open(path, "rb") as handle:
            merged.update(_flatten(tomllib.load(handle), f"{path.stem}."))
    return merged


PLURAL_KEYS = {"one", "other", "count"}


def _flatten(table: Mapping[str, object], prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, Mapping) and set(value) == PLURAL_KEYS:
            yield f"{prefix}{key}", Plural(str(value["one"]), str(value["other"]),
                                           str(value["count"]))
        elif isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", str(value)


def t(key: str, language: str, /, **params: object) -> str:
    """Translate `key` into `language`; a missing key falls back to English, then to the key.

    The language is required: whoever shows the text knows it (there is no global to fall
    back on). Positional-only, so a message may have parameters named `key` or `language`."""
    entry, found_in = _lookup(key, language)
    text = entry.choose(found_in, params) if isinstance(entry, Plural) else entry
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        # A catalog slip must not turn a clear message into a traceback; tests catch the slip.
        return text.format_map(_Missing(params))


def _lookup(key: str, language: str) -> tuple[Entry, str]:
    """The entry and the language it is written in (an English fallback keeps English rules)."""
    for candidate in (language, DEFAULT_LANGUAGE):
        entry = catalog(candidate).get(key)
        if entry:
            return entry, candidate
    return key, language


class _Missing(dict):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"

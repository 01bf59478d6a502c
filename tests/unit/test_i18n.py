"""The fr and en catalogs say the same things, every key the code uses exists, and the
language is chosen as documented: --lang > LABRUNNER_LANG > LANGUAGE > LC_ALL > LC_MESSAGES > LANG.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import get_args

import pytest

from runner import i18n
from runner.checks.container import ContainerCheck
from runner.checks.container_layer import ContainerLayerCheck
from runner.checks.image import ImageCheck
from runner.checks.network import NetworkCheck
from runner.checks.path import PathCheck
from runner.checks.volume import VolumeCheck
from runner.errors import EngineUnreachable, LabFileError
from runner.i18n import LANGUAGES, Plural, catalog, detect_language, t
from runner.lab.types import EngineKind
from runner.messages import msg
from runner.resources import data_dir
from runner.run.status import LabStatus, StepStatus

CATALOGS = data_dir("i18n")
AREAS = sorted(path.stem for path in (CATALOGS / "en").glob("*.toml"))
CODE = sorted((Path(i18n.__file__).parent).rglob("*.py"))
# Messages whose French text reads its own parameter: the code passes text= and text_fr=.
PICKS_ITS_LANGUAGE = {"check.described", "engine.note"}


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a message (`{{` and `}}` are literal braces, not fields)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def entry_placeholders(entry: str | Plural) -> set[str]:
    """A plain message's fields, or a plural table's: both forms and the count that chooses."""
    if isinstance(entry, Plural):
        return placeholders(entry.one) | placeholders(entry.other) | {entry.count}
    return placeholders(entry)


def texts(entry: str | Plural) -> tuple[str, ...]:
    return entry.forms() if isinstance(entry, Plural) else (entry,)


def test_both_languages_have_the_same_catalog_files():
    french = sorted(path.stem for path in (CATALOGS / "fr").glob("*.toml"))
    assert AREAS
    assert french == AREAS


def test_both_catalogs_have_exactly_the_same_keys():
    english, french = catalog("en"), catalog("fr")
    assert sorted(set(english) - set(french)) == [], "missing in French"
    assert sorted(set(french) - set(english)) == [], "missing in English"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_empty(language):
    empty = [key for key, entry in catalog(language).items()
             if not all(text.strip() for text in texts(entry))]
    assert empty == []


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_both_languages_use_the_same_placeholders(key):
    english, french = entry_placeholders(catalog("en")[key]), entry_placeholders(catalog("fr")[key])
    if key in PICKS_ITS_LANGUAGE:
        english = {f"{name}_fr" for name in english}
    assert english == french


@pytest.mark.parametrize("key", sorted(PICKS_ITS_LANGUAGE))
def test_a_message_that_picks_its_language_shows_the_right_text(key):
    message = msg(key, text="in English", text_fr="en français")
    assert (message.text("en"), message.text("fr")) == ("in English", "en français")


# --- every key the code uses exists ------------------------------------------------------------

AREA = "|".join(AREAS)
LITERAL_KEY = re.compile(rf"""["']((?:{AREA})\.[a-z0-9_]*[a-z0-9])["']""")
# f"check.path_{check.state}"  -> ("check.path_", "")
# f"report.{event.phase}_failed" -> ("report.", "_failed")
FSTRING_KEY = re.compile(rf"""\bf["']((?:{AREA})\.[a-z0-9_]*)\{{[^}}]+\}}([a-z0-9_]*)["']""")
# "report.status_" + step.status -> ("report.status_", "")
CONCAT_KEY = re.compile(rf"""["']((?:{AREA})\.[a-z0-9_]*_)["']\s*\+""")


def literal_values(model, field: str) -> tuple[str, ...]:
    return get_args(model.model_fields[field].annotation)


def sandbox_actions() -> tuple[str, ...]:
    from runner.commands.sandbox import ACTIONS

    return ACTIONS


# Keys completed at run time: (prefix, suffix) -> every value the hole may take.
RUN_TIME_KEYS = {
    ("check.path_", ""): lambda: literal_values(PathCheck, "state"),
    ("check.image_", ""): lambda: literal_values(ImageCheck, "state"),
    ("check.container_", ""): lambda: literal_values(ContainerCheck, "state"),
    ("check.volume_", ""): lambda: literal_values(VolumeCheck, "state"),
    ("check.network_", ""): lambda: literal_values(NetworkCheck, "state"),
    ("check.word_", ""): lambda: literal_values(ContainerLayerCheck, "change"),
    ("report.kind_", ""): lambda: get_args(EngineKind),
    ("report.final_", ""): lambda: tuple(LabStatus),  # LabFinished
    ("report.status_", ""): lambda: tuple(StepStatus),  # StepSummary
    ("report.", "_failed"): lambda: ("setup", "cleanup"),  # CommandFailed.phase
    ("engine.source_", ""): lambda: ("option", "docker_host"),  # a configured Endpoint.source
    ("sandbox.help_", ""): sandbox_actions,
    # the presenter's closing line: a status it has no line for falls back on ended_other
    ("present.ended_", ""): lambda: ("passed", "failed", "incomplete", "interrupted", "aborted",
                                     "other"),
    ("present.file_", ""): lambda: ("added", "changed", "deleted"),  # presenter FILE_CHANGES
}


def scan(pattern: re.Pattern[str]) -> dict[object, list[str]]:
    """Every match of `pattern` in runner/**/*.py -> the files it appears in."""
    found: dict[object, list[str]] = {}
    for path in CODE:
        for match in pattern.findall(path.read_text(encoding="utf-8")):
            found.setdefault(match, []).append(path.name)
    return found


def test_the_scan_sees_the_code():
    assert len(CODE) > 10 and "load.not_found" in scan(LITERAL_KEY)


def test_every_literal_key_in_the_code_exists_in_both_catalogs():
    used = scan(LITERAL_KEY)
    for language in LANGUAGES:
        missing = {key: files for key, files in used.items() if key not in catalog(language)}
        assert missing == {}, language


def test_every_key_built_at_run_time_is_known_to_this_test():
    built = set(scan(FSTRING_KEY)) | {(prefix, "") for prefix in scan(CONCAT_KEY)}
    assert built, "the scan found no run-time key at all"
    assert sorted(built - set(RUN_TIME_KEYS)) == [], (
        "a new run-time key: add its possible values to RUN_TIME_KEYS")


@pytest.mark.parametrize(("prefix", "suffix"), sorted(RUN_TIME_KEYS))
def test_every_value_of_a_run_time_key_exists(prefix, suffix):
    keys = [f"{prefix}{value}{suffix}" for value in RUN_TIME_KEYS[prefix, suffix]()]
    assert keys
    for language in LANGUAGES:
        assert [key for key in keys if key not in catalog(language)] == [], language


# --- choosing the language ---------------------------------------------------------------------

ORDER = ("LABRUNNER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.mark.parametrize("index", range(len(ORDER)), ids=ORDER)
@pytest.mark.parametrize(("winner", "loser"), [("fr", "en_US.UTF-8"), ("en", "fr_FR.UTF-8")])
def test_each_variable_beats_the_ones_after_it(index, winner, loser):
    value = {"fr": "fr_FR.UTF-8", "en": "en_GB.UTF-8"}[winner]
    environ = {name: loser for name in ORDER[index + 1:]} | {ORDER[index]: value}
    assert detect_language(None, environ) == winner


def test_the_lang_option_beats_every_variable():
    environ = dict.fromkeys(ORDER, "en_US.UTF-8")
    assert detect_language("fr", environ) == "fr"


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "fr_CA"}, "fr"),
    ({"LANG": "de_DE"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANGUAGE": "fr:en"}, "fr"),
    ({"LANGUAGE": "en:fr", "LANG": "fr_FR.UTF-8"}, "en"),
    ({"LABRUNNER_LANG": "fr"}, "fr"),
    ({"LANGUAGE": "", "LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
])
def test_locale_values(environ, expected):
    assert detect_language(None, environ) == expected


@pytest.mark.parametrize("environ", [
    {"LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"},
    {"LC_ALL": "C", "LANG": "fr_FR.UTF-8"},
    {"LC_MESSAGES": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"},
], ids=["LC_ALL=de", "LC_ALL=C", "LC_MESSAGES=de"])
def test_a_higher_variable_for_another_language_means_english(environ):
    assert detect_language(None, environ) == "en"


def test_language_is_a_priority_list():
    assert detect_language(None, {"LANGUAGE": "de:fr", "LANG": "en_US.UTF-8"}) == "fr"


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANGUAGE": "de:fr_CA", "LC_ALL": "en_US.UTF-8"}, "fr"),
    ({"LANGUAGE": "de:en:fr"}, "en"),
    ({"LANGUAGE": "fr", "LC_ALL": "C"}, "en"),
    ({"LANGUAGE": "fr", "LC_MESSAGES": "POSIX", "LANG": "fr_FR.UTF-8"}, "en"),
    ({"LANGUAGE": "fr", "LC_ALL": "C.UTF-8"}, "en"),
    ({"LANGUAGE": "de", "LANG": "fr_FR.UTF-8"}, "en"),
    ({"LC_ALL": "", "LC_MESSAGES": "fr_BE@euro", "LANG": "de_DE"}, "fr"),
    ({"LABRUNNER_LANG": "de", "LANG": "fr_FR.UTF-8"}, "fr"),
], ids=["first available entry", "en is available too", "LC_ALL=C ignores LANGUAGE",
        "LC_MESSAGES=POSIX ignores LANGUAGE", "C.UTF-8 is C", "none available means English",
        "an empty variable is not set", "LABRUNNER_LANG without catalog falls through"])
def test_gettext_precedence(environ, expected):
    """As gettext: LANGUAGE is ignored under the C locale, and when it lists no language we
    have, the answer is the source text (English), not the locale's language."""
    assert detect_language(None, environ) == expected


# --- t(): translation and fallbacks ------------------------------------------------------------

def test_t_translates_into_the_language_it_is_given():
    assert t("load.empty", "fr") == catalog("fr")["load.empty"] != t("load.empty", "en")


def test_t_without_a_language_is_refused_rather_than_guessed():
    """There is no current language to fall back on: a caller that forgets it fails loudly."""
    with pytest.raises(TypeError):
        t("load.empty")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        msg("load.empty").text()  # type: ignore[call-arg]


def test_the_module_keeps_no_current_language():
    assert not {"set_language", "current_language", "_current"} & set(vars(i18n))


@pytest.fixture
def small_catalogs(monkeypatch):
    catalogs = {"en": {"a.both": "both {x}", "a.english_only": "only in English {x}"},
                "fr": {"a.both": "les deux {x}"}}
    monkeypatch.setattr(i18n, "catalog", lambda language: catalogs.get(language, {}))


def test_t_falls_back_to_english_then_to_the_key(small_catalogs):
    assert t("a.both", "fr", x=1) == "les deux 1"
    assert t("a.english_only", "fr", x=1) == "only in English 1"
    assert t("a.nowhere", "fr", x=1) == "a.nowhere"


def test_t_keeps_a_placeholder_whose_parameter_is_missing(small_catalogs):
    assert t("a.both", "en", y=2) == "both {x}"


def test_t_accepts_parameters_named_key_and_language():
    assert t("load.duplicate_key", "en", key="id", first_line=3, language="fr").startswith(
        "the key 'id' appears twice")


# --- errors carry keys, translated only when shown ---------------------------------------------

def test_an_error_whose_parameter_is_a_message_reads_in_the_language_it_is_shown_in():
    error = EngineUnreachable("engine.unreachable", url="tcp://h:2375",
                              source=msg("engine.source_option"))
    assert "(given with --engine)" in error.message("en")
    assert "(donné par --engine)" in error.message("fr")
    assert error.message("fr").startswith("aucun moteur Docker ne répond à tcp://h:2375")


def test_a_tuple_of_messages_is_translated_and_joined():
    error = LabFileError("rules.unmarked_destructive", id="wipe",
                         kinds=(msg("check.word_containers"), msg("check.word_images")))
    assert "(containers, images)" in error.message("en")
    assert "(conteneurs, images)" in error.message("fr")

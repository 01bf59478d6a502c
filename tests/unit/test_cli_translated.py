"""argparse's own words ("usage:", "options:", "error:", …) follow --lang and LABRUNNER_LANG."""

from __future__ import annotations

import argparse
import re

import pytest

from runner import cli_words
from runner.cli import main
from runner.i18n import catalog


@pytest.fixture(autouse=True)
def english_afterwards():
    """main() leaves argparse in the language it chose; the next test starts in English."""
    yield
    cli_words.install("en")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        main(list(argv))
    out, err = capsys.readouterr()
    return ended.value.code, out, err


def test_help_of_a_subcommand_is_all_french(capsys):
    code, out, _ = run(capsys, "--lang", "fr", "run", "--help")
    assert code == 0
    assert out.startswith("utilisation : labrunner run ")
    assert "\narguments positionnels :\n" in out and "\noptions :\n" in out
    assert "-h, --help            afficher cette aide et quitter" in out
    assert not re.search(r"usage:|positional arguments|show this help", out)


def test_a_missing_argument_is_reported_in_french(capsys):
    code, _, err = run(capsys, "--lang", "fr", "run")
    assert code == 2
    assert err.splitlines()[-1] == "labrunner run : erreur : ces arguments sont obligatoires : LAB"


def test_labrunner_lang_chooses_french_too(capsys, monkeypatch):
    monkeypatch.setenv("LABRUNNER_LANG", "fr")
    code, _, err = run(capsys, "runn")
    assert code == 2
    assert err.startswith("utilisation : labrunner ")
    assert "labrunner : erreur : argument COMMANDE : choix invalide : 'runn' (choisissez" in err


@pytest.mark.parametrize(("argv", "french"), [
    (["validate", "--bogus"], "arguments non reconnus : --bogus"),
    (["run", "--workdir"], "argument --workdir : une valeur est attendue après cette option"),
    (["run", "x", "--reporter", "foo"],
     "choix invalide : 'foo' (choisissez parmi 'rich', 'plain')"),
])
def test_each_kind_of_usage_error_is_french(capsys, argv, french):
    code, _, err = run(capsys, "--lang", "fr", *argv)
    assert (code, err.splitlines()[-1].endswith(french)) == (2, True)


def test_english_keeps_argparse_words(capsys, monkeypatch):
    monkeypatch.setenv("LABRUNNER_LANG", "en")
    code, _, err = run(capsys, "run")
    assert code == 2
    assert err.startswith("usage: labrunner run ")
    assert err.splitlines()[-1] == "labrunner run: error: the following arguments are required: LAB"


def test_a_plural_argparse_message_uses_the_french_rule():
    cli_words.install("fr")
    assert argparse.ngettext("expected %s argument", "expected %s arguments", 1) == \
        "%s valeur attendue"
    assert argparse.ngettext("expected %s argument", "expected %s arguments", 3) == \
        "%s valeurs attendues"


def test_a_message_we_do_not_translate_stays_english():
    cli_words.install("fr")
    assert argparse._("cannot have multiple subparser arguments") == \
        "cannot have multiple subparser arguments"


def test_every_argparse_id_is_argparse_s_own_text_in_english():
    """The English catalog repeats argparse's message ids: English output is unchanged."""
    english = catalog("en")
    assert all(english[key] == message for message, key in cli_words.KEYS.items())


@pytest.mark.parametrize("key", sorted(cli_words.KEYS.values()) + ["cli.argparse_expected_n"])
def test_french_keeps_argparse_s_percent_fields(key):
    fields = re.compile(r"%(?:\([a-z_]+\))?[sr]")
    english, french = catalog("en")[key], catalog("fr")[key]
    english_texts = english.forms() if hasattr(english, "forms") else (english,)
    french_texts = french.forms() if hasattr(french, "forms") else (french,)
    assert {tuple(sorted(fields.findall(text))) for text in french_texts} == \
        {tuple(sorted(fields.findall(text))) for text in english_texts}

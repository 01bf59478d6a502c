"""Bad lab files: each error is `file:line:col: message`, in the chosen language, exit 2."""

from __future__ import annotations

import textwrap

import pytest

from runner.errors import LabError, LabErrors
from runner.i18n import set_language
from runner.lab.loader import load_lab

STEP = """\
  - id: one
    title: {fr: Un, en: One}
    explain: {fr: x, en: x}
"""


def lab_text(steps: str = STEP + "    run: echo hi\n", head: str = "") -> str:
    return f"id: demo\ntitle: {{fr: Démo, en: Demo}}\n{head}steps:\n{steps}"


CASES = [
    ("yaml syntax", "id: [demo\n", 2, 1, "not valid YAML"),
    ("empty file", "", 1, 1, "the file is empty"),
    ("not a mapping", "- a\n- b\n", 1, 1, "must be a mapping"),
    ("duplicate key", "id: a\nid: b\ntitle: {fr: a, en: b}\nsteps: []\n", 2, 1,
     "'id' appears twice in the same block (first on line 1)"),
    ("unknown key", lab_text(STEP + "    comands: echo\n    run: x\n"), 7, 5,
     "unknown key 'comands'"),
    ("missing translation", "id: demo\ntitle:\n  fr: Démo\nsteps:\n" + STEP + "    run: x\n",
     2, 1, "'title' needs the key 'en'"),
    ("unknown check type", lab_text(STEP + "    run: x\n    checks:\n      - type: imagee\n"),
     9, 9, "unknown check type 'imagee'"),
    ("yaml boolean", lab_text(STEP + "    run: x\n    answers:\n      - expect: y\n"
                                     "        send: yes\n"), 10, 15, 'write it in quotes: "yes"'),
    ("run not text", lab_text(STEP + "    run: 3\n"), 7, 10, "must be text or a list of texts"),
    ("bad step id", lab_text(STEP.replace("id: one", "id: One Two") + "    run: x\n"), 4, 9,
     "must be lowercase letters"),
    ("zero timeout", lab_text(STEP + "    run: x\n    timeout: 0\n"), 8, 14,
     "must be greater than 0"),
    ("duplicate step id", lab_text(STEP + "    run: x\n" + STEP + "    run: y\n"), 8, 9,
     "step id 'one' is already used (line 4)"),
    ("undefined variable", lab_text(STEP + "    run: echo {nope}\n"), 7, 10,
     "undefined variable {nope}"),
    ("bad regex", lab_text(STEP + "    run: x\n    checks:\n      - type: output\n"
                                  "        regex: '[unclosed'\n"), 10, 16,
     "'[unclosed' is not a valid regular expression"),
    ("bad command index", lab_text(STEP + "    run: x\n    checks:\n      - type: output\n"
                                          "        command: 3\n"), 10, 18,
     "command 3 does not exist: this step has 1 command(s)"),
    ("no steps", "id: demo\ntitle: {fr: a, en: b}\nsteps: []\n", 3, 1, "must not be empty"),
]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def error_of(tmp_path, text: str) -> LabError:
    path = tmp_path / "lab.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabError) as caught:
        load_lab(path)
    return caught.value


@pytest.mark.parametrize(("name", "text", "line", "column", "words"), CASES,
                         ids=[case[0] for case in CASES])
def test_each_kind_of_error_is_placed_and_explained(tmp_path, name, text, line, column, words):
    error = error_of(tmp_path, text)
    assert error.exit_code == 2
    message = error.message()
    assert message.startswith(f"{tmp_path / 'lab.yaml'}:{line}:{column}: "), message
    assert words in message


def test_messages_follow_the_chosen_language(tmp_path):
    set_language("fr")
    error = error_of(tmp_path, lab_text(STEP + "    comands: x\n    run: x\n"))
    assert "clé inconnue 'comands' (une faute de frappe ?)" in error.message()


def test_every_error_of_a_file_is_reported_in_line_order(tmp_path):
    text = lab_text(STEP + "    run: x\n    timeout: 0\n    checks:\n      - type: nope\n")
    error = error_of(tmp_path, text.replace("id: one", "id: BAD"))
    assert isinstance(error, LabErrors)
    lines = [item.pos.line for item in error.errors]
    assert lines == sorted(lines) and len(lines) == 3


def test_go_templates_and_shell_braces_are_not_variables(tmp_path):
    run = ("    run: docker inspect --format '{{.Architecture}}' x; echo ${HOME};"
           " find . -exec true {} \\; ; grep -E '[0-9]{64}'\n")
    path = tmp_path / "lab.yaml"
    path.write_text(lab_text(STEP + run), encoding="utf-8")
    assert load_lab(path).steps[0].commands[0].startswith("docker inspect")


def test_a_valid_lab_loads(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text(textwrap.dedent(lab_text()), encoding="utf-8")
    assert load_lab(path).steps[0].commands == ["echo hi"]

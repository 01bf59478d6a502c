"""Bad lab files: each error is a LabError placed at `file:line:col`, translated, exit code 2.

Every lab text below is written with textwrap.dedent, so its line numbers are the ones you
count in the test. Columns are 1-based, as editors show them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from runner.errors import LabError, LabErrors, LabFileError
from runner.lab.loader import bundled_labs, load_lab, resolve_lab
from runner.lab.model import CHECK_TYPES
from runner.lab.variables import BUILTINS

KNOWN_CHECKS = ", ".join(CHECK_TYPES)


def lab(step: str = "run: echo hi\n", head: str = "") -> str:
    """A one-step lab: `head` lines go after the title (line 3 on), `step` lines complete
    the step. Without `head` the step's own keys begin on line 7, column 5."""
    top = textwrap.dedent("""\
        id: demo
        title: {fr: Démo, en: Demo}
        """) + textwrap.dedent(head) + textwrap.dedent("""\
        steps:
          - id: one
            title: {fr: Un, en: One}
            explain: {fr: Explication, en: Explanation}
        """)
    # `format: 2` comes last so that the lines above keep the numbers the tests assert.
    return top + textwrap.indent(textwrap.dedent(step), "    ") + "format: 2\n"


def with_step(text: str, step: str) -> str:
    """A lab made by `lab()` with one more step at the end of its steps."""
    return text.removesuffix("format: 2\n") + step + "format: 2\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def as_format_1(text: str) -> str:
    """A lab made by `lab()` without its `format: 2`: a format-1 file, upgraded in memory."""
    return text.removesuffix("format: 2\n")


def yaml_problem(text: str) -> str:
    """PyYAML's own words for what is wrong in `text`: its wording is not ours to test, only
    that our message passes it on."""
    try:
        yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        return error.problem
    raise AssertionError(f"{text!r} is valid YAML")


def load_error(tmp_path: Path, text: str) -> LabError:
    """The LabError raised by loading `text`; any other exception fails the test."""
    with pytest.raises(LabError) as caught:
        load_lab(write(tmp_path, text))
    return caught.value


# (name, lab text, key, line, column, words of the English message)
CASES = [
    ("yaml syntax", "id: demo\ntitle: Demo: the lab\n", "load.yaml_syntax", 2, 12,
     "this is not valid YAML: " + yaml_problem("id: demo\ntitle: Demo: the lab\n")),
    ("bracket left open at the end of the file", "id: [demo\n", "load.yaml_syntax", 2, 1,
     "this is not valid YAML: " + yaml_problem("id: [demo\n")),
    ("empty file", "", "load.empty", 1, 1, "the file is empty"),
    ("only a comment", "# a lab, one day\n", "load.empty", 1, 1, "the file is empty"),
    ("top level is a list", "- id: demo\n- title: x\n", "load.not_mapping", 1, 1,
     "a lab file must be a mapping of keys"),
    ("top level is text", "just some words\n", "load.not_mapping", 1, 1,
     "a lab file must be a mapping of keys"),
    ("duplicate key",
     textwrap.dedent("""\
         id: demo
         title: {fr: Démo, en: Demo}
         id: other
         """),
     "load.duplicate_key", 3, 1, "the key 'id' appears twice in the same block (first on line 1)"),
    ("duplicate key in a step", lab("run: echo a\nrun: echo b\n"),
     "load.duplicate_key", 8, 5, "the key 'run' appears twice in the same block (first on line 7)"),
    ("unknown key in a step", lab("comands: echo hi\nrun: echo hi\n"),
     "schema.unknown_field", 7, 5, "unknown key 'comands' (a typo?)"),
    ("unknown key in a check", lab("""\
         run: echo hi
         checks:
           - type: output
             exitcode: 0
         """),
     "schema.unknown_field", 10, 9, "unknown key 'exitcode' (a typo?)"),
    ("missing translation",
     textwrap.dedent("""\
         id: demo
         title:
           fr: Démo
         steps:
           - id: one
             title: {fr: Un, en: One}
             explain: {fr: Explication, en: Explanation}
             run: echo hi
         """),
     "schema.missing", 2, 1, "'title' needs the key 'en'"),
    ("unknown check type", lab("""\
         run: echo hi
         checks:
           - type: imagee
             name: nginx
         """),
     "schema.unknown_check", 9, 9, f"unknown check type 'imagee' (known: {KNOWN_CHECKS})"),
    ("check without type", lab("""\
         run: echo hi
         checks:
           - exit_code: 0
         """),
     "schema.check_without_type", 9, 9, f"this check has no 'type:' (one of: {KNOWN_CHECKS})"),
    ("yes unquoted", lab("""\
         run: apt-get remove nano
         answers:
           - expect: 'Continue\\? \\[Y/n\\]'
             send: yes
         """),
     "schema.yaml_boolean", 10, 15,
     "'steps.0.answers.0.send': YAML reads yes as a boolean, not as text; "
     "write it in quotes: \"yes\""),
    ("run is a number", lab("run: 3\n"),
     "schema.not_text_or_list", 7, 10, "'steps.0.run' must be text or a list of texts"),
    ("bad step id", lab("run: echo hi\n").replace("id: one", "id: Step 1"),
     "schema.bad_identifier", 4, 9, "'steps.0.id' must be lowercase letters, digits"),
    ("zero step timeout", lab("run: echo hi\ntimeout: 0\n"),
     "schema.not_greater", 8, 14, "'steps.0.timeout' must be greater than 0"),
    ("negative lab timeout", lab(head="timeout: -5\n"),
     "schema.not_greater", 3, 10, "'timeout' must be greater than 0"),
    ("duplicate step id", with_step(lab("run: echo a\n"), textwrap.indent(textwrap.dedent("""\
         - id: one
           title: {fr: Encore, en: Again}
           explain: {fr: x, en: x}
           run: echo b
         """), "  ")),
     "semantic.duplicate_step", 8, 9,
     "step id 'one' is already used (line 4); step ids must be unique"),
    ("undefined variable", lab("run: docker pull {image}\n", head="variables: {img: nginx}\n"),
     "semantic.undefined_variable", 8, 10, "undefined variable {image} (defined: "),
    ("undefined variable in a list", lab("run:\n  - echo ok\n  - echo {nope}\n"),
     "semantic.undefined_variable", 9, 9, "undefined variable {nope}"),
    ("bad regex in answers", lab("""\
         run: rm -i f
         answers:
           - expect: '(remove'
             send: 'y'
         """),
     "semantic.bad_regex", 9, 17, "'(remove' is not a valid regular expression: "),
    ("bad regex in an output check", lab("""\
         run: docker ps
         checks:
           - type: output
             regex: '[0-9a-f{12}'
         """),
     "semantic.bad_regex", 10, 16, "'[0-9a-f{12}' is not a valid regular expression: "),
    ("command index out of range", lab("""\
         run: echo hi
         checks:
           - type: output
             command: 3
         """),
     "semantic.bad_command_index", 10, 18,
     "command 3 does not exist: this step has 1 command"),
    ("no step at all", "id: demo\ntitle: {fr: Démo, en: Demo}\nsteps: []\n",
     "schema.too_short", 3, 1, "'steps' must not be empty"),
]


@pytest.mark.parametrize(("name", "text", "key", "line", "column", "words"), CASES,
                         ids=[case[0] for case in CASES])
def test_each_kind_of_error_is_placed_and_explained(tmp_path, name, text, key, line, column,
                                                    words):
    error = load_error(tmp_path, text)
    assert isinstance(error, LabFileError), error.message("en")
    assert (error.key, error.exit_code) == (key, 2)
    message = error.message("en")
    assert message.startswith(f"{tmp_path / 'lab.yaml'}:{line}:{column}: "), message
    assert words in message


FRENCH = [
    ("unknown key", lab("comands: echo hi\nrun: echo hi\n"),
     "7:5: clé inconnue 'comands' (une faute de frappe ?)"),
    ("missing translation", lab(head="objectives:\n  - fr: Comprendre\n"),
     "4:5: 'objectives.0' doit avoir la clé 'en'"),
    ("yes unquoted", lab("run: x\nanswers:\n  - expect: 'a'\n    send: yes\n"),
     "10:15: 'steps.0.answers.0.send' : YAML lit yes comme un booléen, pas comme du texte ; "
     "mettez-le entre guillemets : \"yes\""),
    ("duplicate key", "id: a\nid: b\n",
     "2:1: la clé 'id' apparaît deux fois dans le même bloc (la première ligne 1)"),
    ("command index", lab("run: x\nchecks:\n  - type: output\n    command: 2\n"),
     "10:18: la commande 2 n'existe pas : cette étape a 1 commande"),
    ("unsupported tag", lab("run: !shell x\n"),
     "7:10: la balise YAML !shell n'est pas prise en charge dans un fichier de lab"),
    ("bad tagged value", lab("run: x\ntimeout: !!int dix\n"),
     "8:14: impossible de lire 'dix' comme !!int"),
    ("recursive alias", "id: a\nsteps: &s [*s]\n",
     "2:8: ce bloc se contient lui-même, par un alias YAML (*nom) vers sa propre ancre (&nom)"),
    ("variable in a variable", lab("run: x\n", head="variables: {a: x, b: '{a}'}\n"),
     "3:22: la valeur d'une variable ne peut utiliser que les variables prédéfinies"),
]


@pytest.mark.parametrize(("name", "text", "words"), FRENCH, ids=[case[0] for case in FRENCH])
def test_messages_are_in_french_when_french_is_chosen(tmp_path, name, text, words):
    error = load_error(tmp_path, text)
    assert f"{tmp_path / 'lab.yaml'}:{words}" in error.message("fr")


def test_the_same_error_reads_in_english_then_in_french(tmp_path):
    error = load_error(tmp_path, lab("run: 3\n"))
    assert error.message("en").endswith("'steps.0.run' must be text or a list of texts")
    assert error.message("fr").endswith("'steps.0.run' doit être du texte ou une liste de textes")


@pytest.mark.parametrize("written_as", [str, as_format_1], ids=["format 2", "format 1"])
def test_several_schema_errors_are_all_reported_in_line_order(tmp_path, written_as):
    """A format-1 file is upgraded in memory first: its errors keep the lines written."""
    text = lab("""\
        run: echo hi
        timeout: 0
        checks:
          - type: nope
        """, head="timeout: -1\n").replace("id: one", "id: ONE")
    error = load_error(tmp_path, written_as(text))
    assert isinstance(error, LabErrors) and error.exit_code == 2
    places = [(item.pos.line, item.key) for item in error.errors]
    assert places == [(3, "schema.not_greater"), (5, "schema.bad_identifier"),
                      (9, "schema.not_greater"), (11, "schema.unknown_check")]
    assert error.message("en").splitlines()[0].startswith(f"{tmp_path / 'lab.yaml'}:3:")


def test_several_semantic_errors_are_all_reported_in_line_order(tmp_path):
    text = lab("""\
        run: echo {nope}
        checks:
          - type: output
            command: 2
            regex: '('
        """)
    text = with_step(text, "  - id: one\n    title: {fr: a, en: b}\n    explain: {fr: a, en: b}\n"
                     "    run: x\n")
    error = load_error(tmp_path, text)
    assert isinstance(error, LabErrors)
    places = [(item.pos.line, item.key) for item in error.errors]
    assert places == [(7, "semantic.undefined_variable"), (10, "semantic.bad_command_index"),
                      (11, "semantic.bad_regex"), (12, "semantic.duplicate_step")]


def test_several_duplicate_keys_are_all_reported(tmp_path):
    error = load_error(tmp_path, "id: a\nid: b\ntitle: x\ntitle: y\n")
    assert isinstance(error, LabErrors)
    assert [(e.key, e.pos.line, e.params["first_line"]) for e in error.errors] == [
        ("load.duplicate_key", 2, 1), ("load.duplicate_key", 4, 3)]


@pytest.mark.parametrize("content", [None, "id: d\xe9mo\n".encode("latin-1")],
                         ids=["missing", "latin-1"])
def test_a_missing_or_unreadable_file_is_a_lab_error(tmp_path, content):
    path = tmp_path / "lab.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LabFileError) as caught:
        load_lab(path)
    assert caught.value.key == "load.unreadable" and caught.value.exit_code == 2


# Malformed input of every sort: the loader answers with a LabError, never a traceback.
# A file whose error a test below also places or words is not repeated here (CASES,
# test_field_names_are_paths_of_the_file).
NOT_A_TRACEBACK = [
    "\tid: demo\n",
    "id: a\n---\nid: b\n",
    "42\n",
    "steps:\n  -\n",
    "? [a, b]\n: c\n",
    "id: demo\ntitle: {fr: a, en: b}\nsteps: {one: two}\n",
    "id: 2024-01-01\ntitle: {fr: a, en: b}\nsteps: [{id: x}]\n",
    lab("run: [echo a, 3]\n"),
    lab("run: x\nchecks: [output]\n"),
    lab("run: x\nchecks:\n  - type: output\n    retry: {attempts: 0, delay: -1}\n"),
]


@pytest.mark.parametrize("text", NOT_A_TRACEBACK, ids=range(len(NOT_A_TRACEBACK)))
def test_malformed_files_raise_only_lab_errors(tmp_path, text):
    error = load_error(tmp_path, text)
    assert error.exit_code == 2 and error.message("en")


# A tag makes PyYAML's constructor read a value its own way: it may not know the tag or
# fail on the value; either is a placed error, never a traceback (nor python code run).
def test_every_tag_error_is_reported_with_the_tag_as_written(tmp_path):
    error = load_error(tmp_path, lab("""\
        run: !shell echo hi
        timeout: !!int ten
        checks:
          - !!python/object:os.system {type: output}
        answers: !!set {a, b}
        destructive: !!timestamp soon
        only_on: !!python/name:os.system linux
        """))
    assert isinstance(error, LabErrors) and error.exit_code == 2
    assert [(e.key, e.pos.line, e.pos.column) for e in error.errors] == [
        ("load.unsupported_tag", 7, 10), ("load.bad_tagged_value", 8, 14),
        ("load.unsupported_tag", 10, 9), ("load.unsupported_tag", 11, 14),
        ("load.bad_tagged_value", 12, 18), ("load.unsupported_tag", 13, 14)]
    lines = error.message("en").splitlines()
    assert lines[0].endswith("the YAML tag !shell is not supported in a lab file; "
                             "write the value without it")
    assert lines[1].endswith("'ten' cannot be read as !!int")
    assert "!!python/object:os.system" in lines[2] and "!!set" in lines[3]
    assert lines[4].endswith("'soon' cannot be read as !!timestamp")
    assert "!!python/name:os.system" in lines[5]


def test_plain_yaml_tags_that_fit_their_value_are_accepted(tmp_path):
    loaded = load_lab(write(tmp_path, lab("run: !!str 42\ntimeout: !!int 30\n")))
    assert (loaded.steps[0].run, loaded.steps[0].timeout) == ("42", 30)


@pytest.mark.parametrize("text", ["id: demo\ntitle: &t\n  fr: *t\n  en: b\n",
                                  "id: demo\nsteps: &loop [*loop]\n"], ids=["mapping", "list"])
def test_a_recursive_alias_points_at_its_anchor(tmp_path, text):
    error = load_error(tmp_path, text)
    assert (error.key, error.pos.line, error.pos.column) == ("load.recursive_alias", 2, 8)
    assert error.exit_code == 2 and "contains itself through a YAML alias" in error.message("en")


def test_an_alias_used_twice_is_not_recursive(tmp_path):
    text = lab("run: x\n", head="objectives:\n  - &goal {fr: a, en: b}\n  - *goal\n")
    assert len(load_lab(write(tmp_path, text)).objectives) == 2


def test_a_bad_state_in_a_path_check_points_at_state(tmp_path):
    error = load_error(tmp_path, lab("""\
        run: echo hi
        checks:
          - type: path
            path: /etc/hostname
            state: exist
        """))
    assert (error.pos.line, error.pos.column) == (11, 16)
    assert "'steps.0.checks.0.state' must be one of 'present' or 'absent'" in error.message("en")


def test_a_container_check_without_name_asks_for_name(tmp_path):
    error = load_error(tmp_path, lab("""\
        run: echo hi
        checks:
          - type: container
            container: www
        """))
    assert isinstance(error, LabErrors)
    assert "'steps.0.checks.0' needs the key 'name'" in error.message("en")


def test_a_duplicate_key_names_the_line_of_the_first_key(tmp_path):
    error = load_error(tmp_path, "id:\n  demo\nid: other\n")
    assert error.params["first_line"] == 1


def test_an_undefined_name_in_a_variable_value_is_reported(tmp_path):
    error = load_error(tmp_path, lab("run: ls {layers}\n",
                                     head="variables:\n  layers: '{docker_rot}/overlay2'\n"))
    assert (error.key, error.pos.line) == ("semantic.undefined_variable", 4)
    assert error.params["known"] == ", ".join(sorted(BUILTINS))
    assert "docker_root" in error.params["known"]


def test_a_variable_value_may_use_built_ins(tmp_path):
    text = lab("run: ls {layers}\n", head="variables:\n  layers: '{docker_root}/overlay2'\n")
    assert load_lab(write(tmp_path, text)).variables == {"layers": "{docker_root}/overlay2"}


@pytest.mark.parametrize("value", ["'{base}/more'", "'{layers}/again'"], ids=["other", "itself"])
def test_a_variable_value_may_not_use_a_lab_variable(tmp_path, value):
    """The engine fills variable values from built-ins only: {base} would reach the command."""
    head = f"variables:\n  base: /srv\n  layers: {value}\n"
    error = load_error(tmp_path, lab("run: ls {layers} {base}\n", head=head))
    assert (error.key, error.pos.line, error.pos.column) == ("semantic.variable_in_variable", 5, 11)
    assert "a variable's value may use only the built-in variables (containerd_root, " in (
        error.message("en"))


@pytest.mark.parametrize(("step", "field"), [
    ("run: {echo: hi}\n", "'steps.0.run' "),
    ("run: x\nengine_notes: {linuxx: {fr: a, en: b}}\n", "'steps.0.engine_notes.linuxx' "),
    ("run: {str: hi}\n", "'steps.0.run' "),
    ("run: x\nchecks:\n  - type: path\n    path: 3\n", "'steps.0.checks.0.path'"),
    ("run: x\nchecks:\n  - type: container_layer\n    name: 3\n    path: /x\n",
     "'steps.0.checks.0.name'"),
], ids=["run is a mapping", "unknown engine kind", "run is a mapping with a key str",
        "the path of a path check", "the name of a container_layer check"])
def test_field_names_are_paths_of_the_file(tmp_path, step, field):
    assert field in load_error(tmp_path, lab(step)).message("en")


def test_shell_and_template_braces_are_not_variables(tmp_path):
    step = """\
        run:
          - docker image inspect --format '{{.Architecture}}' nginx
          - echo ${HOME} $HOME
          - find . -name '*.tmp' -exec rm {} \\;
          - grep -E '[0-9]{64}' ids.txt
        checks:
          - type: output
            regex: '^[0-9a-f]{64}$'
        answers:
          - expect: 'x{2,3}'
            send: 'y'
        """
    loaded = load_lab(write(tmp_path, lab(step)))
    assert loaded.steps[0].commands == [
        "docker image inspect --format '{{.Architecture}}' nginx", "echo ${HOME} $HOME",
        "find . -name '*.tmp' -exec rm {} \\;", "grep -E '[0-9]{64}' ids.txt"]


@pytest.mark.parametrize("written_as", [str, as_format_1], ids=["format 2", "format 1"])
def test_a_valid_lab_loads(tmp_path, written_as):
    assert load_lab(write(tmp_path, written_as(lab()))).steps[0].commands == ["echo hi"]


def test_defined_and_builtin_variables_are_accepted(tmp_path):
    path = write(tmp_path, lab("run: ls {docker_root}/{sub} {work_dir}\n",
                               head="variables: {sub: overlay2}\n"))
    assert load_lab(path).variables == {"sub": "overlay2"}


def test_resolve_lab_finds_a_bundled_lab_by_id():
    first = bundled_labs()[0]
    assert resolve_lab(first.stem) == first


def test_resolve_lab_lists_the_known_labs_for_an_unknown_id():
    with pytest.raises(LabFileError) as caught:
        resolve_lab("no-such-lab")
    error = caught.value
    assert error.key == "load.unknown_lab" and error.exit_code == 2 and error.pos is None
    assert "inspect-overlay2" in error.message("en")
    assert "'no-such-lab'" in error.message("en")


def test_resolve_lab_rejects_a_yaml_path_that_does_not_exist(tmp_path):
    missing = str(tmp_path / "inspect-overlay2.yaml")
    with pytest.raises(LabFileError) as caught:
        resolve_lab(missing)
    assert caught.value.key == "load.not_found"
    assert caught.value.message("en") == f"no such lab file: {missing}"


def test_resolve_lab_returns_an_existing_path_as_is(tmp_path):
    path = write(tmp_path, lab())
    assert resolve_lab(str(path)) == path


@pytest.mark.parametrize(("value", "raw", "number"), [
    ("2222:22", "2222:22", "133342"), ("80", "80", "80")])
def test_a_number_where_text_is_expected_says_how_yaml_read_it(tmp_path, value, raw, number):
    error = load_error(tmp_path, lab(f"""\
        run: echo hi
        checks:
          - type: container
            name: web
            config:
              ports: [{value}]
        """))
    assert error.key == "schema.yaml_number"
    assert f"YAML reads {raw} as the number {number}" in error.message("en")
    assert f'write it in quotes: "{raw}"' in error.message("en")

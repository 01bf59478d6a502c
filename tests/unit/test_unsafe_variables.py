"""validate refuses a variable where no quoting keeps it text, at its own line and column."""

from __future__ import annotations

import textwrap

import pytest

from runner.errors import LabError, LabErrors
from runner.lab.loader import load_lab


def load_errors(tmp_path, body: str, variables: str = "v: x") -> list[tuple[str, int, int]]:
    """(key, line, column) of each error of a lab whose steps start on line 6."""
    text = textwrap.dedent("""\
        format: 2
        id: demo
        title: {fr: Démo, en: Demo}
        variables: {%s}
        steps:
        """) % variables + textwrap.indent(textwrap.dedent(body), "  ")
    path = tmp_path / "lab.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabError) as caught:
        load_lab(path)
    errors = caught.value.errors if isinstance(caught.value, LabErrors) else [caught.value]
    return [(e.key, e.pos.line, e.pos.column) for e in errors]


STEP = """\
- id: one
  title: {fr: Un, en: One}
  explain: {fr: E, en: E}
"""


@pytest.mark.parametrize(("run", "key", "line", "column"), [
    ("  run: echo $(( {v} + 1 ))\n", "semantic.variable_in_arithmetic", 9, 19),
    ("  run: '[[ -v {v} ]]'\n", "semantic.variable_in_test", 9, 17),
    ("  run: 'echo hi # {v}'\n", "semantic.variable_in_comment", 9, 21),
    ("  run:\n    - echo a\n    - |\n      cat <<EOF\n      line {v}\n      EOF\n",
     "semantic.variable_in_heredoc", 13, 14),
    ("  run: |-\n    # about {v}\n    echo {v}\n", "semantic.variable_in_comment", 10, 15),
    ("  run: echo\n  checks:\n    - type: probe\n      run: '(( {v} ))'\n",
     "semantic.variable_in_arithmetic", 12, 18),
], ids=["$((…))", "[[ -v ]]", "comment", "here-document in a list", "block", "probe"])
def test_each_unsafe_place_is_refused_where_the_variable_stands(tmp_path, run, key, line,
                                                                column):
    assert load_errors(tmp_path, STEP + run) == [(key, line, column)]


def test_the_second_of_two_same_placeholders_on_a_line_is_placed(tmp_path):
    run = "  run: 'echo {v} # {v}'\n"  # quoted: in YAML ` #` starts a comment
    assert load_errors(tmp_path, STEP + run) == [("semantic.variable_in_comment", 9, 22)]


def test_a_task_solution_is_read_too(tmp_path):
    body = STEP + "  task:\n    solution: echo $(({v}))\n"
    errors = load_errors(tmp_path, body)
    assert ("semantic.variable_in_arithmetic", 10, 25) in errors


def test_a_multiline_value_in_a_quoted_here_document_is_refused(tmp_path):
    run = "  run: |\n    cat <<'EOF'\n    {v}\n    EOF\n"
    errors = load_errors(tmp_path, STEP + run, variables='v: "x\\nEOF\\ntouch pwned"')
    assert errors == [("semantic.value_ends_heredoc", 11, 7)]


def test_a_one_line_value_in_a_quoted_here_document_is_accepted(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text(textwrap.dedent("""\
        format: 2
        id: demo
        title: {fr: Démo, en: Demo}
        variables: {base: "alpine:3.19"}
        steps:
          - id: one
            title: {fr: Un, en: One}
            explain: {fr: E, en: E}
            run: |
              cat <<'EOF'
              FROM {base}
              EOF
        """), encoding="utf-8")
    assert load_lab(path).variables == {"base": "alpine:3.19"}


def test_the_delimiter_as_a_value_in_a_quoted_here_document_is_refused(tmp_path):
    run = "  run: |\n    cat <<'EOF'\n    {v}\n    EOF\n"
    assert load_errors(tmp_path, STEP + run, variables="v: EOF") == [
        ("semantic.value_ends_heredoc", 11, 7)]

"""Variables never become code, proved with a real bash: each injection attempt, in each
place a variable may stand, prints back as text and never creates its marker file."""

from __future__ import annotations

import shlex
import subprocess

import pytest

from runner.lab.variables import UnsafePlaceholder, substitute

pytestmark = pytest.mark.shell

ATTEMPTS = {
    "command substitution": "$(touch {marker})",
    "backticks": "`touch {marker}`",
    "newline": "a\ntouch {marker}",
    "separator": "x; touch {marker}",
    "quotes": "it's \"$(touch {marker})\"",
    "array subscript": "a[$(touch {marker})]",
}
SAFE_PLACES = {
    "bare": "printf '%s\\n' {v}",
    "single quotes": "printf '%s\\n' '{v}'",
    "double quotes": 'printf \'%s\\n\' "{v}"',
    "ansi-c quotes": "printf '%s\\n' $'{v}'",
    "backquotes in double quotes": 'printf \'%s\\n\' "`printf %s {v}`"',
    "after a comment": "# it's {{not}} a variable\nprintf '%s\\n' {v}",
    "after a here-document": "cat <<EOF\nhi\nEOF\nprintf '%s\\n' {v}",
}
UNSAFE_PLACES = {
    "unquoted here-document": "cat <<EOF\n{v}\nEOF",
    "comment": "echo # {v}",
    "$((…))": "echo $(( {v} ))",
    "[[ -v … ]]": "[[ -v {v} ]]",
    "quoted [[ … -eq … ]]": '[[ "{v}" -eq 1 ]]',
}


def bash(command: str, cwd) -> str:
    done = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True,
                          timeout=10, check=False)
    return done.stdout


@pytest.mark.parametrize("attempt", ATTEMPTS.values(), ids=ATTEMPTS.keys())
@pytest.mark.parametrize("template", SAFE_PLACES.values(), ids=SAFE_PLACES.keys())
def test_a_value_prints_back_and_runs_nothing(tmp_path, template, attempt):
    marker = tmp_path / "pwned"
    value = attempt.format(marker=marker)
    output = bash(substitute(template, {"v": value}, quote=True), tmp_path)
    assert not marker.exists()
    assert output.endswith(value + "\n")


@pytest.mark.parametrize("attempt", ATTEMPTS.values(), ids=ATTEMPTS.keys())
def test_a_quoted_here_document_keeps_a_one_line_value_as_text(tmp_path, attempt):
    marker = tmp_path / "pwned"
    value = attempt.format(marker=marker)
    command = "cat <<'EOF'\n{v}\nEOF"
    if "\n" in value:  # one of its lines could end the here-document: refused
        with pytest.raises(UnsafePlaceholder):
            substitute(command, {"v": value}, quote=True)
        return
    assert bash(substitute(command, {"v": value}, quote=True), tmp_path) == value + "\n"
    assert not marker.exists()


@pytest.mark.parametrize("attempt", ATTEMPTS.values(), ids=ATTEMPTS.keys())
@pytest.mark.parametrize("template", UNSAFE_PLACES.values(), ids=UNSAFE_PLACES.keys())
def test_where_bash_would_run_it_the_value_is_refused(tmp_path, template, attempt):
    marker = tmp_path / "pwned"
    value = attempt.format(marker=marker)
    with pytest.raises(UnsafePlaceholder):
        substitute(template, {"v": value}, quote=True)


@pytest.mark.parametrize("template", UNSAFE_PLACES.values(), ids=UNSAFE_PLACES.keys())
def test_the_places_refused_are_ones_where_bash_runs_even_a_quoted_value(tmp_path, template):
    """Why they are refused: shell-quoting the value (as outside them) does not keep it text."""
    marker = tmp_path / "pwned"
    for value in (f"a[$(touch {marker})]", f"x\ntouch {marker} #"):
        bash(template.replace("{v}", shlex.quote(value)), tmp_path)
    assert marker.exists()

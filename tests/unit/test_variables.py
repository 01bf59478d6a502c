"""`{name}` placeholders: which braces are variables, and how values enter shell commands."""

from __future__ import annotations

import shlex

import pytest

from runner.lab.variables import (
    ARITHMETIC,
    COMMENT,
    HEREDOC,
    TEST,
    UnsafePlaceholder,
    placeholders,
    substitute,
    unsafe_placeholders,
)

NASTY = {
    "spaces": "my lab dir",
    "single quotes": "it's 'quoted'",
    "double quotes": 'say "hi"',
    "command substitution": "$(touch /tmp/pwned)",
    "backticks": "`touch /tmp/pwned`",
    "separator": "x; rm -rf ~",
    "glob": "*",
    "newline": "a\nb",
    "variable": "$HOME",
    "empty": "",
}


def expanded_by_the_shell(command: str) -> str:
    """The characters of `command` that bash may act on: those outside single quotes."""
    outside, state = [], None
    for char in command:
        if state is None and char in "'\"":
            state = char
        elif char == state:
            state = None
        elif state != "'":
            outside.append(char)
    return "".join(outside)


@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
def test_a_quoted_value_comes_back_as_one_word(value):
    command = substitute("printf %s {v}", {"v": value}, quote=True)
    assert shlex.split(command) == ["printf", "%s", value]


@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
def test_a_quoted_value_gives_the_shell_nothing_to_run(value):
    command = substitute("printf %s {v}", {"v": value}, quote=True)
    assert not set(expanded_by_the_shell(command)) & set("$`;*\n")


def test_a_safe_value_is_left_bare():
    assert substitute("docker pull {image}", {"image": "nginx:1.25"}, quote=True) == (
        "docker pull nginx:1.25")


def test_without_quote_the_value_is_inserted_as_is():
    assert substitute("path {p}", {"p": "/a b/$x"}) == "path /a b/$x"


@pytest.mark.parametrize("quote", [False, True])
def test_unknown_names_stay_as_written(quote):
    assert substitute("{known} {unknown}", {"known": "x"}, quote=quote) == "x {unknown}"


def test_a_value_is_not_substituted_again():
    assert substitute("{a}", {"a": "{b}", "b": "no"}) == "{b}"


def test_every_occurrence_is_replaced():
    assert substitute("{c} and {c}", {"c": "www"}) == "www and www"


def test_shell_and_template_braces_pass_through_untouched():
    text = "docker inspect -f '{{.Id}}' {c}; echo ${HOME}; find . -exec rm {} \\; ; grep -E 'a{64}'"
    values = {"c": "www", "Id": "no", "HOME": "no"}
    assert substitute(text, values, quote=True) == text.replace("{c}", "www")


@pytest.mark.parametrize(("text", "names"), [
    ("docker run --name {container} {image}", ["container", "image"]),
    ("{docker_root}/overlay2/*/diff/{file}", ["docker_root", "file"]),
    ("{a}{a}", ["a", "a"]),
    ("{_x1} {lang}", ["_x1", "lang"]),
    ("docker image inspect --format '{{.Architecture}}' nginx", []),
    ("{{ .Name }} {{name}} {{{name}}}", []),
    ("echo ${HOME} ${name}", []),
    ("find . -name '*.tmp' -exec rm {} \\;", []),
    ("^[0-9a-f]{64}$ x{2,3} {1}", []),
    ("{Name} {a-b} {a b} {}", []),
    ("echo {a,b}", []),
])
def test_placeholders(text, names):
    assert placeholders(text) == names


@pytest.mark.parametrize("template", ["echo '{v}'", 'echo "{v}"'], ids=["single", "double"])
def test_a_value_inside_quotes_in_the_template_stays_one_word(template):
    command = substitute(template, {"v": "x; touch pwned"}, quote=True)
    assert shlex.split(command) == ["echo", "x; touch pwned"]


@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
@pytest.mark.parametrize(("template", "word"), [
    ("echo '{v}'", "{v}"),
    ("echo 'x{v}y'", "x{v}y"),
    ("echo 'a '{v}' b'", "a {v} b"),
], ids=["single quotes", "inside a single-quoted word", "between two single-quoted parts"])
def test_any_value_next_to_single_quotes_comes_back_as_it_was(template, word, value):
    command = substitute(template, {"v": value}, quote=True)
    assert shlex.split(command) == ["echo", word.replace("{v}", value)]


@pytest.mark.parametrize("value", NASTY.values(), ids=NASTY.keys())
def test_a_value_inside_single_quotes_gives_the_shell_nothing_to_run(value):
    command = substitute("echo '{v}'", {"v": value}, quote=True)
    assert not set(expanded_by_the_shell(command)) & set("$`;*\n")


# The value a'b"c$d`e\f g in each place a placeholder may stand; every result below was run
# through bash and printed the value unchanged.
VALUE = "a'b\"c$d`e\\f g"
IN_CONTEXT = {
    "bare": ("printf %s {v}", """printf %s 'a'"'"'b"c$d`e\\f g'"""),
    "single quotes": ("printf %s '{v}'", """printf %s 'a'\\''b"c$d`e\\f g'"""),
    "double quotes": ('printf %s "{v}"', """printf %s "a'b\\"c\\$d\\`e\\\\f g\""""),
    "ansi-c quotes": ("printf %s $'{v}'", """printf %s $'a\\'b"c$d`e\\\\f g'"""),
    "$(…) inside double quotes": ('printf %s "$(printf %s {v})"',
                                  """printf %s "$(printf %s 'a'"'"'b"c$d`e\\f g')\""""),
    "backquotes inside double quotes": ('printf %s "`printf %s {v}`"',
                                        """printf %s "`printf %s 'a'"'"'b"c\\$d\\`e\\\\f g'`\""""),
    "a single quote inside double quotes": ('printf %s "d\'abord {v}"',
                                            """printf %s "d'abord a'b\\"c\\$d\\`e\\\\f g\""""),
    "after a comment with a quote": ("# it's\nprintf %s {v}",
                                     """# it's\nprintf %s 'a'"'"'b"c$d`e\\f g'"""),
    "after an escaped quote": ("printf %s \\'{v}", """printf %s \\''a'"'"'b"c$d`e\\f g'"""),
}


@pytest.mark.parametrize(("template", "expected"), IN_CONTEXT.values(), ids=IN_CONTEXT.keys())
def test_a_value_is_quoted_for_the_place_it_stands_in(template, expected):
    assert substitute(template, {"v": VALUE}, quote=True) == expected


def test_templates_inside_quotes_stay_untouched():
    command = "docker inspect -f '{{.Name}} {c}' x; find . -exec sh -c \"echo {} {c}\" \\;"
    assert substitute(command, {"c": "it's"}, quote=True) == (
        "docker inspect -f '{{.Name}} it'\\''s' x; find . -exec sh -c \"echo {} it's\" \\;")


def test_a_safe_value_inside_quotes_is_inserted_as_is():
    assert substitute("echo '{a}' \"{b}\"", {"a": "web", "b": "x y"}, quote=True) == (
        "echo 'web' \"x y\"")


# --- places no quoting makes safe: refused (UnsafePlaceholder; validate refuses the lab) ---

INJECTIONS = {
    "command substitution": "$(touch /tmp/pwned)",
    "backticks": "`touch /tmp/pwned`",
    "newline": "a\ntouch /tmp/pwned",
    "array subscript": "a[$(touch /tmp/pwned)]",
}
UNSAFE_PLACES = {
    "unquoted here-document": ("cat <<EOF\nx {v}\nEOF", HEREDOC),
    "here-document with <<-": ("cat <<-END\n\tx {v}\n\tEND", HEREDOC),
    "comment": ("echo hi # {v}", COMMENT),
    "comment on its own line": ("# about {v}\necho hi", COMMENT),
    "$((…))": ("echo $(( {v} + 1 ))", ARITHMETIC),
    "quoted inside $((…))": ('echo "$(( "{v}" + 1 ))"', ARITHMETIC),
    "((…))": ("(( n = {v} ))", ARITHMETIC),
    "[[ -v … ]]": ("[[ -v {v} ]] && echo set", TEST),
    "quoted inside [[ … ]]": ('[[ "{v}" -eq 1 ]]', TEST),
}


@pytest.mark.parametrize("value", INJECTIONS.values(), ids=INJECTIONS.keys())
@pytest.mark.parametrize(("template", "kind"), UNSAFE_PLACES.values(), ids=UNSAFE_PLACES.keys())
def test_a_value_where_no_quoting_is_safe_is_refused(template, kind, value):
    with pytest.raises(UnsafePlaceholder) as refused:
        substitute(template, {"v": value}, quote=True)
    assert (refused.value.name, refused.value.kind) == ("v", kind)
    assert unsafe_placeholders(template) == [(template.index("{v}"), "v", kind)]


@pytest.mark.parametrize("template", [
    "cat <<'EOF'\n{v}\nEOF", 'cat <<"EOF"\n{v}\nEOF', "cat <<\\EOF\n{v}\nEOF",
    "cat <<-'EOF'\n\t{v}\n\tEOF",
], ids=["single", "double", "backslash", "tabs"])
def test_a_quoted_here_document_gets_the_value_as_it_is(template):
    value = "$(touch /tmp/pwned) `x` it's"
    assert substitute(template, {"v": value}, quote=True) == template.replace("{v}", value)
    assert unsafe_placeholders(template) == []


def test_a_newline_in_a_quoted_here_document_is_refused():
    with pytest.raises(UnsafePlaceholder):
        substitute("cat <<'EOF'\n{v}\nEOF", {"v": "x\nEOF\ntouch /tmp/pwned"}, quote=True)


@pytest.mark.parametrize("template", [
    "cat <<'EOF'\nx\nEOF\necho {v}", "cat <<EOF\nx\nEOF\necho {v}", "echo hi # note\necho {v}",
    "echo $((1 + 2)) {v}", "[[ -n x ]] && echo {v}", "cat > {v}/Dockerfile <<'EOF'\nFROM a\nEOF",
    "echo a<<<{v}", "cat <<EOF | grep {v}\nx\nEOF", "echo $((1 << 2))\necho {v}",
], ids=["after a quoted here-document", "after a here-document", "after a comment",
        "after $((…))", "after [[ … ]]", "on the here-document's line", "here-string",
        "on the line of an unquoted here-document", "after a shift in $((…))"])
def test_code_after_those_places_is_quoted_as_usual(template):
    assert unsafe_placeholders(template) == []
    assert "'$(x)'" in substitute(template, {"v": "$(x)"}, quote=True)


def test_an_escaped_placeholder_in_a_comment_is_text():
    assert unsafe_placeholders("echo hi # \\{v}") == []


@pytest.mark.parametrize("value", ["EOF", "\tEOF "], ids=["the delimiter", "with blanks"])
def test_the_delimiter_as_a_value_in_a_quoted_here_document_is_refused(value):
    with pytest.raises(UnsafePlaceholder):
        substitute("cat <<'EOF'\n{v}\ntouch /tmp/pwned\nEOF", {"v": value}, quote=True)


def test_a_storage_pattern_keeps_its_wildcard_outside_quotes_and_nothing_else():
    values = {"layer_files": "/srv/my docker/overlay2/*/diff", "file": "MYFILE"}
    command = substitute("ls -d {layer_files}/{file}", values, quote=True)
    assert command == "ls -d '/srv/my docker/overlay2/'*/diff/MYFILE"
    # inside quotes it is text, as every value is
    assert substitute("echo '{layer_files}'", values, quote=True) == (
        "echo '/srv/my docker/overlay2/*/diff'")


"""The bundled labs' French follows French typography: a space before : ? ! and ; in prose
(code spans, placeholders and URLs aside), and no plural hedged with "(s)"."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from ruamel.yaml import YAML

from runner.lab.loader import bundled_labs

PROSE_SLIP = re.compile(r"[^\W\d_][:?!;](?=\s|$|\))|\((?:e?s|nt)\)", re.MULTILINE)
NOT_PROSE = re.compile(r"`[^`]*`|\{[^}]*\}|https?://\S+")


def french_texts(node: object, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "fr" and isinstance(value, str):
                yield where, value
            else:
                yield from french_texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from french_texts(value, f"{where}[{index}]")


@pytest.mark.parametrize("path", bundled_labs(), ids=lambda path: path.stem)
def test_french_prose_has_its_spaces_and_no_hedged_plural(path):
    texts = list(french_texts(YAML(typ="safe").load(path.read_text(encoding="utf-8"))))
    assert len(texts) > 10
    slips = [(where, match.group()) for where, text in texts
             for match in PROSE_SLIP.finditer(NOT_PROSE.sub("", text))]
    assert slips == []

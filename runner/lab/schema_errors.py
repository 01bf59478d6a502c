"""pydantic errors -> translated LabFileErrors placed at the offending YAML line.

pydantic speaks English and in paths (`steps.0.checks.1.image.name`); a trainer needs
`file:line:col` and their own language, plus hints for YAML's traps (`yes` is a boolean).
"""

from __future__ import annotations

from typing import Any

from runner.errors import LabFileError
from runner.lab.yaml_source import Path, YamlDocument

UNION_TAG_KEY = "type"  # the discriminator of runner.lab.model.Check
YAML_BOOLEAN_WORDS = {"yes", "no", "on", "off", "true", "false", "y", "n"}
# pydantic error type -> catalog key (others: schema.invalid with pydantic's own text)
KNOWN_TYPES = {
    "missing": "schema.missing",
    "extra_forbidden": "schema.unknown_field",
    "string_type": "schema.not_text",
    "int_type": "schema.not_integer",
    "float_type": "schema.not_number",
    "bool_type": "schema.not_boolean",
    "list_type": "schema.not_list",
    "dict_type": "schema.not_mapping",
    "model_type": "schema.not_mapping",
    "model_attributes_type": "schema.not_mapping",
    "literal_error": "schema.not_one_of",
    "string_pattern_mismatch": "schema.bad_identifier",
    "too_short": "schema.too_short",
    "greater_than": "schema.not_greater",
    "greater_than_equal": "schema.too_small",
    "less_than_equal": "schema.too_large",
    "union_tag_invalid": "schema.unknown_check",
    "union_tag_not_found": "schema.check_without_type",
    "lab_rule": "",  # a model validator's own rule: its message key is in the error's context
}


def translate_errors(error: Any, document: YamlDocument) -> list[LabFileError]:
    """One LabFileError per distinct pydantic error, in file order."""
    seen: set[tuple[str, tuple]] = set()
    result = []
    for item in error.errors(include_url=False):
        path = _document_path(item, document)
        if (item["type"], path) in seen or _is_union_noise(item):
            continue
        seen.add((item["type"], path))
        result.append(_to_lab_error(item, path, document))
    return sorted(result, key=lambda e: (e.pos.line, e.pos.column))


def _is_union_noise(item: dict) -> bool:
    """`run: 3` fails both branches of `str | list[str]`; report the first branch only."""
    return any(part in ("list[str]", "list[constrained-str]") for part in map(str, item["loc"]))


def _document_path(item: dict, document: YamlDocument) -> Path:
    """The path in the file that a pydantic error is about.

    pydantic's loc mixes the file's keys and indexes with names that are not in it: a check's
    union tag (its `type:` value, e.g. 'path') and union branch labels ('str', 'list[str]',
    '[key]'). Walk the loc down the document: descend only where the file has that child,
    skip a check's tag once (so `type: path` and a `path:` key stay apart), and stop at the
    value pydantic rejected, so a branch label that is also a key of it is not taken."""
    loc = tuple(item["loc"])
    missing = item["type"] == "missing"  # its last part is a key the file lacks: keep it
    node, path, tag_skipped = document.data, [], False
    for part in loc[:-1] if missing else loc:
        if node is item.get("input") and isinstance(node, dict | list):
            break
        if not tag_skipped and _is_union_tag(node, part):
            tag_skipped = True
        elif _has_child(node, part):
            node, tag_skipped = node[part], False
            path.append(part)
    return (*path, loc[-1]) if missing and loc else tuple(path)


def _is_union_tag(node: object, part: str | int) -> bool:
    """`part` is the tag pydantic puts in the loc of a check: the value of its `type:`."""
    from runner.lab.model import CHECK_TYPES

    return isinstance(node, dict) and part in CHECK_TYPES and node.get(UNION_TAG_KEY) == part


def _has_child(node: object, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)


def _to_lab_error(item: dict, path: Path, document: YamlDocument) -> LabFileError:
    kind = item["type"]
    field = ".".join(str(p) for p in path) or "(lab)"
    params = {"field": field, "detail": item.get("msg", "")}
    params.update(_context_params(item))
    key = KNOWN_TYPES.get(kind, "schema.invalid") or params.pop("message_key")
    if kind == "missing":
        params["field"] = ".".join(str(p) for p in path[:-1]) or "(lab)"
        params["name"] = str(path[-1]) if path else ""
        return LabFileError(key, pos=document.position(path[:-1]), **params)
    if kind == "string_type" and "str" in item["loc"]:
        key = "schema.not_text_or_list"  # the `str | list[str]` fields such as run:
    elif kind == "string_type" and document.scalars.get(path, "").lower() in YAML_BOOLEAN_WORDS:
        key = "schema.yaml_boolean"
        params["raw"] = document.scalars[path]
    elif kind == "string_type" and isinstance(item.get("input"), int | float):
        # `80`, `1`, and worse `2222:22`, which YAML 1.1 reads as the number 133342.
        key = "schema.yaml_number"
        params["raw"] = document.scalars.get(path, str(item["input"]))
        params["value"] = str(item["input"])
    if kind == "extra_forbidden":  # point at the unknown key itself, not at its value
        params["name"] = str(path[-1])
        return LabFileError(key, pos=document.keys.get(path) or document.position(path), **params)
    return LabFileError(key, pos=document.position(path), **params)


def _context_params(item: dict) -> dict[str, str]:
    params = {name: str(value) for name, value in (item.get("ctx") or {}).items()}
    for bound in ("ge", "gt", "le", "lt", "min_length"):
        if bound in params:
            params["limit"] = params[bound]
    if "tag" in params or "discriminator" in params:
        from runner.lab.model import CHECK_TYPES

        params["known"] = ", ".join(CHECK_TYPES)
    return params

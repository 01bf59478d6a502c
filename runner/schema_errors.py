"""pydantic errors -> translated LabFileErrors placed at the offending YAML line.

pydantic speaks English and in paths (`steps.0.checks.1.image.name`); a trainer needs
`file:line:col` and their own language, plus hints for YAML's traps (`yes` is a boolean).
"""

from __future__ import annotations

from typing import Any

from runner.errors import LabFileError
from runner.yaml_source import Path, YamlDocument

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
}


def translate_errors(error: Any, document: YamlDocument) -> list[LabFileError]:
    """One LabFileError per distinct pydantic error, in file order."""
    seen: set[tuple[str, tuple]] = set()
    result = []
    for item in error.errors(include_url=False):
        path = _document_path(tuple(item["loc"]), document)
        if (item["type"], path) in seen or _is_union_noise(item):
            continue
        seen.add((item["type"], path))
        result.append(_to_lab_error(item, path, document))
    return sorted(result, key=lambda e: (e.pos.line, e.pos.column))


def _is_union_noise(item: dict) -> bool:
    """`run: 3` fails both branches of `str | list[str]`; report the first branch only."""
    return any(part in ("list[str]", "list[constrained-str]") for part in map(str, item["loc"]))


def _document_path(loc: tuple, document: YamlDocument) -> Path:
    """Drop the parts of pydantic's loc that are not in the file (union branch/tag names)."""
    path: list[str | int] = []
    node = document.data
    for part in loc:
        if _has_child(node, part):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and part == loc[-1]:
            path.append(part)  # a missing or unknown key: keep it for the message
    return tuple(path)


def _has_child(node: object, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)


def _to_lab_error(item: dict, path: Path, document: YamlDocument) -> LabFileError:
    kind = item["type"]
    field = ".".join(str(p) for p in path) or "(lab)"
    params = {"field": field, "detail": item.get("msg", "")}
    params.update(_context_params(item))
    key = KNOWN_TYPES.get(kind, "schema.invalid")
    if kind == "missing":
        params["field"] = ".".join(str(p) for p in path[:-1]) or "(lab)"
        params["name"] = str(path[-1]) if path else ""
        return LabFileError(key, pos=document.position(path[:-1]), **params)
    if kind == "string_type" and "str" in item["loc"]:
        key = "schema.not_text_or_list"  # the `str | list[str]` fields such as run:
    elif kind == "string_type" and document.scalars.get(path, "").lower() in YAML_BOOLEAN_WORDS:
        key = "schema.yaml_boolean"
        params["raw"] = document.scalars[path]
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
        from runner.model import CHECK_TYPES

        params["known"] = ", ".join(CHECK_TYPES)
    return params

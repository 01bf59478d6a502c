"""The check types: one module each, holding its pydantic model beside its evaluator.

This list is the only place a type is registered; the lab model's `Check` union, the JSON
Schema, the README's check reference and `evaluate`'s dispatch all derive from it."""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

# In the order the README presents them: what a step printed, then this machine, then the
# Docker objects, then the storage the labs teach.
CHECK_MODULES = ("output", "probe", "http", "typed", "engine_call", "path", "image", "container",
                 "container_layer", "layer_store", "image_archive", "volume", "network",
                 "engine_empty")


@cache
def check_module(type_name: str) -> ModuleType:
    """The module of a check type (its name is the type's name)."""
    if type_name not in CHECK_MODULES:
        raise KeyError(type_name)
    return importlib.import_module(f"runner.checks.{type_name}")


def check_model(type_name: str) -> type:
    """The pydantic model of a check type: the class of its module whose `type` is the name."""
    from runner.checks.base import CheckBase

    module = check_module(type_name)
    for value in vars(module).values():
        if (isinstance(value, type) and issubclass(value, CheckBase) and value is not CheckBase
                and value.__module__ == module.__name__ and "type" in value.model_fields):
            return value
    raise LookupError(f"runner.checks.{type_name} defines no check model")


def check_models() -> tuple[type, ...]:
    return tuple(check_model(name) for name in CHECK_MODULES)

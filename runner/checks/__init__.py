"""Checks are typed data; each type has one module with `evaluate(check, ctx) -> CheckOutcome`.

This module picks the module, applies `only_on` and `retry`, and never lets an unexpected
Docker error escape as a traceback: it becomes a failed check that says what happened.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import replace

from runner.checks.base import CheckContext, CheckOutcome, Problem
from runner.lab.variables import substitute
from runner.messages import msg


def evaluate(check, ctx: CheckContext) -> CheckOutcome:
    """Evaluate `check`, retrying as it asks; the outcome counts the attempts made."""
    if check.only_on and ctx.profile.kind not in check.only_on:
        return CheckOutcome("skip", msg("check.only_on_summary", type=check.type),
                            note=msg("check.only_on", kinds=", ".join(check.only_on),
                                     kind=ctx.profile.kind))
    attempts = check.retry.attempts if check.retry else 1
    delay = check.retry.delay if check.retry else 0.0
    for attempt in range(1, attempts + 1):
        result = _evaluate_once(check, ctx)
        if result.status != "fail" or attempt == attempts:
            return replace(result, attempts=attempt)
        time.sleep(delay)
    raise AssertionError("unreachable")


def _evaluate_once(check, ctx: CheckContext) -> CheckOutcome:
    module = importlib.import_module(f"runner.checks.{check.type}")
    try:
        result = module.evaluate(check, ctx)
    except Exception as error:  # noqa: BLE001 - a broken engine answer is a failed check, not a crash
        from docker.errors import DockerException

        if not isinstance(error, DockerException):
            raise
        result = CheckOutcome("fail", msg("check.engine_error_summary", type=check.type),
                              (Problem(msg("check.engine_error"), "", str(error)),))
    if check.description is not None:
        described = check.description
        result = replace(result, summary=msg("check.described",
                                             text=substitute(described.en, ctx.values),
                                             text_fr=substitute(described.fr, ctx.values)))
    return result

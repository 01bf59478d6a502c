"""Checks are typed data; each type has one module with its model and
`evaluate(check, ctx) -> CheckOutcome` (see registry.py).

This module applies what every check shares — `only_on`, `retry` (or the type's default
retry), `not`, `description` — and never lets an unexpected Docker error escape as a
traceback: it becomes a failed check that says what happened.
"""

from __future__ import annotations

import time
from dataclasses import replace

from runner.checks.base import CheckContext, CheckOutcome, Problem, unexamined
from runner.checks.registry import check_module
from runner.engines import tags
from runner.lab.variables import substitute
from runner.messages import msg
from runner.run.status import CheckStatus


def evaluate(check, ctx: CheckContext, *, once: bool = False) -> CheckOutcome:
    """Evaluate `check`, retrying as it asks (`once`: a single attempt, as `labrunner test`
    does before the step, where the check is expected to fail)."""
    if check.only_on and not tags.matches(check.only_on, ctx.profile):
        return CheckOutcome(CheckStatus.SKIP, msg("check.only_on_summary", type=check.type),
                            note=msg("check.only_on", kinds=", ".join(check.only_on),
                                     kind=tags.described(ctx.profile)))
    retry = check.retry or getattr(check_module(check.type), "DEFAULT_RETRY", None)
    attempts = 1 if once or retry is None else retry.attempts
    for attempt in range(1, attempts + 1):
        result = _evaluate_once(check, ctx)
        if result.status != CheckStatus.FAIL or attempt == attempts:
            return replace(result, attempts=attempt)
        time.sleep(retry.delay)
    raise AssertionError("unreachable")


def _evaluate_once(check, ctx: CheckContext) -> CheckOutcome:
    try:
        result = check_module(check.type).evaluate(check, ctx)
    except Exception as error:  # noqa: BLE001 - a broken engine answer is a failed check, not a crash
        from docker.errors import DockerException

        from runner.errors import LabError

        if isinstance(error, LabError):  # e.g. the helper container was refused or is gone
            problem = unexamined(msg(error.key, **error.params), "", "-")
        elif isinstance(error, DockerException):
            problem = unexamined(msg("check.engine_error"), "", str(error))
        else:
            raise
        result = CheckOutcome(CheckStatus.FAIL, msg("check.engine_error_summary", type=check.type),
                              (problem,))
        return _described(check, ctx, result)
    if check.negate:
        result = _negated(result)
    return _described(check, ctx, result)


def _negated(result: CheckOutcome) -> CheckOutcome:
    """`not: true`: a pass becomes a failure and a failure a pass; a skip stays a skip, and a
    check that could not look at all (no such container, a timeout) stays a failure."""
    summary = msg("check.negated", summary=result.summary)
    if result.status == CheckStatus.SKIP or not all(p.conclusive for p in result.problems):
        return replace(result, summary=summary)
    if result.status == CheckStatus.FAIL:
        return CheckOutcome(CheckStatus.PASS, summary, note=result.note)
    holds = Problem(msg("check.negated_holds"), "false", "true")
    return CheckOutcome(CheckStatus.FAIL, summary, (holds,), result.note)


def _described(check, ctx: CheckContext, result: CheckOutcome) -> CheckOutcome:
    if check.description is None:
        return result
    described = check.description
    return replace(result, summary=msg("check.described",
                                       text=substitute(described.en, ctx.values),
                                       text_fr=substitute(described.fr, ctx.values)))

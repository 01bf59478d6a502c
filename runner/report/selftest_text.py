"""Plain text of `labrunner test` verdicts: readable on a terminal and in CI logs alike."""

from __future__ import annotations

from runner.i18n import t
from runner.run.selftest import LabVerdict

MARK = {True: "PASS", False: "FAIL"}


def verdict_lines(verdict: LabVerdict, language: str) -> list[str]:
    """One header line for the lab, one line per step, then every problem, indented."""
    lines = [t("selftest.lab_line", language, mark=MARK[verdict.passed], lab=verdict.lab_id,
               lang=verdict.language, seconds=f"{verdict.duration:.1f}")]
    for step in verdict.steps:
        ok = not step.problems
        line = t("selftest.step_line", language, mark=MARK[ok], step=step.step_id,
                 status=t(f"report.status_{step.status}", language), before=step.not_yet,
                 after=step.passed_after)
        if step.variant:
            line += " " + t("selftest.step_variant", language, variant=step.variant)
        if not step.applies:
            line += " " + t("selftest.step_not_for_engine", language)
        lines.append("  " + line)
        lines += [f"      - {problem.text(language)}" for problem in step.problems]
    lines += [f"  ! {problem.text(language)}" for problem in verdict.retries]
    lines += [f"  - {problem.text(language)}" for problem in verdict.problems]
    if not verdict.problems:
        lines.append("  " + t("selftest.engine_as_found", language))
    return lines


def total_line(verdicts: list[LabVerdict], language: str) -> str:
    """`N passed, M failed`: the closing line CI tools read."""
    passed = sum(1 for verdict in verdicts if verdict.passed)
    return t("selftest.total", language, passed=passed, failed=len(verdicts) - passed)

"""Text shared by every reporter: engine line, check details, summary line."""

from __future__ import annotations

from collections.abc import Mapping

from runner.checks.base import CheckOutcome
from runner.engines.inventory import KIND_WORDS
from runner.engines.profile import EngineProfile
from runner.i18n import t
from runner.run.events import DestructivePreview, LabFinished, StepRetried
from runner.run.status import CheckStatus, LabStatus, StepStatus


def engine_line(profile: EngineProfile, language: str) -> str:
    paths = "report.paths_visible" if profile.host_paths_visible else "report.paths_hidden"
    return t("report.engine", language, kind=t(f"report.kind_{profile.kind}", language),
             version=profile.server_version, root=profile.docker_root,
             driver=profile.storage_driver, endpoint=profile.endpoint,
             paths=t(paths, language))


def check_lines(outcome: CheckOutcome, language: str) -> list[str]:
    """Expected vs actual for each problem, then how the check was made."""
    lines = []
    for problem in outcome.problems:
        lines.append(f"{problem.what.text(language)}:")
        lines.append(f"  {t('report.expected', language)}: {_indent(problem.expected)}")
        lines.append(f"  {t('report.actual', language)}:   {_indent(problem.actual)}")
    if outcome.note is not None and (outcome.problems or outcome.status == CheckStatus.SKIP):
        lines.append(outcome.note.text(language))
    if outcome.attempts > 1:
        lines.append(t("report.attempts", language, count=outcome.attempts))
    return lines


def summary_line(event: LabFinished, counts: Mapping[str, int], language: str) -> str:
    """The closing sentence: one catalog key per LabStatus (`counts`: steps by StepStatus)."""
    skipped = counts.get(StepStatus.SKIPPED, 0)
    key = f"report.final_{event.status}"
    if event.status == LabStatus.PASSED and skipped:
        key = "report.final_passed_with_skips"
    return t(key, language, steps=len(event.steps), skipped=skipped,
             passed=counts.get(StepStatus.PASSED, 0), failed=counts.get(StepStatus.FAILED, 0),
             checks_passed=sum(s.checks_passed for s in event.steps),
             checks_failed=sum(s.checks_failed for s in event.steps),
             checks_skipped=sum(s.checks_skipped for s in event.steps),
             seconds=f"{event.duration:.1f}")


def _indent(value: str) -> str:
    return value.replace("\n", "\n" + " " * 12) if value else "''"


def destructive_lines(event: DestructivePreview, language: str) -> list[str]:
    """What a destructive step would delete, by kind, one object a line."""
    lines = [t("report.destructive_intro", language, id=event.step.id)]
    for kind, names in event.objects.items():
        lines.append(f"  {t(KIND_WORDS[kind], language)}:")
        none = t("report.destructive_none", language)
        lines += [f"    - {name}" for name in names] or [f"    {none}"]
    return lines


def retried_line(event: StepRetried, language: str) -> str:
    return t("report.retried", language, code=event.failed.exit_code, attempt=event.attempt,
             attempts=event.attempts)


def grade_line(event: LabFinished, language: str) -> str | None:
    """For labs with tasks: how many the student completed (the grade), else None."""
    if not any(step.task for step in event.steps):
        return None
    done, total = event.grade
    return t("report.grade", language, done=done, total=total, percent=percent(done, total))


def percent(done: int, total: int) -> int:
    """Nothing to do (every task was for another engine) is not a failure: 100."""
    return round(100 * done / total) if total else 100

"""Text shared by every reporter: engine line, check details, summary line."""

from __future__ import annotations

from collections.abc import Mapping

from runner.checks.base import CheckOutcome
from runner.engines.inventory import KIND_WORDS
from runner.engines.profile import EngineProfile
from runner.i18n import t
from runner.run.events import DestructivePreview, HintShown, LabFinished, StepRetried, TaskGraded
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
    results = [step.result for step in event.steps if step.applies and step.result is not None]
    return t(key, language, steps=len(event.steps), skipped=skipped, tasks=len(results),
             uncredited=sum(1 for result in results if not result.credited),
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
    """For labs with tasks: the points earned and the pass mark, "not graded" for an
    unattended run; None for a lab without tasks."""
    if not any(step.task for step in event.steps):
        return None
    grade = event.grade
    if not event.graded:
        return t("report.not_graded", language, earned=grade.earned, total=grade.total)
    if grade.percent is None:
        return t("report.grade_no_points", language)
    verdict = t("report.grade_passed" if grade.passed else "report.grade_not_passed", language)
    return t("report.grade", language, earned=grade.earned, total=grade.total,
             percent=f"{grade.percent:g}", pass_mark=grade.pass_mark, verdict=verdict)


def task_result_line(event: TaskGraded, language: str) -> str:
    """After a task: the points the student earned, or why the task earns nothing."""
    result = event.result
    if result.credited:
        return t("report.task_credited", language, earned=result.earned, points=result.points)
    reason = result.reason.text(language) if result.reason else ""
    return t("report.task_not_credited", language, reason=reason)


def hint_line(event: HintShown, language: str) -> str:
    return t("report.hint", language, number=event.number, total=event.total,
             text=event.text.get(language).strip())

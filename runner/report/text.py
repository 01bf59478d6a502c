"""Text shared by every reporter: engine line, check details, summary line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from runner.checks.base import CheckOutcome
from runner.engines.inventory import KIND_WORDS
from runner.engines.profile import EngineProfile
from runner.i18n import t
from runner.run.events import DestructivePreview, HintShown, LabFinished, StepRetried, TaskGraded
from runner.run.status import CheckStatus, LabStatus, StepStatus

# The raw words checks give as expected or actual values, shown in the run's language.
VALUE_KEYS = {
    "present": "screen.value_present", "absent": "screen.value_absent",
    "running": "screen.value_running", "exited": "screen.value_exited",
    "created": "screen.value_created", "paused": "screen.value_paused",
    "restarting": "screen.value_restarting", "dead": "screen.value_dead",
    "removing": "screen.value_removing", "true": "screen.value_true",
    "false": "screen.value_false", "unreadable": "screen.value_unreadable",
    "none": "screen.value_none"}


def engine_line(profile: EngineProfile, language: str) -> str:
    paths = "report.paths_visible" if profile.host_paths_visible else "report.paths_hidden"
    return t("report.engine", language, kind=t(f"report.kind_{profile.kind}", language),
             version=profile.server_version, root=profile.docker_root,
             driver=profile.storage_driver, endpoint=profile.endpoint,
             paths=t(paths, language))


@dataclass(frozen=True)
class ProblemText:
    """One problem as shown: what it is about ("… :"), then its labelled values, the labels
    padded to one width so the values line up."""

    what: str
    rows: tuple[tuple[str, str], ...]  # (label with its colon, value)


def problem_texts(outcome: CheckOutcome, language: str) -> list[ProblemText]:
    """Each problem's what, expected and actual, in `language` (values too)."""
    words = [label(t("report.expected", language), language),
             label(t("report.actual", language), language)]
    width = max(map(len, words))
    found = []
    for problem in outcome.problems:
        expected = problem.expected
        if problem.what.key == "check.typed_none":  # a regex is not what a student reads
            expected = outcome.summary.text(language)
        values = (shown_value(expected, language), shown_value(problem.actual, language))
        found.append(ProblemText(label(problem.what.text(language), language),
                                 tuple((word.ljust(width), value or "''")
                                       for word, value in zip(words, values, strict=True))))
    return found


def check_lines(outcome: CheckOutcome, language: str) -> list[str]:
    """Expected vs actual for each problem, then how the check was made."""
    lines = []
    for problem in problem_texts(outcome, language):
        lines.append(problem.what)
        for word, value in problem.rows:
            lines.append(f"  {word} " + value.replace("\n", "\n" + " " * (len(word) + 3)))
    lines += check_notes(outcome, language)
    return lines


def check_notes(outcome: CheckOutcome, language: str) -> list[str]:
    """How the check was made (when it failed or was skipped), and how many tries it took."""
    lines = []
    if outcome.note is not None and (outcome.problems or outcome.status == CheckStatus.SKIP):
        lines.append(outcome.note.text(language))
    if outcome.attempts > 1:
        lines.append(t("report.attempts", language, count=outcome.attempts))
    return lines


def label(word: str, language: str) -> str:
    """`word:` in English, `word :` in French."""
    return t("screen.label", language, word=word)


def shown_value(value: str, language: str) -> str:
    """A state word the checks give in English (present, running…) in `language`."""
    return t(VALUE_KEYS[value], language) if value in VALUE_KEYS else value


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
             seconds=decimal(event.duration, language))


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


def decimal(number: float, language: str) -> str:
    """One decimal, with a decimal comma in French (1,5 s)."""
    text = f"{number:.1f}"
    return text.replace(".", ",") if language == "fr" else text

"""The pieces of a format-2 JSON report, as plain data: a check's verdict, a task attempt, a
task's result, the lab and the engine. Pure functions: runner/report/json_report.py listens
to the run and assembles them; schema/report.schema.json describes the result."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runner.checks.base import CheckOutcome


def iso(seconds: float) -> str:
    """Seconds since the epoch as UTC ISO 8601, to the second: 2026-11-29T18:30:00Z."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_dict(check: Any, outcome: CheckOutcome, language: str) -> dict[str, Any]:
    """A verdict: type, status, summary, attempts, each problem's expected vs actual."""
    return {"type": check.type, "status": outcome.status,
            "summary": outcome.summary.text(language), "attempts": outcome.attempts,
            "problems": [{"what": p.what.text(language), "expected": p.expected,
                          "actual": p.actual} for p in outcome.problems]}


def before_dict(check: Any, outcome: CheckOutcome | None, language: str) -> dict[str, Any]:
    """A check when the task opened; `not_evaluated` for checks on what the attempt does."""
    if outcome is None:
        return {"type": check.type, "status": "not_evaluated"}
    return {"type": check.type, "status": outcome.status,
            "summary": outcome.summary.text(language)}


def attempt_dict(attempt: Any, language: str) -> dict[str, Any]:
    """One attempt (runner/run/credit.py Attempt): times, commands, engine calls, checks."""
    return {"number": attempt.number, "by": attempt.by, "opened": iso(attempt.opened),
            "closed": iso(attempt.closed),
            "commands": [{"text": c.text, "exit_code": c.exit_code,
                          "at": iso(c.at) if c.at else None} for c in attempt.commands],
            "engine_calls": list(attempt.engine_calls),
            "before": [before_dict(check, outcome, language) for check, outcome in attempt.before],
            "checks": [check_dict(check, outcome, language) for check, outcome in attempt.checks]}


def result_dict(result: Any, language: str) -> dict[str, Any]:
    """A task's result (runner/run/credit.py TaskResult)."""
    return {"how": result.how, "credited": result.credited, "points": result.points,
            "earned": result.earned, "hints": result.hints, "solution": result.solution,
            "reason": result.reason.text(language) if result.reason else "",
            "attempts": [attempt_dict(attempt, language) for attempt in result.attempts]}


def engine_dict(profile: Any) -> dict[str, Any]:
    return {"id": profile.engine_id, "name": profile.name, "version": profile.server_version,
            "kind": profile.kind, "storage": profile.storage_driver, "sandbox": profile.sandbox}


def lab_dict(lab: Any, lab_file: str, language: str) -> dict[str, Any]:
    """The lab's id and title, its file and the SHA-256 of the file's bytes ("" unreadable)."""
    return {"id": lab.id, "title": lab.title.get(language), "file": lab_file,
            "sha256": file_sha256(lab_file)}


def file_sha256(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""
    except OSError:
        return ""

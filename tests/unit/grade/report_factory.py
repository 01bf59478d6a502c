"""Format-2 reports for grade's tests, written from the plan's contract (not from the run's
writer): honest students of many kinds, and the tampers a student might try."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

LAB_TEXT = b"id: manage-images-exercise\ntitle: {en: Manage images}\nsteps: []\n"
LAB_SHA = hashlib.sha256(LAB_TEXT).hexdigest()
OTHER_LAB_SHA = hashlib.sha256(LAB_TEXT + b"# edited\n").hexdigest()
BASE = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

# id, title, check types, (method, endpoint, object) of the call that does it
TASKS = (
    ("pull-cache", "Pull memcached", ("image", "engine_call"),
     ("POST", "/images/create", "memcached:latest")),
    ("list-images", "List the images", ("engine_call",), ("GET", "/images/json", "")),
    ("disk-usage", "Ask for disk usage", ("engine_call",), ("GET", "/system/df", "")),
    ("write-notes", "Write what you saw in notes.txt", ("path",), None),
    ("remove-both", "Remove both images", ("image",),
     ("DELETE", "/images/memcached:latest", "memcached:latest")),
)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def seal(data: dict) -> dict:
    """Set the digest as the writer does (the contract's definition, kept apart from grade's)."""
    body = {key: value for key, value in data.items() if key != "digest"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    data["digest"] = "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return data


def _call(at: datetime, shell: str, call: tuple[str, str, str]) -> dict:
    method, endpoint, name = call
    return {"time": at.timestamp(), "shell": shell, "method": method, "endpoint": endpoint,
            "query": "", "action": "", "object": name, "decision": "forwarded", "status": 200}


def _attempt(number: int, opened: datetime, seconds: int, task: tuple, passed: bool,
             by: str = "student") -> dict:
    _, _, types, call = task
    closed = opened + timedelta(seconds=seconds)
    command_at = opened + timedelta(seconds=seconds // 2)
    calls = [_call(command_at, "student", call)] if call and passed else []
    return {"number": number, "by": by, "opened": iso(opened), "closed": iso(closed),
            "commands": [{"text": "docker something", "exit_code": 0, "at": iso(command_at)}],
            "engine_calls": calls,
            "before": [{"type": kind, "status": "fail"} for kind in types],
            "checks": [_verdict(kind, passed) for kind in types]}


def _verdict(kind: str, passed: bool) -> dict:
    return {"type": kind, "status": "pass" if passed else "fail", "summary": kind,
            "attempts": 1, "problems": []}


def _result(how: str, points: int, credited: bool, attempts: list[dict], hints: int = 0,
            solution: str = "none") -> dict:
    return {"how": how, "credited": credited, "points": points,
            "earned": points if credited else 0, "hints": hints, "solution": solution,
            "reason": "" if credited else "not done", "attempts": attempts}


def report(student: str, index: int = 0, hows: dict[str, str] | None = None,
           engine_id: str | None = None, tries: int = 1, mode: str = "interactive") -> dict:
    """An honest report: each task done by the student unless `hows` says otherwise
    (hints, solution, skipped, not_reached, not_applies); `tries` attempts per task."""
    hows = hows or {}
    started = BASE + timedelta(minutes=7 * index)
    clock, steps, calls = started + timedelta(seconds=20), [], []
    for task in TASKS:
        step, clock = _step(task, hows.get(task[0], "student"), clock, tries, calls)
        steps.append(step)
    finished = clock + timedelta(seconds=15)
    data = {"format": 2, "labrunner": "0.9.0", "student": student, "host": f"pc-{index}",
            "started": iso(started), "finished": iso(finished),
            "duration": (finished - started).total_seconds() - 0.3, "mode": mode,
            "graded": mode != "unattended", "language": "en",
            "lab": {"id": "manage-images-exercise", "title": "Manage images",
                    "file": "labs/manage-images-exercise.yaml", "sha256": LAB_SHA},
            "engine": {"id": engine_id or f"ENGINE-{student.upper()}-{index:04d}",
                       "name": f"pc-{index}", "version": "28.5.0", "kind": "linux",
                       "storage": "overlay2", "sandbox": True},
            "steps": steps, "engine_calls": calls}
    return seal(_with_grade(data))


def _step(task: tuple, how: str, clock: datetime, tries: int,
          calls: list[dict]) -> tuple[dict, datetime]:
    task_id, title, types, _ = task
    attempts: list[dict] = []
    if how not in ("not_reached", "not_applies"):
        for number in range(1, tries + 1):
            last = number == tries and how in ("student", "hints")
            attempts.append(_attempt(number, clock, 40 + 10 * number, task, last,
                                     "solution" if how == "solution" else "student"))
            clock += timedelta(seconds=45 + 10 * number)
    for attempt in attempts:
        calls.extend(attempt["engine_calls"])
    credited = how in ("student", "hints")
    result = _result(how if how != "not_applies" else "not_reached", 1, credited, attempts,
                     hints=2 if how == "hints" else 0,
                     solution="shown" if how == "solution" else "none")
    status = {"student": "passed", "hints": "passed", "solution": "passed"}.get(how, "skipped")
    step = {"id": task_id, "title": title, "status": status if how != "not_reached" else
            "not_run", "task": True, "applies": how != "not_applies",
            "checks": attempts[-1]["checks"] if attempts else []}
    return (step if how == "not_applies" else step | {"result": result}), clock


def _with_grade(data: dict) -> dict:
    tasks = [step["result"] for step in data["steps"] if step["task"] and step["applies"]]
    # (a task for another engine has no result: the writer leaves it out)
    earned, total = sum(task["earned"] for task in tasks), sum(task["points"] for task in tasks)
    percent = round(100 * earned / total, 1) if total else None
    data["grade"] = {"earned": earned, "total": total, "percent": percent, "pass_mark": 50,
                     "passed": percent is not None and percent >= 50}
    all_credited = all(task["credited"] for task in tasks)
    data["status"] = "passed" if all_credited or not data["graded"] else "incomplete"
    return data


def unattended(student: str, index: int) -> dict:
    """`run --auto`: every task by the solution (the lab's shell), graded false."""
    return report(student, index, dict.fromkeys((task[0] for task in TASKS), "solution"),
                  mode="unattended")


def tampered(data: dict, change, reseal: bool) -> dict:
    """`data` changed by `change(data)`; the digest recomputed only if `reseal`."""
    result = copy.deepcopy(data)
    change(result)
    return seal(result) if reseal else result


def write(folder: Path, name: str, data: dict) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path

"""The report's digest: `sha256:` and the SHA-256 of the canonical JSON of the whole report
without its `digest` key. It catches a hand edit that forgets to recompute it; it does not
stop someone who reads this code (the teacher's `labrunner check --engine` is the proof).
One function, used by the writer (runner/report/json_report.py) and by `grade`."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def report_digest(data: dict[str, Any]) -> str:
    """sha256 of json.dumps(sort_keys, ensure_ascii=False, compact separators), UTF-8."""
    body = {key: value for key, value in data.items() if key != "digest"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()

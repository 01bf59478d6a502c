"""path: a file or folder (glob allowed) on the machine that runs labrunner."""

from __future__ import annotations

import glob

from runner.checks.base import CheckContext, CheckOutcome, Problem, outcome
from runner.lab.model import PathCheck
from runner.lab.variables import substitute
from runner.messages import msg


def evaluate(check: PathCheck, ctx: CheckContext) -> CheckOutcome:
    pattern = ctx.local_path(check.path)  # relative: from the lab shell's folder
    summary = msg(f"check.path_{check.state}", path=substitute(check.path, ctx.values))
    if _inside_invisible_docker_root(pattern, ctx):
        return CheckOutcome("skip", summary, note=msg("check.docker_root_invisible",
                                                      kind=ctx.profile.kind))
    matches = sorted(glob.glob(pattern))
    problems = []
    if check.state == "exists" and not matches:
        problems.append(Problem(msg("check.path_matches"), "≥ 1", "0"))
    if check.state == "absent" and matches:
        problems.append(Problem(msg("check.path_matches"), "0", "\n".join(matches)))
    if check.contains is not None and matches:
        problems += _content_problems(matches[0], substitute(check.contains, ctx.values))
    note = msg("check.path_found", paths="\n".join(matches)) if matches else None
    return outcome(summary, problems, note)


def _inside_invisible_docker_root(pattern: str, ctx: CheckContext) -> bool:
    root = ctx.profile.docker_root
    return bool(root) and pattern.startswith(root) and not ctx.profile.host_paths_visible


def _content_problems(path: str, needle: str) -> list[Problem]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError as error:
        return [Problem(msg("check.path_unreadable"), needle, str(error))]
    if needle in text:
        return []
    return [Problem(msg("check.contains"), needle, text[-2000:])]


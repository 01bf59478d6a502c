"""path: a file or folder (glob allowed) on the machine that runs labrunner.

Passes when a path matches (`state: present`) or none does (`absent`), and the first matching
file's contents match the text keys. Skipped, with a note, when the path lies under a Docker
root this machine cannot see (Docker Desktop, a remote engine)."""

from __future__ import annotations

import glob
from typing import Literal

from pydantic import Field, StrictStr

from runner.checks.base import (
    CheckBase,
    CheckContext,
    CheckOutcome,
    Problem,
    TextMatch,
    outcome,
    text_problems,
)
from runner.messages import msg
from runner.run.status import CheckStatus

READ_LIMIT = 1 << 20  # a check reads at most 1 MiB of a file: a log may be huge


class PathCheck(CheckBase, TextMatch):
    """A path (glob allowed) on the machine that runs labrunner; text keys match the first
    matching file's contents."""

    type: Literal["path"]
    path: StrictStr = Field(description="Path or glob, e.g. {docker_root}/overlay2/*/diff/MYFILE")
    state: Literal["present", "absent"] = "present"


def evaluate(check: PathCheck, ctx: CheckContext) -> CheckOutcome:
    pattern = ctx.local_path(check.path)  # relative: from the lab shell's folder
    summary = msg(f"check.path_{check.state}", path=ctx.text(check.path))
    if _inside_invisible_docker_root(pattern, ctx):
        return CheckOutcome(CheckStatus.SKIP, summary, note=msg("check.docker_root_invisible",
                                                      kind=ctx.profile.kind))
    matches = sorted(glob.glob(pattern))
    problems = []
    if check.state == "present" and not matches:
        problems.append(Problem(msg("check.path_matches"), "≥ 1", "0"))
    if check.state == "absent" and matches:
        problems.append(Problem(msg("check.path_matches"), "0", "\n".join(matches)))
    if check.matches_text and matches:
        problems += _content_problems(check, matches[0], ctx)
    note = msg("check.path_found", paths="\n".join(matches)) if matches else None
    return outcome(summary, problems, note)


def _inside_invisible_docker_root(pattern: str, ctx: CheckContext) -> bool:
    root = ctx.profile.docker_root
    return bool(root) and pattern.startswith(root) and not ctx.profile.host_paths_visible


def _content_problems(check: PathCheck, path: str, ctx: CheckContext) -> list[Problem]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(READ_LIMIT)
    except OSError as error:
        return [Problem(msg("check.path_unreadable"), path, str(error))]
    return text_problems(check, text, ctx, msg("check.word_file", path=path))

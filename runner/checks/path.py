"""path: a file or folder (glob allowed) on the machine that runs labrunner, or on the engine
host when it lies under the engine's storage (its Docker root or containerd root).

Passes when a path matches (`state: present`) or none does (`absent`), and the first matching
file's contents match the text keys. The engine host's files are read through runner/storage's
HostFiles: this machine's where the engine runs here, a helper container's where one was set
up (Docker Desktop, a remote engine). Skipped, with a note, when the path lies under the
engine's storage and neither can read it."""

from __future__ import annotations

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
    files = _files_for(pattern, ctx)
    if files is None:
        return CheckOutcome(CheckStatus.SKIP, summary, note=msg("check.docker_root_invisible",
                                                      kind=ctx.profile.kind))
    matches = files.glob(pattern)
    problems = []
    if check.state == "present" and not matches:
        problems.append(Problem(msg("check.path_matches"), "≥ 1", "0"))
    if check.state == "absent" and matches:
        problems.append(Problem(msg("check.path_matches"), "0", "\n".join(matches)))
    if check.matches_text and matches:
        problems += _content_problems(check, matches[0], ctx, files)
    note = msg("check.path_found", paths="\n".join(matches)) if matches else None
    return outcome(summary, problems, note)


def _files_for(pattern: str, ctx: CheckContext):
    """This machine's files, or the engine host's (None: they cannot be read) for a path
    under the engine's storage."""
    from runner.storage.host_files import LOCAL, files_for

    roots = (ctx.profile.docker_root, ctx.values.get("containerd_root", ""))
    if any(root and (pattern == root or pattern.startswith(root.rstrip("/") + "/"))
           for root in roots):
        return files_for(ctx.profile)
    return LOCAL


def _content_problems(check: PathCheck, path: str, ctx: CheckContext, files) -> list[Problem]:
    text = files.read_text(path, READ_LIMIT)
    if text is None:
        return [Problem(msg("check.path_unreadable"), path, "unreadable")]
    return text_problems(check, text, ctx, msg("check.word_file", path=path))

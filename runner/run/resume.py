"""Where an interactive run starts: `--from`, `--restart`, or the progress an earlier run saved
(runner/run/progress.py), offered as a question: Enter resumes there, r starts over."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from runner.i18n import t
from runner.lab.model import Lab
from runner.messages import Message
from runner.run.progress import (
    Progress,
    ProgressKeeper,
    forget,
    progress_path,
    read,
    this_progress,
)

Ask = Callable[[str], "str | None"]


def start_and_keeper(environ: Mapping[str, str], lab: Lab, lab_file: Path, profile,
                     work_dir: Path, student: str | None, from_step: int, restart: bool,
                     ask: Ask, notify: Callable[[Message], None], language: str,
                     listener) -> tuple[int, ProgressKeeper]:
    """The step to start at, and the listener that saves the run's progress after each step.
    `--restart` forgets the saved progress; `--from` (from_step > 1) does not look at it."""
    path = progress_path(environ, lab.id, profile.endpoint, profile.engine_id)
    progress = this_progress(lab.id, lab_file, profile, work_dir, student)
    keeper = ProgressKeeper(listener, path, progress)
    if restart:
        forget(path)
        return from_step, keeper
    if from_step > 1:
        return from_step, keeper
    saved, problem = read(path, progress, len(lab.steps))
    if problem is not None:
        notify(problem)
    return (ask_resume(saved, lab, ask, language) if saved is not None else 1), keeper


def ask_resume(saved: Progress, lab: Lab, ask: Ask, language: str) -> int:
    """Enter (or the end of input): resume at the saved step; r: start over; anything else
    asks again."""
    index = saved.next_step
    title = lab.steps[index - 1].title.get(language)
    prompt = t("nav.prompt_resume", language, index=index)
    question = t("nav.resume_offer", language, index=index, total=len(lab.steps), title=title,
                 saved_at=saved.saved_at) + "\n" + prompt
    restart = ("r", t("nav.answer_restart", language).casefold())
    while (answer := ask(question)) is not None:
        word = answer.strip().casefold()
        if word in ("", *restart):
            return index if word == "" else 1
        question = t("nav.reask_resume", language, answer=answer.strip(), index=index) + \
            "\n" + prompt
    return index

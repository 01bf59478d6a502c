"""The task shell's captured terminal, cut into each typed command's output.

Each prompt starts with a mark (runner/shell/pty_tee.py PROMPT_MARK), and the prompt's hook
records one status line per prompt (`<$?> <time> <HISTCMD>`): prompt j's text is what lies
between mark j and mark j+1, and the line typed at prompt j is a new command exactly when
the history number went up at prompt j+1 (runner/shell/student.py with_exit_codes pairs
exit codes the same way). A command's output is its prompt's text after the Enter that ran
it, as a person finally sees it (escape codes replayed).
"""

from __future__ import annotations

from runner.shell.pty_tee import PROMPT_MARK, CappedCapture
from runner.shell.terminal_text import screen_text


def command_outputs(capture: CappedCapture, status_lines: list[str], count: int
                    ) -> tuple[str, ...]:
    """The output of each of the `count` commands typed, in order ("" where unknown)."""
    prompts = _prompt_texts(bytes(capture.data), capture.marks_dropped)
    numbers = _history_numbers(status_lines)
    typed_at = [j for j in range(len(numbers) - 1) if numbers[j + 1] > numbers[j]]
    cut_at = capture.marks_dropped - 1  # its start (the Enter) was cut off
    outputs = [_after_enter(prompts.get(j, ""), whole=j != cut_at) for j in typed_at][:count]
    return tuple(outputs + [""] * (count - len(outputs)))


def _prompt_texts(data: bytes, marks_dropped: int) -> dict[int, str]:
    """Prompt number (0: the first prompt) -> its text; prompts cut off are absent."""
    parts = data.split(PROMPT_MARK)
    texts = {marks_dropped - 1 + k: part.decode("utf-8", errors="replace")
             for k, part in enumerate(parts)}
    texts.pop(-1, None)  # before the first prompt: the shell's start-up
    return texts


def _history_numbers(status_lines: list[str]) -> list[int]:
    numbers = []
    for line in status_lines:
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit():
            numbers.append(int(parts[2]))
    return numbers


def _after_enter(prompt_text: str, whole: bool = True) -> str:
    """The prompt's text after its first line break: the command's output (all of it when
    the prompt's start is not in the capture any more)."""
    if not whole:
        return screen_text(prompt_text).strip("\n")
    _, newline, rest = prompt_text.partition("\n")
    return screen_text(rest).strip("\n") if newline else ""

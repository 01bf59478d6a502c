"""Pairing the student's typed lines with the exit codes the prompt's hook wrote."""

from __future__ import annotations

from runner.shell.student import TypedCommand, with_exit_codes


def test_each_new_history_number_closes_one_typed_line():
    statuses = ["0 100.5 1", "0 101.0 2", "1 102.0 3", "1 102.5 3", "7 103,25 4"]
    assert with_exit_codes(["true", "false", "(exit 7)"], statuses) == (
        TypedCommand("true", 0, 101.0), TypedCommand("false", 1, 102.0),
        TypedCommand("(exit 7)", 7, 103.25))


def test_lines_without_a_status_are_unknown_and_garbage_is_ignored():
    commands = with_exit_codes(["ls", "history -c"], ["0 1.0 1", "oops", "0 2.0 2"])
    assert commands[1] == TypedCommand("history -c", None, 0.0)
    assert with_exit_codes([], []) == ()

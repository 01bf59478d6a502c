"""The presenter's keys on a real pseudo-terminal: one key at a time with no Enter, keys
typed ahead during a command kept, dropped only before a question, escape sequences (arrows)
ignored, a step number read as a line, and the terminal's modes given back."""

from __future__ import annotations

import os
import pty
import termios

import pytest

from runner.present.keys import ENTER, KeyReader


@pytest.fixture
def terminal():
    """(the side the person types on, a KeyReader on the program's side)."""
    typist, program = pty.openpty()
    yield typist, KeyReader(program)
    os.close(typist)
    os.close(program)


def test_each_key_comes_alone_and_enter_has_its_name(terminal):
    typist, keys = terminal
    os.write(typist, b"jb\r")
    assert [keys.key(), keys.key(), keys.key()] == ["j", "b", ENTER]


def test_keys_typed_while_a_command_runs_are_kept_for_the_next_read(terminal):
    typist, keys = terminal
    os.write(typist, b"\r")  # Enter pressed while the command was still being typed
    assert keys.key() == ENTER


def test_keys_typed_before_a_question_are_dropped(terminal):
    typist, keys = terminal
    os.write(typist, b"\r\r")
    keys.drop_typed_ahead()
    os.write(typist, b"q")
    assert keys.key() == "q"


def test_an_arrow_key_is_no_answer(terminal):
    typist, keys = terminal
    os.write(typist, b"\x1b[A")
    assert keys.key() == ""
    os.write(typist, b"r")
    assert keys.key() == "r"


def test_a_step_number_is_read_as_a_line_and_ctrl_d_ends_the_input(terminal):
    typist, keys = terminal
    os.write(typist, b"12\n")
    assert keys.line() == "12"
    os.write(typist, b"\x04")  # Ctrl-D at the question (the terminal's own mode)
    assert keys.line() is None


def test_the_terminal_is_back_in_its_own_mode_after_a_key(terminal):
    typist, keys = terminal
    before = termios.tcgetattr(keys.fd)
    os.write(typist, b"x")
    keys.key()
    assert termios.tcgetattr(keys.fd) == before
    assert before[3] & termios.ICANON and before[3] & termios.ECHO

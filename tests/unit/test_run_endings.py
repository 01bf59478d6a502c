"""The pieces that let every ending of a run clean up: signals, argument checks, crash log,
terminal modes (the whole behaviour, with real processes, is in tests/docker/test_run_endings)."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import pytest

from runner import cli
from runner.commands.run import check_paths
from runner.errors import UsageError
from runner.run.crash_log import write_crash_log
from runner.run.signals import Terminated, ending_signals_as_interrupts
from runner.run.terminal_modes import RESTORE_MODES, restore_terminal_modes


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_an_ending_signal_is_an_interrupt_and_sets_the_exit_code(signum, code):
    before = signal.getsignal(signum)
    # a KeyboardInterrupt: the runner's Ctrl-C path takes it
    with pytest.raises(KeyboardInterrupt) as raised, ending_signals_as_interrupts() as record:
        os.kill(os.getpid(), signum)
    assert isinstance(raised.value, Terminated) and raised.value.signum == signum
    assert record.exit_code() == code
    assert signal.getsignal(signum) is before  # put back after the run


def test_without_a_signal_the_exit_code_is_ctrl_cs():
    with ending_signals_as_interrupts() as record:
        pass
    assert record.exit_code() == 130


def test_a_report_in_a_folder_that_cannot_be_written_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != tmp_path)
    with pytest.raises(UsageError) as raised:
        check_paths(tmp_path / "r.json", None)
    assert raised.value.key == "cli.report_not_writable"
    assert "permission" in raised.value.message("en")


@pytest.mark.parametrize(("report", "workdir", "key"), [
    ("missing/r.json", None, "cli.report_folder_missing"),
    (".", None, "cli.report_is_folder"),
    (None, "file", "cli.workdir_not_folder")])
def test_bad_paths_are_refused(tmp_path, report, workdir, key):
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError) as raised:
        check_paths(report and tmp_path / report, workdir and tmp_path / workdir)
    assert raised.value.key == key and raised.value.exit_code == 2


def test_good_paths_pass(tmp_path):
    check_paths(tmp_path / "r.json", tmp_path / "new-folder")


def test_the_crash_log_falls_back_to_the_state_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "file").write_text("")
    try:
        raise ValueError("boom")
    except ValueError as error:
        log = write_crash_log(error, tmp_path / "file" / "not-a-folder")
    assert log == tmp_path / "state" / "labrunner" / "labrunner-error.log"
    assert "Traceback" in log.read_text() and "ValueError: boom" in log.read_text()


class Tty(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_terminal_modes_are_restored_only_on_a_terminal():
    terminal, pipe = Tty(True), Tty(False)
    restore_terminal_modes(terminal)
    restore_terminal_modes(pipe)
    assert terminal.getvalue() == RESTORE_MODES and "\x1b[?25h" in RESTORE_MODES
    assert pipe.getvalue() == ""


def test_an_internal_error_in_a_command_is_one_line_a_log_and_exit_70(tmp_path, monkeypatch,
                                                                        capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    def broken(args):
        raise RuntimeError("a bug")

    monkeypatch.setattr("runner.commands.list.run", broken)
    assert cli.main(["--lang", "en", "list"]) == 70
    err = capsys.readouterr().err
    log = tmp_path / "labrunner" / "labrunner-error.log"
    assert err.count("\n") == 1 and "RuntimeError: a bug" in err and str(log) in err
    assert "Traceback" not in err and "Traceback" in log.read_text()


def test_a_screen_that_is_gone_is_left_alone_and_the_run_goes_on(monkeypatch):
    from runner.run import screen_guard

    class ClosedWindow:
        calls = 0

        def on_event(self, event):
            self.calls += 1
            raise OSError(5, "Input/output error")

    silenced = []
    monkeypatch.setattr(screen_guard, "silence_stdout", lambda: silenced.append(True))
    screen = ClosedWindow()
    guard = screen_guard.ScreenUntilGone(screen)
    guard.on_event(object())
    guard.on_event(object())  # no error: the run reaches its cleanup
    assert screen.calls == 1 and guard.gone and silenced == [True]

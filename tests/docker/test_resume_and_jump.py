"""Resume, jump and quit through a real pseudo-terminal on the sandbox engine, in English and
French: a run of inspect-overlay2 killed with SIGKILL in the middle is resumed by the next
run at the right step, with the engine as the steps before it leave it (its container made
again, MYFILE in its writable layer); a closed terminal (SIGHUP) is resumed too; `--from`
and `j` jump forward by replaying quietly and back by rewinding; `q` exits 5 and the
summary lists every step."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMPT = {"en": "Enter: run · s: skip · j: jump to a step · q: quit > ",
          "fr": "Entrée : exécuter · s : passer · j : aller à une étape · q : quitter > "}
RESUME = {"en": "r: start over > ", "fr": "r : tout recommencer > "}
CLEANUP = {"en": "(Enter or y: yes, n: no) > ", "fr": "(Entrée ou o : oui, n : non) > "}
IDS = ["clean", "pull-alpine", "inspect-alpine", "go-templates", "pull", "run", "touch", "find",
       "stop", "rm"]


def spawn(tmp_path: Path, engine: str, env: dict, *extra: str, lab: str = "inspect-overlay2",
          language: str = "en") -> pexpect.spawn:
    args = ["-m", "runner", "run", lab, "--lang", language, "--reporter", "plain", "--engine",
            engine, *extra]
    return pexpect.spawn(sys.executable, args, cwd=str(ROOT), timeout=90, encoding="utf-8",
                         env=dict(env, HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "st")),
                         dimensions=(50, 220))


def answer_steps(child: pexpect.spawn, count: int, language: str) -> None:
    for _ in range(count):
        child.expect_exact(PROMPT[language])
        child.sendline("")


def container_id(name: str, env: dict) -> str:
    found = subprocess.run(["docker", "ps", "-aq", "--no-trunc", "--filter", f"name=^{name}$"],
                           env=env, capture_output=True, text=True, check=True)
    return found.stdout.strip()


def progress_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "st" / "labrunner" / "progress").glob("*.json"))


def quit_and_read_summary(child: pexpect.spawn) -> tuple[int, str]:
    """q at the prompt just shown: the exit status and the rest of the screen, unwrapped."""
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, " ".join(child.before.split())


def test_a_run_killed_mid_lab_is_resumed_at_its_step_with_the_engine_state_rebuilt(
        sandbox_engine, clean_engine, docker_env, tmp_path):
    first = spawn(tmp_path, sandbox_engine.docker_host, docker_env)
    answer_steps(first, 7, "en")  # up to touch: www runs, MYFILE in its writable layer
    first.expect_exact(PROMPT["en"])  # at find's prompt
    killed_www = container_id("www", docker_env)
    assert killed_www
    [saved] = progress_files(tmp_path)
    assert json.loads(saved.read_text())["next_step"] == 8
    os.kill(first.pid, signal.SIGKILL)
    first.expect(pexpect.EOF)
    first.close()

    second = spawn(tmp_path, sandbox_engine.docker_host, docker_env)
    second.expect_exact(RESUME["en"])
    assert "stopped at step 8 of 10, “Find MYFILE on the host" in " ".join(second.before.split())
    second.sendline("")  # resume
    second.expect_exact(CLEANUP["en"])  # the killed run's cleanup first
    second.sendline("")
    second.expect_exact("[8/10] Find MYFILE on the host")
    shown = " ".join(second.before.split())
    assert all(f"↻ [{n}/10]" in shown for n in range(1, 8)), shown
    assert "[7/10] Create MYFILE inside the container (replayed)" in shown
    assert "PASS" not in shown and "$ docker" not in shown  # replayed quietly
    again = container_id("www", docker_env)
    assert again and again != killed_www, "the replay made www again"
    second.expect_exact(PROMPT["en"])
    second.sendline("")  # find runs: MYFILE is in the rebuilt container's writable layer
    second.expect_exact("[9/10]")
    assert "FAIL" not in second.before, second.before
    second.expect_exact(PROMPT["en"])
    code, summary = quit_and_read_summary(second)
    assert code == 5, summary
    assert all(f"{step}:" in summary for step in IDS), summary
    assert summary.count("not run") == 2 and "You quit: 8 of 10 steps passed" in summary
    assert not container_id("www", docker_env), "the cleanup ran"
    [kept] = progress_files(tmp_path)
    assert json.loads(kept.read_text())["next_step"] == 9  # the next run offers step 9


def test_from_and_j_jump_forward_and_back_in_french(sandbox_engine, clean_engine, docker_env,
                                                     tmp_path):
    child = spawn(tmp_path, sandbox_engine.docker_host, docker_env, "--from", "run",
                  language="fr")
    child.expect_exact("[6/10]")
    assert "↻ [5/10]" in child.before and "(rejouée)" in child.before
    answer_steps(child, 1, "fr")  # run: www starts
    child.expect_exact(PROMPT["fr"])  # touch
    assert container_id("www", docker_env)
    child.sendline("j 9")  # forward: touch and find replayed quietly
    child.expect_exact("[9/10]")
    assert "↻ [7/10]" in child.before and "↻ [8/10]" in child.before
    child.expect_exact(PROMPT["fr"])
    child.sendline("j")
    child.expect_exact("(Entrée : rester ici) > ")
    child.sendline("deploy")
    child.expect_exact("« deploy » n'est pas une étape de ce lab")
    child.sendline("run")  # back: cleanup, setup, steps 1 to 5 replayed, then run shown
    child.expect_exact("[6/10]")
    child.expect_exact(PROMPT["fr"])
    assert not container_id("www", docker_env), "rewound to before run: no www yet"
    code, summary = quit_and_read_summary(child)
    assert code == 5, summary
    assert all(f"{step}:" in summary for step in IDS), summary
    # each step's latest outcome: 1-5 and 7-8 replayed, 6 run; stop and rm never reached
    assert "Vous avez quitté le lab" in summary and summary.count("non faite") == 2


def test_from_a_step_the_lab_does_not_have_is_exit_2_before_the_engine(tmp_path):
    done = subprocess.run([sys.executable, "-m", "runner", "run", "inspect-overlay2", "--lang",
                           "en", "--from", "11", "--engine", "unix:///nowhere.sock"], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "--from 11: this lab has no such step; give a number from 1 to 10 or one of these ids: "
        + ", ".join(IDS) + ".")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_closed_terminal_is_resumed_at_the_step_it_showed(sandbox_engine, docker_env,
                                                           tmp_path, language):
    lab = tmp_path / "trail.yaml"
    step = lambda name: {"id": name, "title": {"fr": name, "en": name},  # noqa: E731
                         "explain": {"fr": name, "en": name}, "run": f"echo {name} >> trail"}
    lab.write_text(yaml.safe_dump({"format": 2, "id": "trail", "title": {"fr": "t", "en": "t"},
                                   "steps": [step(name) for name in ("a", "b", "c")]}))
    first = spawn(tmp_path, sandbox_engine.docker_host, docker_env, "--workdir",
                  str(tmp_path / "work"), lab=str(lab), language=language)
    answer_steps(first, 2, language)
    first.expect_exact(PROMPT[language])  # c's prompt
    os.close(first.child_fd)  # the window closes: SIGHUP
    _, status = os.waitpid(first.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 129
    second = spawn(tmp_path, sandbox_engine.docker_host, docker_env, "--workdir",
                   str(tmp_path / "again"), lab=str(lab), language=language)
    second.expect_exact(RESUME[language])
    assert ("at step 3 of 3" if language == "en" else "à l'étape 3 sur 3") in second.before
    second.sendline("")
    answer_steps(second, 1, language)
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 0
    assert (tmp_path / "again" / "trail").read_text().split() == ["a", "b", "c"]
    assert progress_files(tmp_path) == [], "a lab run to its end forgets its progress"

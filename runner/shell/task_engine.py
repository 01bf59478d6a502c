"""Keeps the student's task shell on the lab's engine: bash text for the task shell's rc file.

The user's ~/.bashrc is read first (aliases, completion); then `pin_lab_environment` sets
the lab's variables again, so a .bashrc that exports DOCKER_HOST (rootless, colima) cannot
send the task's commands to the user's own engine. `watch_engine` runs after each command:
if the student points the shell elsewhere, it says so; what they typed is left alone.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping

from runner.i18n import t

# Where the docker CLI and SDK look for their engine: the lab's value, or none, always wins.
ENGINE_VARIABLES = ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")
WATCHED = ("DOCKER_HOST", "DOCKER_CONTEXT")
_NOW = "\x00now\x00"  # stands for the shell's value of the moment while a message is built
WATCH_FUNCTION = "__labrunner_engine_check"
# Bash keeps these itself (some read-only): they are never set or unset by the rc file.
BASH_OWNED = frozenset({"BASHOPTS", "SHELLOPTS", "PWD", "OLDPWD", "SHLVL", "_"})
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# A docker command line that names another engine for itself: a global -H/--host/-c/--context
# (after other global options, if any), or DOCKER_HOST=/DOCKER_CONTEXT= before the command.
_START = r"(^|[;&|({`]|\$\()[[:space:]]*"
ONE_OFF = (r"(^|[^[:alnum:]_.-])docker([[:space:]]+-[^[:space:]]+)*[[:space:]]+"
           r"(-H|--host|-c|--context)([[:space:]=]|$)"
           "|" + _START + r"(DOCKER_HOST|DOCKER_CONTEXT)=[^[:space:]]*[[:space:]]+[^[:space:]]")
CONTEXT_USE = r"(^|[^[:alnum:]_.-])docker[[:space:]]+context[[:space:]]+use([[:space:]]|$)"
_CONTEXT_NOW = "${DOCKER_CONTEXT-}"
# The watched variables as one string; `set`/`unset` tell an empty value from none.
_STATE_NOW = "|".join(f"${{{name}+set:}}${{{name}-}}" for name in WATCHED)


def lab_variables(env: Mapping[str, str],
                  parent: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """What labrunner set for the lab (None: unset): every variable `env` adds, changes or
    drops compared with labrunner's own environment, and the engine variables always."""
    parent = os.environ if parent is None else parent
    changed: dict[str, str | None] = {
        name: value for name, value in env.items() if parent.get(name) != value}
    changed.update({name: None for name in parent if name not in env})
    changed.update({name: env.get(name) for name in ENGINE_VARIABLES})
    return {name: value for name, value in changed.items()
            if NAME.fullmatch(name) and name not in BASH_OWNED}


def pin_lab_environment(variables: Mapping[str, str | None]) -> str:
    """Bash lines that give the lab's variables their values again (after the .bashrc)."""
    return "".join(f"export {name}={shlex.quote(value)}\n" if value is not None
                   else f"unset {name}\n" for name, value in sorted(variables.items()))


def watch_engine(variables: Mapping[str, str | None], language: str) -> str:
    """Bash functions for PROMPT_COMMAND that tell the student (on stderr) when their shell
    left the lab's engine: its variables (once per change, and when they come back) or the
    command just typed (`docker -H …`, `--context`, `docker context use`)."""
    calls = "__labrunner_variables_check; __labrunner_command_check"
    return (_variables_check(variables, language) + _command_check(variables, language)
            + f"{WATCH_FUNCTION}() {{ {calls}; }}\n")


def _variables_check(variables: Mapping[str, str | None], language: str) -> str:
    lab = variables.get("DOCKER_HOST") or ""
    lab_state = shlex.quote(_state(variables))
    return (f"__labrunner_seen={lab_state}\n"
            "__labrunner_variables_check() {\n"
            f'  local state="{_STATE_NOW}"\n'
            '  [ "$state" = "$__labrunner_seen" ] && return\n'
            "  __labrunner_seen=$state\n"
            f'  if [ "$state" = {lab_state} ]; then {_say("task_shell.back", language, lab)}\n'
            f'  elif [ -z "${{DOCKER_HOST+set}}" ]; then '
            f'{_say("task_shell.host_unset", language, lab)}\n'
            f'  elif [ "$DOCKER_HOST" != {shlex.quote(lab)} ]; then '
            f'{_say("task_shell.host_changed", language, lab, "$DOCKER_HOST")}\n'
            f'  else {_say("task_shell.context_changed", language, lab, _CONTEXT_NOW)}\n'
            "  fi\n}\n")


def _command_check(variables: Mapping[str, str | None], language: str) -> str:
    """Each new history entry is read once (Enter on an empty line adds none)."""
    lab = variables.get("DOCKER_HOST") or ""
    return ("__labrunner_last=\n"
            "__labrunner_command_check() {\n"
            f"  local entry line one_off={shlex.quote(ONE_OFF)}\n"
            f"  local context_use={shlex.quote(CONTEXT_USE)}\n"
            '  entry=$(HISTTIMEFORMAT= history 1)\n'
            r'  [[ $entry =~ ^[[:space:]]*([0-9]+)[*]?[[:space:]]+(.*)$ ]] || return' "\n"
            '  [ "${BASH_REMATCH[1]}" = "$__labrunner_last" ] && return\n'
            "  __labrunner_last=${BASH_REMATCH[1]} line=${BASH_REMATCH[2]}\n"
            "  if [[ $line =~ $context_use ]]; then "
            f"{_say('task_shell.context_use', language, lab)}\n"
            "  elif [[ $line =~ $one_off ]]; then "
            f"{_say('task_shell.command_elsewhere', language, lab)}\n"
            "  fi\n}\n")


def _state(variables: Mapping[str, str | None]) -> str:
    """The lab's value of _STATE_NOW, computed here rather than by bash."""
    values = (variables.get(name) for name in WATCHED)
    return "|".join("" if value is None else f"set:{value}" for value in values)


def _say(key: str, language: str, lab: str, now: str = "") -> str:
    """A printf of the translated message to stderr; `now` is a bash expansion, read when
    the message is shown (a `%` in the text or the lab's endpoint is printed as it is)."""
    text = t(key, language, lab=lab, now=_NOW)
    fmt = text.replace("\\", "\\\\").replace("%", "%%").replace(_NOW, "%s") + "\\n"
    args = f' "{now}"' * text.count(_NOW)
    return f"printf {shlex.quote(fmt)}{args} >&2"

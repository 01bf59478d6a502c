"""What the helper container runs for each question, and how its answers are read back.

Pure: no Docker here. One shell script (busybox sh) answers every question; the helper
runs it either inside the engine's own mount namespace (`nsenter -m`, where host paths and
their symlinks resolve exactly as on the host) or, when that is refused, under the
`/proc/<pid>/root` of a process that sees the engine's files. Answers are NUL-separated,
so any file name (spaces, newlines) comes back intact.
"""

from __future__ import annotations

from dataclasses import dataclass

from runner.storage.host_files import FileKind

PIDS_FILE = "/.labrunner-helper-pids"  # written by the helper's first process: "<its pid> <parent>"
INIT_SCRIPT = f"echo $$ $PPID > {PIDS_FILE}; exec sleep {{lifetime}}"
IMAGE_BUSYBOX = "/bin/busybox"  # in the helper's image (busybox and its static stand-in)

# answer: $1 busybox to run applets with, $2 root prefix ("" inside the engine's namespace),
# $3 the question, then its arguments. `[`, `printf`, `cd` and `echo` are sh built-ins: a
# kind costs no process (stat only for a character device, to tell a whiteout), a listing one.
ANSWER_FUNCTION = r"""present() { [ -e "$1" ] || [ -L "$1" ]; }
answer() {
b=$1; r=$2; q=$3; shift 3
case $q in
kind) for p; do p=$r$p
        if [ -L "$p" ]; then echo link
        elif [ -d "$p" ]; then echo dir
        elif [ -f "$p" ]; then echo file
        elif [ -c "$p" ]; then
          if [ "$("$b" stat -c '%t|%T' -- "$p" 2>/dev/null)" = "0|0" ]; then echo whiteout
          else echo other; fi
        elif [ -e "$p" ]; then echo other
        else echo missing; fi
      done ;;
glob) IFS=''; cd "$r/" 2>/dev/null || return 0
      for p in ${1#/}; do if present "$p"; then printf '/%s\0' "$p"; fi; done ;;
read) if [ -f "$r$1" ] && [ -r "$r$1" ]; then printf +; "$b" head -c "$2" -- "$r$1"
      else printf -; fi ;;
list) cd "$r$1" 2>/dev/null || return 0
      "$b" find . -mindepth 1 -maxdepth 1 -print0 ;;
esac
}
"""
# One question per exec: $1 $2 $3… as for answer.
QUESTION_SCRIPT = ANSWER_FUNCTION + 'answer "$@"\n'
# One exec for the whole run: $1 busybox, $2 root prefix, $3 the end mark. Reads a question,
# the number of its arguments and each argument, one a line; answers in a subshell (glob's
# `cd` and IFS stay there), then prints the end mark between NULs.
SESSION_SCRIPT = ANSWER_FUNCTION + r"""b=$1; r=$2; end=$3
while IFS= read -r q && IFS= read -r n; do
  set --
  while [ "$#" -lt "$n" ] && IFS= read -r a; do set -- "$@" "$a"; done
  ( answer "$b" "$r" "$q" "$@" )
  printf '\0\0%s\0\0' "$end"
done
"""

# Which process sees the engine's files: the helper's parent first (the runtime's shim or
# conmon, which lives where the engine mounts its layers: Desktop's VM, rootlesskit's
# namespace), then PID 1 (a remote host, Desktop's VM init). Prints "<way> <pid> <init>".
PROBE_SCRIPT = rf"""want=$1; i=0
while [ ! -s {PIDS_FILE} ] && [ $i -lt 250 ]; do usleep 20000; i=$((i+1)); done
read init parent < {PIDS_FILE}
for pid in $parent 1; do
  if nsenter -t "$pid" -m -- "/proc/$init/root{IMAGE_BUSYBOX}" test -d "$want" 2>/dev/null
  then echo "enter $pid $init"; exit 0; fi
  if [ -d "/proc/$pid/root$want" ]; then echo "root $pid $init"; exit 0; fi
done
echo "none 0 $init"
"""


@dataclass(frozen=True)
class Access:
    """How the helper reaches the engine's files: `enter` (nsenter into the mount namespace
    of `pid`) or `root` (paths under /proc/<pid>/root); `init` is the helper's own first
    process, whose root holds the busybox run inside the engine's namespace."""

    way: str
    pid: int
    init: int

    def argv(self, question: str, *args: str) -> list[str]:
        """The command that asks `question` inside the helper container."""
        return self._shell(QUESTION_SCRIPT, question, *args)

    def session_argv(self, end: str) -> list[str]:
        """The command of a session answering questions read from its input (SESSION_SCRIPT)."""
        return self._shell(SESSION_SCRIPT, end)

    def _shell(self, script: str, *args: str) -> list[str]:
        if self.way == "enter":
            busybox = f"/proc/{self.init}/root{IMAGE_BUSYBOX}"
            return ["nsenter", "-t", str(self.pid), "-m", "--", busybox,
                    "sh", "-c", script, "helper", busybox, "", *args]
        return ["sh", "-c", script, "helper", IMAGE_BUSYBOX, f"/proc/{self.pid}/root", *args]


def parse_probe(output: str) -> Access | None:
    """The probe's answer, or None when no way shows the engine's files."""
    fields = output.split()
    if len(fields) != 3 or fields[0] not in ("enter", "root") or not fields[1].isdigit():
        return None
    return Access(fields[0], int(fields[1]), int(fields[2]))


def parse_kinds(output: str, count: int) -> list[FileKind]:
    """One FileKind per asked path, from the script's lines (`dir`, `whiteout`…)."""
    kinds = [kind_from_word(line) for line in output.splitlines()[:count]]
    return kinds + [FileKind.MISSING] * (count - len(kinds))  # a cut answer: say nothing


def kind_from_word(word: str) -> FileKind:
    try:
        return FileKind(word)
    except ValueError:
        return FileKind.MISSING  # not an answer: as good as missing


def parse_names(output: bytes) -> list[str]:
    """A NUL-separated list (glob, listdir), decoded as the OS would (surrogateescape), sorted."""
    return sorted(name.decode("utf-8", "surrogateescape") for name in output.split(b"\0")
                  if name)


def parse_listing(output: bytes) -> list[str]:
    """`find . -print0`'s entries (`./name`) as names, sorted."""
    return sorted(name.removeprefix("./") for name in parse_names(output))


def parse_read(output: bytes, limit: int) -> str | None:
    """`+` then the file's first bytes, or `-` when it is not a readable file."""
    if not output.startswith(b"+"):
        return None
    return output[1:].decode("utf-8", "replace")[:limit]


def parse_read_raw(output: bytes, limit: int) -> bytes | None:
    """The `read` answer as bytes: `+` then the file's first bytes, `-` when unreadable."""
    return output[1:1 + max(0, limit)] if output.startswith(b"+") else None


def stdout_of(stream: bytes) -> bytes:
    """The standard output in an exec's multiplexed stream (frames of an 8-byte header:
    stream number, 3 zero bytes, big-endian length; then that many bytes)."""
    out, at = bytearray(), 0
    while at + 8 <= len(stream):
        number, length = stream[at], int.from_bytes(stream[at + 4:at + 8], "big")
        if number == 1:
            out += stream[at + 8:at + 8 + length]
        at += 8 + length
    return bytes(out)


def read_bytes(limit: int) -> int:
    """Bytes to read for `limit` characters: UTF-8 takes at most 4 bytes a character."""
    return max(0, limit) * 4

"""A real run of a one-step lab whose command floods the terminal, through a reporter.

Run as a program (`python tests/shell/flood_lab.py <megabytes> <plain|rich> <workdir>`) so its
peak memory is its own: it prints one JSON line (wall time, peak RSS, whether the step passed,
what the command's result kept) on stderr; the reporter writes to /dev/null. No Docker:
the step's checks look at the output only (as in tests/shell/test_engine_shell.py).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.report import Fanout, make_reporter
from runner.run import events as ev
from runner.run.lab_runner import LabRun, LabRunner

PROFILE = EngineProfile("linux", "unix:///unused.sock", "/unused", "overlay2", "test", False)


def flood_lab(megabytes: int) -> Lab:
    """One step printing `megabytes` MB of 100-character lines, then a last line checked."""
    command = (f"head -c {megabytes * 10**6} /dev/zero | tr '\\0' 'a' | fold -w 100; "
               "echo; echo THE-END")
    step = {"id": "flood", "title": {"fr": "flot", "en": "flood"},
            "explain": {"fr": "x", "en": "x"}, "run": command, "timeout": 600,
            "checks": [{"type": "output", "contains": "THE-END"}]}
    return Lab.model_validate({"format": 2, "id": "flood", "title": {"fr": "f", "en": "f"},
                               "steps": [step]})


class Kept:
    """Remembers what the command's result kept (its size and the part left out)."""

    def __init__(self) -> None:
        self.output_size = self.dropped = 0

    def on_event(self, event: object) -> None:
        if isinstance(event, ev.CommandFinished):
            self.output_size, self.dropped = len(event.result.output), event.result.dropped


def peak_rss() -> int:
    """This process's peak resident memory in bytes (VmHWM: unlike ru_maxrss, it does not
    count the parent's memory that a fork copied before the exec)."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    return next(int(line.split()[1]) * 1024 for line in status.splitlines()
                if line.startswith("VmHWM:"))


def main(megabytes: int, reporter: str, work_dir: Path) -> None:
    kept = Kept()
    with open("/dev/null", "w", encoding="utf-8") as sink:
        spec = LabRun(lab=flood_lab(megabytes), lab_path=work_dir / "lab.yaml", profile=PROFILE,
                      listener=Fanout(make_reporter(reporter, sink), kept), language="en",
                      work_dir=work_dir, docker_factory=lambda: None,
                      environ={"PATH": "/usr/bin:/bin"})
        started = time.monotonic()
        finished = LabRunner(spec).run()
    print(json.dumps({"seconds": time.monotonic() - started, "peak_rss": peak_rss(),
                      "status": finished.status,
                      "output_size": kept.output_size, "dropped": kept.dropped}),
          file=sys.stderr)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))

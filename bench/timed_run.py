"""`labrunner ARGS`, then the wall time spent inside the lab's shell commands, to a file.

bench.py runs this instead of `labrunner` to get labrunner's own time (the run's wall time
minus its commands'): a figure that the engine's and the disk's moods hardly move, so a
change of a few milliseconds shows even on a busy machine.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    from runner.shell.session import ShellSession

    spent = 0.0
    run = ShellSession.run

    def timed(self, *args, **kwargs):
        nonlocal spent
        started = time.perf_counter()
        try:
            return run(self, *args, **kwargs)
        finally:
            spent += time.perf_counter() - started

    ShellSession.run = timed
    from runner.cli import main as labrunner

    status = labrunner(sys.argv[1:])
    with open(os.environ["LABRUNNER_BENCH_SPENT"], "w", encoding="ascii") as handle:
        handle.write(repr(spent))
    return status


if __name__ == "__main__":
    sys.exit(main())

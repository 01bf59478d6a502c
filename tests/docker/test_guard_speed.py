"""The guard is not felt: median added latency per API call (target <= 1 ms) and a pull of a
stand-in through the guard against direct. Run with -s to see the figures."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest

from runner.engines.api import UnixConnection
from runner.guard.guard import Guard

CALLS = 200


def median_call(path: str, method: str, url: str) -> float:
    """Median seconds of one request on a kept-alive connection (after 20 to warm up)."""
    connection, times = UnixConnection(path), []
    for _ in range(CALLS + 20):
        started = time.perf_counter()
        connection.request(method, url)
        connection.getresponse().read()
        times.append(time.perf_counter() - started)
    connection.close()
    return statistics.median(times[20:])


def median_of(runs: int, action: Callable[[], None], before: Callable[[], None]) -> float:
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@pytest.fixture
def guarded(sandbox_engine, clean_engine) -> Iterator[tuple[str, str]]:
    """(the engine's socket path, the guard's), the guard holding as on a user's engine."""
    guard = Guard(sandbox_engine.docker_host, sandbox=False)
    socket_path = guard.start()
    yield sandbox_engine.docker_host.removeprefix("unix://"), str(socket_path)
    guard.stop()


@pytest.mark.parametrize(("method", "url"), [("GET", "/_ping"), ("HEAD", "/_ping"),
                                             ("GET", "/v1.41/containers/json?all=1")])
def test_median_added_latency_per_call_is_under_a_millisecond(guarded, method, url):
    engine, guard = guarded
    direct, through = median_call(engine, method, url), median_call(guard, method, url)
    added_ms = (through - direct) * 1000
    print(f"\n{method} {url}: direct {direct * 1000:.3f} ms, through the guard "
          f"{through * 1000:.3f} ms, added {added_ms:.3f} ms (median of {CALLS})")
    assert added_ms <= 1.0


def test_a_pull_through_the_guard_takes_about_as_long_as_direct(guarded):
    engine, guard = guarded

    def docker(socket_path: str, *args: str) -> Callable[[], None]:
        env = dict(os.environ, DOCKER_HOST=f"unix://{socket_path}")
        return lambda: subprocess.run(["docker", *args], env=env, check=True,
                                      capture_output=True, timeout=120)

    forget = docker(engine, "rmi", "-f", "nginx")
    docker(engine, "pull", "nginx")()
    direct = median_of(5, docker(engine, "pull", "nginx"), forget)
    through = median_of(5, docker(guard, "pull", "nginx"), forget)
    ps_direct = median_of(10, docker(engine, "ps", "-a"), lambda: None)
    ps_through = median_of(10, docker(guard, "ps", "-a"), lambda: None)
    print(f"\ndocker pull nginx (stand-in): direct {direct:.3f} s, through the guard "
          f"{through:.3f} s (median of 5)\ndocker ps -a: direct {ps_direct * 1000:.1f} ms, "
          f"through the guard {ps_through * 1000:.1f} ms (median of 10)")
    assert through <= direct * 1.25 + 0.1

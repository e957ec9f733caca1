"""What the quick test subset costs: its CPU time, whole and per test file.

    python bench/quick_subset.py                  # pytest -q -m "not slow", as the README runs it
    python bench/quick_subset.py -- -n 2          # anything after -- goes to pytest as well

Runs the quick subset in a child process and prints the wall clock, the CPU time (user and
system, from ``os.wait4``: the pytest process and every process it waited for, xdist workers
and the CLI subprocesses of the tests included), the CPU time of each test file and of the
slowest tests. The same file is loaded into that pytest as a plugin (``-p quick_subset``) that
measures each test's setup, call and teardown in its own process (``time.process_time`` and the
children it waited for); a module-scoped fixture counts in the file that builds it.

The wall clock of the same run moved 9x on this shared 2-core machine while its CPU time moved
less, so the limit is on CPU time: exit 1 when the run's CPU time passes ``--limit`` seconds. The
default, 360 s, is two cores for three minutes, the goal the quick subset is held to (CI runs it
so after the full suite). Measured on 2026-12-07 with ``-n 2 --dist loadfile``: 509 s of CPU and
303 s of wall clock for 1,464 tests at load average about 1, before that day's cuts (the rdflib
engine's runs made slow as the README says, commands run in the test's process where the process
is not what is tested, work shared by the tests of a file, smaller graphs where the rule is the
same); after them, 1,415 tests in 244 s of CPU and 145 s of wall clock at load average 1 to 2.5.
The list of the tests that wait (wall clock less CPU) shows the servers' timeouts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESULTS_ENV = "CSTOGRAPH_TEST_TIMES"


# ------------------------------------------------------------------ the plugin (inside pytest)


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _measured(item):
    """Around one phase of a test: adds its CPU and wall-clock seconds to the item's properties."""
    cpu, wall = _cpu(), time.perf_counter()
    yield
    item.user_properties.append(("cpu-seconds", _cpu() - cpu))
    item.user_properties.append(("wall-seconds", time.perf_counter() - wall))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    yield from _measured(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield from _measured(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield from _measured(item)


_per_test: dict[str, dict] = {}


def pytest_runtest_logreport(report):
    """In the process that reports (the xdist controller too): the teardown report holds all three phases."""
    if report.when == "teardown":
        _per_test[report.nodeid] = {
            "cpu": sum(value for key, value in report.user_properties if key == "cpu-seconds"),
            "wall": sum(value for key, value in report.user_properties if key == "wall-seconds"),
            "worker": getattr(getattr(report, "node", None), "workerinput", {}).get("workerid", "main"),
        }


def pytest_sessionfinish(session):
    target = os.environ.get(RESULTS_ENV)
    if target and not hasattr(session.config, "workerinput"):  # the controller writes, xdist workers do not
        Path(target).write_text(json.dumps(_per_test), encoding="utf-8")


# ------------------------------------------------------------------ the command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=360.0, help="CPU seconds the quick subset may take (default 360)")
    parser.add_argument("--top", type=int, default=10, help="how many test files and tests to list (default 10)")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder) / "times.json"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH")])))
        env[RESULTS_ENV] = str(results)
        command = [sys.executable, "-m", "pytest", "-q", "-m", "not slow", "-p", "quick_subset", "-p", "no:cacheprovider",
                   *args.pytest_args]
        start = time.monotonic()
        child = subprocess.Popen(command, cwd=ROOT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        per_test = json.loads(results.read_text(encoding="utf-8")) if results.is_file() else {}

    cpu = usage.ru_utime + usage.ru_stime
    per_file: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    per_worker: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for nodeid, times in per_test.items():
        per_file[nodeid.split("::")[0]] += times["cpu"]
        counts[nodeid.split("::")[0]] += 1
        per_worker[times["worker"]][0] += times["cpu"]
        per_worker[times["worker"]][1] += times["wall"]
    print(f"\n{len(per_test)} tests in {len(per_file)} files: {wall:.0f} s wall clock, {cpu:.0f} s CPU "
          f"(user {usage.ru_utime:.0f} s, system {usage.ru_stime:.0f} s); limit {args.limit:.0f} s CPU")
    print("the tests of each process (CPU s, wall s): " + "; ".join(
        f"{name} {c:.0f}, {w:.0f}" for name, (c, w) in sorted(per_worker.items())))
    print(f"\nthe {args.top} costliest files (CPU s, tests):")
    for name, seconds in sorted(per_file.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {seconds:7.1f}  {counts[name]:4d}  {name}")
    print(f"\nthe {args.top} costliest tests (CPU s, setup and teardown included):")
    for nodeid, times in sorted(per_test.items(), key=lambda kv: -kv[1]["cpu"])[: args.top]:
        print(f"  {times['cpu']:7.1f}  {nodeid}")
    # wall clock without CPU: a test that sleeps, polls or waits for a server (on a quiet machine;
    # on a busy one every test also waits for a core)
    print(f"\nthe {args.top} tests that wait longest (wall s less CPU s):")
    for nodeid, times in sorted(per_test.items(), key=lambda kv: kv[1]["cpu"] - kv[1]["wall"])[: args.top]:
        print(f"  {times['wall'] - times['cpu']:7.1f}  {nodeid}")
    if code != 0:
        print(f"pytest exited {code}", file=sys.stderr)
        return code
    if cpu > args.limit:
        print(f"the quick subset took {cpu:.0f} s CPU, over the limit of {args.limit:.0f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The speed guard CI runs after the tests: a quick benchmark whose ratios must stay under limits.

    python bench/guard.py                 # about 100k triples; under two minutes here
    python bench/guard.py --requests 33000 --runs 1    # the same at 1M triples

Each step is a real `cstograph` command in its own process, timed by the CPU time (user and
system) of that process; the wall clock is printed beside it. Each of its --runs runs comes right
after a run of the floor on the same file: a process that starts Python, imports what the CLI
imports and parses the file into an in-memory pyoxigraph store; nothing can read the data
faster. The step's ratio is the median over those pairs of its CPU time over its floor run's:
on a shared machine another program slows both runs of a pair alike, so the pair keeps what the
step costs (the spread of the floor runs is printed as the noise of the run). A step over its
limit runs --confirm more pairs before it fails.
Every step is printed as seconds and as a ratio to the floor, and the script exits 1 when a ratio
passes its limit in bench/limits.toml (each limit says why it is what it is). Peak memory is
guarded the same way: the peak resident memory of each step above the start-up of a process
that only imports the CLI (measured in the same run), as a multiple of the Turtle file's size,
must stay under the step's limit for the run's size (``max_rss_multiple_100k`` up to 300,000
triples, ``max_rss_multiple_1M`` above). A regression like
a report that fetches the sources of the whole graph then fails CI instead of landing. Ratios,
not seconds, so the guard holds on a slower or busier machine.

The site step writes 3,809 files where ``report --all`` writes nothing (its output goes to
/dev/null), so each of its runs writes a new folder (a first build: nothing deleted just before)
in a folder in memory (/dev/shm, where the system has one; the run's temporary folder otherwise,
as the first line printed says). The site still makes every system call of its files there
(0.1-0.3 s); what it no longer times is the disk's block allocation, which depends on what the
disk's other users freed just before: on this machine's ext4 (mounted with discard) the same
3,809 files took 0.11-0.19 s of system time in a new folder and 1.9-3.1 s right after a site of
the same size was deleted, whichever program wrote them.

A limit stated against another step (``versus``, e.g. the site within a multiple of
``report --all``) is the quotient of the two steps' ratios to the floor; with
``versus_paired = true`` the other step runs just before each of the step's floor runs instead,
and the limit holds the median over those rounds of the step's CPU time over the other's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOOR = """
import sys, time
import cstograph.cli, pyoxigraph
store = pyoxigraph.Store()
store.load(path=sys.argv[1], format=pyoxigraph.RdfFormat.TURTLE)
assert len(store) > 0
"""
STARTUP = "import cstograph.cli, pyoxigraph"  # the memory every step takes before it reads data
# Runs a cstograph command with every query to Oxigraph counted at its one entry
# (OxigraphEngine.raw_query) and prints the count: the query budgets are counts, not seconds.
COUNTER = """
import sys
from cstograph.engines.engine import OxigraphEngine
real, sent = OxigraphEngine.raw_query, []
def counting(self, text):
    sent.append(1)
    return real(self, text)
OxigraphEngine.raw_query = counting
from cstograph.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    print(len(sent), file=sys.__stdout__)
"""


MEMORY_FOLDER = "/dev/shm"


def memory_folder() -> str | None:
    """A folder in memory to write the sites into (/dev/shm, when the system has one and it
    can be written), else None: the temporary folder of the system."""
    return MEMORY_FOLDER if os.path.isdir(MEMORY_FOLDER) and os.access(MEMORY_FOLDER, os.W_OK) else None


def cli() -> list[str]:
    return [sys.executable, "-m", "cstograph"]


def run_once(command: list[str]) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak resident MB) of one run: the CPU time (user + system)
    and the peak memory are the child's own (os.wait4), so other programs on the machine change
    them far less than the wall clock."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command[2:])} failed (exit {code}): "
                             + errors.read().decode(errors="replace").strip()[-300:])
    return usage.ru_utime + usage.ru_stime, elapsed, usage.ru_maxrss / 1024


def timed(command: list[str], runs: int, floor: list[str],
          floors: list[tuple[float, float, float]], prepare=None,
          versus: list[str] | None = None) -> list[tuple[float, ...]]:
    """``runs`` runs of ``command``, each right after a run of the floor command: for each pair,
    (CPU seconds, wall seconds, peak MB) of the step and the CPU seconds of its floor run. The
    floor runs are added to ``floors``. ``prepare()``, if given, runs before each pair, untimed.
    ``versus``: a command run just before each floor run, its CPU seconds added as a fifth value
    (the other step of a limit stated as a ratio between two steps, timed beside this one)."""
    pairs = []
    for _ in range(runs):
        if prepare is not None:
            prepare()
        other = (run_once(versus)[0],) if versus is not None else ()
        before = run_once(floor)
        floors.append(before)
        pairs.append((*run_once(command), before[0], *other))
    return pairs


def paired_ratio(pairs: list[tuple[float, float, float, float]]) -> float:
    """The median of each run's CPU time over the CPU time of the floor run just before it.
    Another program busy on the machine slows both runs of a pair alike (a shared core, its
    caches), so the ratio of a pair keeps what the step costs; the fastest step over the fastest
    floor of the whole run compared a step slowed throughout with a floor that once ran alone
    (CI on 2026-12-07: floor runs 0.42-0.80 s CPU, every step about 40 % slower than in the quiet
    runs before, and a step over its limit by noise)."""
    return _median([pair[0] / pair[3] for pair in pairs])


def versus_ratio(pairs: list[tuple[float, ...]]) -> float:
    """The median of each run's CPU time over the CPU time of the other step run just before its
    floor run (``timed(..., versus=...)``). The quotient of the two steps' ratios to the floor
    divided medians measured minutes apart: a busy minute during one step's runs and not the
    other's moved it by a third (site over report --all: 2.6-3.5x on the same code); two runs
    seconds apart share the machine's state."""
    return _median([pair[0] / pair[4] for pair in pairs])


def _median(values: list[float]) -> float:
    ratios = sorted(values)
    middle = len(ratios) // 2
    return ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2


def count_queries(arguments: list[str]) -> int:
    """How many queries one cstograph command sends to Oxigraph (its output thrown away)."""
    done = subprocess.run([sys.executable, "-c", COUNTER, *arguments], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    return int(done.stdout.strip().splitlines()[-1])


def size_class(triples: int) -> str:
    """Which memory limits apply: "100k" up to 300,000 triples, else "1M"."""
    return "100k" if triples <= 300_000 else "1M"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3300, help="synthetic requests (3300: about 100k triples)")
    parser.add_argument("--runs", type=int, default=3, help="runs per step, each after a floor run")
    parser.add_argument("--confirm", type=int, default=4,
                        help="more runs of a step over its limit before it fails (0: fail at once)")
    parser.add_argument("--limits", type=Path, default=HERE / "limits.toml")
    options = parser.parse_args(argv)
    limits = tomllib.loads(options.limits.read_text(encoding="utf-8"))

    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cstograph-guard-")))
        data, store = folder / "synth.ttl", folder / "store"
        subprocess.run([*cli(), "synth", "--requests", str(options.requests), "--seed", "3", "-o", str(data)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([*cli(), "load", str(data), "--store", str(store)], check=True, stdout=subprocess.DEVNULL)
        request = "sy:req17"  # a prefixed name the synthetic file declares
        memory = memory_folder()
        sites = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cstograph-guard-sites-", dir=memory)))
        in_memory = memory is not None
        steps = {
            "report-file": [*cli(), "report", "--format", "json", str(data)],
            "report-all-file": [*cli(), "report", "--all", "--format", "json", str(data)],
            "query-unmet-file": [*cli(), "query", "unmet-obligations", "--format", "csv", str(data)],
            "validate-file": [*cli(), "validate", str(data)],
            "load-store": [*cli(), "load", str(data), "--store", str(folder / "again"), "--replace"],
            "report-store": [*cli(), "report", "--format", "json", "--store", str(store)],
            "report-all-store": [*cli(), "report", "--all", "--format", "json", "--store", str(store)],
            "explain-store": [*cli(), "explain", request, "--format", "json", "--store", str(store)],
            "viz-html-file": [*cli(), "viz", str(data), "-o", str(folder / "view.html")],
            "timeline-svg-file": [*cli(), "timeline", str(data), "-o", str(folder / "timeline.svg")],
            "export-csv-file": [*cli(), "export", str(data), "-o", str(folder / "dataset.csv")],
            "site-file": [*cli(), "site", str(data), "-o", str(sites / "site")],
        }
        # each run of the site writes a new folder, as a first build: the -o argument is renamed
        # before each pair (see the module docstring: deleting the last site first times the disk)
        runs_of_site = iter(range(1, 1_000_000))

        def new_site_folder() -> None:
            if in_memory:  # in memory a deletion leaves nothing behind to slow the next run
                shutil.rmtree(steps["site-file"][-1], ignore_errors=True)
            steps["site-file"][-1] = str(sites / f"site-{next(runs_of_site)}")

        prepare = {"site-file": new_site_folder}
        floor_command = [sys.executable, "-c", FLOOR, str(data)]
        floors: list[tuple[float, float, float]] = []
        startup = min(run_once([sys.executable, "-c", STARTUP])[2] for _ in range(3))
        # a limit with ``versus_paired``: the other step runs beside each of this step's runs
        beside = {name: steps[limit["versus"]] for name, limit in limits.items()
                  if limit.get("versus_paired") and name in steps and limit.get("versus") in steps}
        measured = {name: timed(command, options.runs, floor_command, floors, prepare.get(name), beside.get(name))
                    for name, command in steps.items()}

        def against(name: str) -> float:
            """A step's ratio to the step its limit names (``versus``)."""
            if name in beside:
                return versus_ratio(measured[name])
            return paired_ratio(measured[name]) / paired_ratio(measured[limits[name]["versus"]])

        # A step over its limit, or over its limit against another step, is measured again
        # (``--confirm`` more pairs, and the other step too) before it fails: a regression stays,
        # a busy moment of the machine passes.
        for name, command in steps.items():
            over = paired_ratio(measured[name]) > limits[name]["max_ratio"]
            versus = limits[name].get("versus")
            if versus in measured and against(name) > limits[name]["max_versus_ratio"]:
                over = True
                if name not in beside:
                    measured[versus] += timed(steps[versus], options.confirm, floor_command, floors)
            if over and options.confirm:
                measured[name] += timed(command, options.confirm, floor_command, floors, prepare.get(name),
                                        beside.get(name))
        floor = min(f[0] for f in floors), min(f[1] for f in floors)
        import pyoxigraph

        counted = pyoxigraph.Store()
        counted.load(path=str(data), format=pyoxigraph.RdfFormat.TURTLE)
        walls = [f[1] for f in floors]
        file_mb = data.stat().st_size / 2 ** 20
        print(f"cstograph speed guard: {options.requests} requests, {len(counted):,} triples, each step run "
              f"{options.runs} time(s) after a floor run; ratio: the median over those pairs of the step's CPU "
              f"time over its floor's; noise: the {len(floors)} floor runs took {min(walls):.2f}-{max(walls):.2f} s "
              f"wall clock, {min(f[0] for f in floors):.2f}-{max(f[0] for f in floors):.2f} s CPU; "
              f"file {file_mb:.1f} MB, start-up {startup:.0f} MB; the sites written into {sites.parent}"
              f"{' (memory)' if in_memory else ' (no folder in memory here)'}")
        size = size_class(len(counted))
        print(f"{'step':<20} {'CPU s':>8} {'wall s':>8} {'ratio':>7} {'limit':>7} {'peak MB':>8} "
              f"{'x file':>7} {'limit':>6}")
        print(f"{'floor (parse)':<20} {floor[0]:>8.2f} {floor[1]:>8.2f} {1:>7.2f} {'':>7} "
              f"{min(f[2] for f in floors):>8.0f} {(min(f[2] for f in floors) - startup) / file_mb:>7.1f}")
        failed = []
        ratios: dict[str, float] = {}
        for name in steps:
            pairs = measured[name]
            cpu, wall, peak = (min(p[i] for p in pairs) for i in range(3))
            ratio = ratios[name] = paired_ratio(pairs)
            limit = limits[name]["max_ratio"]
            rss_limit = limits[name][f"max_rss_multiple_{size}"]
            multiple = (peak - startup) / file_mb  # memory the data took: the peak above start-up
            verdict = "" if ratio <= limit else "  <- over the limit"
            memory_verdict = "" if multiple <= rss_limit else "  <- over the memory limit"
            again = f"  ({len(pairs)} runs)" if len(pairs) > options.runs else ""
            print(f"{name:<20} {cpu:>8.2f} {wall:>8.2f} {ratio:>7.2f} {limit:>7.1f} {peak:>8.0f} {multiple:>7.1f} "
                  f"{rss_limit:>6.0f}{verdict}{memory_verdict}{again}")
            if verdict:
                failed.append(f"{name}: {ratio:.1f}x the floor, limit {limit}x ({limits[name]['why']})")
            if memory_verdict:
                failed.append(f"{name}: peak memory {peak:.0f} MB, {multiple:.1f}x the file above start-up, "
                              f"limit {rss_limit}x at {size} ({limits[name]['why_memory']})")
        # steps whose target is a ratio to another step measured in this run (a picture to the
        # report): the quotient of their ratios to the floor, or with ``versus_paired`` the
        # median over their rounds of the step's CPU time over the other step's run beside it
        for name, limit in limits.items():
            if "versus" in limit and name in ratios and limit["versus"] in ratios:
                ratio = against(name)
                verdict = "" if ratio <= limit["max_versus_ratio"] else "  <- over the limit"
                how = " (paired)" if name in beside else ""
                print(f"{name + ' / ' + limit['versus'] + how:<36} {ratio:>5.2f} {limit['max_versus_ratio']:>7.1f}"
                      f"{verdict}")
                if verdict:
                    failed.append(f"{name}: {ratio:.1f}x {limit['versus']}, limit {limit['max_versus_ratio']}x")
        # query budgets on the bundled graphs: counts, the same on every machine
        budgets = limits.get("queries", {})
        for name, arguments in (("site-bundled", ["site", "-o", str(folder / "bundled-site")]),
                                ("explain-bundled", ["explain", "request-2021-05-13-Armenia-CSTO", "--format", "json"])):
            if name not in budgets:
                continue
            sent, budget = count_queries(arguments), budgets[name]["max_queries"]
            verdict = "" if sent <= budget else "  <- over the budget"
            print(f"{name + ' queries':<36} {sent:>5} {budget:>7}{verdict}")
            if verdict:
                failed.append(f"{name}: {sent} queries, budget {budget} ({budgets[name]['why']})")
    if failed:
        print("\n".join(["", "Too slow or too large:", *failed]), file=sys.stderr)
        return 1
    print("every step within its limit")
    return 0


if __name__ == "__main__":
    sys.exit(main())

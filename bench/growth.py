"""How the commands grow with the graph: wall clock, peak memory and cost per triple, size by size.

    python bench/growth.py                               # 10k, 100k and 1M triples
    python bench/growth.py --sizes 330000 --steps load-store report-store explain-store   # 10M

Each step is a real `cstograph` command in its own process; its CPU time (user + system) and
peak memory are that process's own (os.wait4). Ratios and growth are computed on the CPU time,
which other programs on a shared machine change far less than the wall clock (printed too).
The floor is measured at every size in the same run: a process that parses the file into an
in-memory pyoxigraph store. For each step the table gives seconds, peak MB, the ratio to the
floor, CPU microseconds per triple, and the growth of the per-triple cost from the previous size
(1.0 = linear; 1.3 = 30 % more per triple than at the size before), raw and divided by the
floor's own growth. --runs N keeps the fastest of N runs of every command.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = """
import sys
import cstograph.cli, pyoxigraph
store = pyoxigraph.Store()
store.load(path=sys.argv[1], format=pyoxigraph.RdfFormat.TURTLE)
print(len(store))
"""
STEPS = ("load-store", "validate-file", "report-file", "report-store", "explain-store")


def cli() -> list[str]:
    return [sys.executable, "-m", "cstograph"]


def fastest(command: list[str], runs: int) -> tuple[float, float, bytes, float]:
    """The fastest of ``runs`` runs by CPU time (a busy moment slows a run, never speeds it up);
    the peak memory is the largest seen."""
    results = [run_measured(command) for _ in range(runs)]
    best = min(results, key=lambda r: r[3])
    return best[0], max(r[1] for r in results), best[2], best[3]


def run_measured(command: list[str]) -> tuple[float, float, bytes, float]:
    """(wall seconds, peak resident MB, stdout, CPU seconds) of one child process: os.wait4
    gives that child's own figures."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            message = err.read().decode(errors="replace").strip()[-300:]
            raise SystemExit(f"{' '.join(command[2:])} failed (exit {child.returncode}): {message}")
        return seconds, usage.ru_maxrss / 1024, out.read(), usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[330, 3300, 33000],
                        help="synthetic requests per size (about 30 triples each)")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--runs", type=int, default=1, help="runs per command (the fastest counts)")
    parser.add_argument("--folder", type=Path, help="work here (default: a temporary folder, deleted)")
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="cstograph-growth-", dir=options.folder) as folder:
        folder = Path(folder)
        print(f"{'size':>10} {'step':<14} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'ratio':>6} {'us/triple':>10} {'growth':>7} "
              f"{'/floor':>7}")
        previous: dict[str, float] = {}
        for requests in options.sizes:
            data, store = folder / f"synth-{requests}.ttl", folder / f"store-{requests}"
            subprocess.run([*cli(), "synth", "--requests", str(requests), "--seed", "3", "-o", str(data)],
                           check=True, stdout=subprocess.DEVNULL)
            floor_wall, floor_peak, out, floor = fastest([sys.executable, "-c", FLOOR, str(data)], options.runs)
            triples = int(out.split()[-1])
            per_triple = floor / triples * 1e6
            floor_growth = per_triple / previous["floor"] if "floor" in previous else None
            growth = f"{floor_growth:>7.2f}" if floor_growth else ""
            previous["floor"] = per_triple
            print(f"{triples:>10,} {'floor (parse)':<14} {floor_wall:>8.2f} {floor:>8.2f} {floor_peak:>8.0f} {1:>6.1f} "
                  f"{per_triple:>10.2f} {growth}", flush=True)
            commands = {
                "load-store": [*cli(), "load", str(data), "--store", str(store), "--replace"],
                "validate-file": [*cli(), "validate", str(data)],
                "report-file": [*cli(), "report", "--format", "json", str(data)],
                "report-store": [*cli(), "report", "--format", "json", "--store", str(store)],
                "explain-store": [*cli(), "explain", "sy:req17", "--format", "json", "--store", str(store)],
            }
            if any(s.endswith("-store") for s in options.steps) and "load-store" not in options.steps:
                subprocess.run(commands["load-store"], check=True, stdout=subprocess.DEVNULL)
            for step in options.steps:
                wall, peak, _, seconds = fastest(commands[step], options.runs)
                per_triple = seconds / triples * 1e6
                growth = ""
                if step in previous:
                    raw = per_triple / previous[step]
                    growth = f"{raw:>7.2f} {raw / floor_growth:>7.2f}"
                previous[step] = per_triple
                print(f"{triples:>10,} {step:<14} {wall:>8.2f} {seconds:>8.2f} {peak:>8.0f} {seconds / floor:>6.1f} "
                      f"{per_triple:>10.2f} {growth}", flush=True)
            data.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())

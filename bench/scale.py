"""Peak memory and time of each step at 10M and 100M triples (not in CI), as ratios to a floor
measured in the same run.

    python bench/scale.py --size 10M  -o scale-10M.md      # 330,000 synthetic requests
    python bench/scale.py --size 100M -o scale-100M.md     # 3,300,000 requests
    python bench/scale.py --size 1M                        # 33,000 requests, a few minutes
    python bench/scale.py --size 1M --budget 0             # every step streams through a store on disk
    python bench/scale.py --size 1M --budget 0 --folder F --reuse --answers-only   # the kept answers alone

Each step is a real `cstograph` command in its own process; its CPU time (user + system) and
peak resident memory come from the kernel (os.wait4), its wall clock from this script. The
floor streams the same file through Oxigraph's parser and counts the triples, keeping nothing:
nothing reads the data faster or in less memory. Steps: `load --store` (which streams the file
into the store folder when it exceeds the memory budget), `report --store`, `explain --store`
of a known request and of an unknown name, `validate --store` (validates again, not from the
load-time record), `report FILE` (through a temporary store past the memory budget) and the
load's answer phase alone: every kept answer computed from the loaded store as the load computes
it (in batches when the budget makes the load stream), into a folder deleted after, in a process
that does nothing else (``--answers-only``: that step alone, on the store ``--folder`` holds). The
table is printed and written to ``-o``; the synthetic file and the store are kept in
``--folder`` when one is given (a second run then skips generating the file with ``--reuse``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"100k": 3300, "1M": 33000, "10M": 330000, "100M": 3300000}
FLOOR = """
import sys, pyoxigraph
count = sum(1 for _ in pyoxigraph.parse(path=sys.argv[1], format=pyoxigraph.RdfFormat.TURTLE))
assert count > 0
print(count)
"""
# The load's answer phase alone: the kept answers of an existing store, computed as a load of
# that store computes them (in batches when the budget makes the load stream).
ANSWERS = """
import shutil, sys, tempfile
from pathlib import Path
from cstograph.engines.engine import OxigraphEngine
from cstograph.engines.store import fits_in_memory, materialise_answers, open_store
from cstograph.rules.readings import reading_queries
store, info = open_store(Path(sys.argv[1]))
folder = Path(tempfile.mkdtemp())
try:
    streaming = not fits_in_memory([Path(f) for f in info.files])
    materialise_answers(store, folder, reading_queries(OxigraphEngine(store)), batched=streaming)
    print(sum(1 for _ in folder.iterdir()))
finally:
    shutil.rmtree(folder)
"""


def cli() -> list[str]:
    return [sys.executable, "-m", "cstograph"]


def measure(command: list[str], *, expect_failure: bool = False) -> dict:
    """Wall and CPU seconds and peak resident MB of one run of ``command``."""
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if (code != 0) != expect_failure:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command[2:])} exited {code}: "
                             + errors.read().decode(errors="replace").strip()[-400:])
        output.seek(0)
        text = output.read().decode(errors="replace")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "mb": usage.ru_maxrss / 1024, "stdout": text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="10M")
    parser.add_argument("--folder", type=Path, help="keep the synthetic file and the store here")
    parser.add_argument("--reuse", action="store_true", help="use the synthetic file already in --folder")
    parser.add_argument("--budget", help="CSTOGRAPH_MEMORY_BUDGET for the steps (0: every step streams through a "
                        "store on disk); unset: the default budget")
    parser.add_argument("--answers-only", action="store_true",
                        help="measure only the kept answers of the store --folder holds (after a run with --folder)")
    parser.add_argument("-o", "--output", type=Path, help="also write the table (Markdown) to this file")
    options = parser.parse_args(argv)
    if options.budget is not None:
        os.environ["CSTOGRAPH_MEMORY_BUDGET"] = options.budget  # the steps' processes inherit it
    requests = SIZES[options.size]
    folder = options.folder or Path(tempfile.mkdtemp(prefix="cstograph-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    data, store = folder / f"synth-{requests}.ttl", folder / f"store-{requests}"
    try:
        if not (options.reuse and data.is_file()):
            print(f"generating {requests:,} requests into {data} ...", file=sys.stderr, flush=True)
            subprocess.run([*cli(), "synth", "--requests", str(requests), "--seed", "3", "-o", str(data)],
                           check=True, stdout=subprocess.DEVNULL)
        steps = [
            ("load --store", [*cli(), "load", str(data), "--store", str(store), "--replace", "-q"], False),
            ("report --store", [*cli(), "report", "--format", "json", "--store", str(store)], False),
            ("explain --store (a request)", [*cli(), "explain", "sy:req17", "--format", "json", "--store", str(store)],
             False),
            ("explain --store (an unknown name)", [*cli(), "explain", "Reqest 17 Stat", "--store", str(store)], True),
            ("report FILE", [*cli(), "report", "--format", "json", str(data)], False),
            ("validate --store", [*cli(), "validate", "--store", str(store), "-q"], False),
            ("kept answers of the store (the load's answer phase alone)",
             [sys.executable, "-c", ANSWERS, str(store)], False),
        ]
        if options.answers_only:
            if not store.is_dir():
                raise SystemExit(f"{store}: no store; run once with --folder {folder} first")
            steps = steps[-1:]
        rows = []
        floors = []
        for name, command, fails in steps:
            floors.append(measure([sys.executable, "-c", FLOOR, str(data)]))
            print(f"{name} ...", file=sys.stderr, flush=True)
            rows.append((name, measure(command, expect_failure=fails)))
            m = rows[-1][1]  # each figure as soon as it is measured: a long run can be read while it goes
            print(f"  {m['wall']:.1f} s wall, {m['cpu']:.1f} s CPU, {m['mb']:,.0f} MB peak; "
                  f"floor before it {floors[-1]['cpu']:.1f} s CPU, {floors[-1]['mb']:,.0f} MB", file=sys.stderr, flush=True)
        floor = {key: min(f[key] for f in floors) for key in ("wall", "cpu", "mb")}
        triples = int(floors[0]["stdout"].strip())
        table = render(options.size, requests, triples, data.stat().st_size, floor, floors, rows, options.budget)
        print(table)
        if options.output:
            options.output.write_text(table, encoding="utf-8")
    finally:
        if options.folder is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def render(size: str, requests: int, triples: int, file_bytes: int, floor: dict, floors: list[dict], rows,
           budget: str | None) -> str:
    walls = [f["wall"] for f in floors]
    lines = [
        f"## {size}: {requests:,} synthetic requests, {triples:,} triples in the file, "
        f"{file_bytes / 1e6:,.0f} MB of Turtle, memory budget {budget if budget is not None else 'default'}",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
        f"{_memory_gb():.0f} GB, Python {platform.python_version()}; each step once in its own process. "
        f"Floor: the file streamed through Oxigraph's parser, nothing kept, run before each step "
        f"({min(walls):.1f}-{max(walls):.1f} s wall; the fastest counts).",
        "",
        "| step | wall s | CPU s | peak MB | time / floor (CPU) | peak memory / floor |",
        "|---|---|---|---|---|---|",
        f"| floor (parse, nothing kept) | {floor['wall']:.1f} | {floor['cpu']:.1f} | {floor['mb']:,.0f} | 1.0 | 1.0 |",
    ]
    for name, m in rows:
        lines.append(f"| {name} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['mb']:,.0f} | "
                     f"{m['cpu'] / floor['cpu']:.2f} | {m['mb'] / floor['mb']:.1f} |")
    return "\n".join(lines) + "\n"


def _memory_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    except (ValueError, OSError):
        return 0.0


if __name__ == "__main__":
    sys.exit(main())

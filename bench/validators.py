"""Validation alone, scan against the validation queries, on synthetic graphs in memory and in a store.

    python bench/validators.py                       # 330, 3,300 and 33,000 requests (10k, 100k, 1M triples)
    python bench/validators.py --sizes 3300 --runs 5

For each size: `cstograph synth --seed 3`, the file parsed into embedded Oxigraph (not timed),
then `validate("scan")` both ways (path by path, and focus node by focus node: ``shacl_scan``
chooses by size, here each is forced) and `validate("sparql")` on it, each the fastest of --runs in CPU seconds
(the data is loaded already: validation time only). At the largest size the same two run on an
on-disk store made by `cstograph load`. Both must report the same issues (the script stops if
not); the last column is how many times faster the scan is.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def fastest(run, runs: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.process_time()
        result = run()
        best = min(best, time.process_time() - started)
    return best, result


def measure(data, runs: int) -> tuple[float, float, float, int]:
    """(path-by-path scan s, focus-node scan s, sparql s, issues): the scan both ways (``by_path``
    chooses by the data's size; here each is forced in turn), the fastest of ``runs`` each."""
    from cstograph.rules import shacl_scan
    from cstograph.rules.validate_data import validate_data

    chosen = shacl_scan.by_path
    results = {}
    try:
        for way in (True, False):
            shacl_scan.by_path = lambda engine, way=way: way
            results[way] = fastest(lambda: validate_data(data, "scan", use_recorded=False), runs)
    finally:
        shacl_scan.by_path = chosen
    sparql_s, sparql = fastest(lambda: validate_data(data, "sparql", use_recorded=False), runs)
    if not results[True][1].issues == results[False][1].issues == sparql.issues:
        raise SystemExit("the scans and sparql disagree: a bug, see tests/test_shacl_scan.py")
    return results[True][0], results[False][0], sparql_s, len(sparql.issues)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[330, 3300, 33000], help="synthetic requests")
    parser.add_argument("--runs", type=int, default=3, help="runs per validator (the fastest counts)")
    options = parser.parse_args(argv)

    from cstograph.engines.data import open_data

    print("| data | triples | scan by path s | scan by focus node s | sparql s | issues | sparql / scan by path |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="cstograph-validators-") as folder:
        folder = Path(folder)
        for requests in options.sizes:
            path = folder / f"synth-{requests}.ttl"
            subprocess.run([sys.executable, "-m", "cstograph", "synth", "--requests", str(requests), "--seed", "3",
                            "-o", str(path)], check=True, capture_output=True)
            data = open_data([path])
            triples = len(data.engine.store)
            paths_s, focus_s, sparql_s, issues = measure(data, options.runs)
            print(f"| in memory | {triples:,} | {paths_s:.2f} | {focus_s:.2f} | {sparql_s:.2f} | {issues} | "
                  f"{sparql_s / paths_s:.1f}x |", flush=True)
            del data
        store = folder / "store"
        subprocess.run([sys.executable, "-m", "cstograph", "load", str(path), "--store", str(store), "--quiet"],
                       check=True, capture_output=True)
        data = open_data(store=store)
        paths_s, focus_s, sparql_s, issues = measure(data, options.runs)
        print(f"| on-disk store | {triples:,} | {paths_s:.2f} | {focus_s:.2f} | {sparql_s:.2f} | {issues} | "
              f"{sparql_s / paths_s:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

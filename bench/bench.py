"""Benchmark: load, unmet-obligations query, validation and the full report, per engine, with the
ratio to the plain rdflib + pyshacl pipeline measured in the same run.

    python bench/bench.py                      # 10k, 100k and 1M triples (about 30 min here)
    python bench/bench.py --sizes 10k 100k --cap 120

Every measurement runs in a fresh child process (so peak memory is that step's own, and a cold
run is really cold); a step that exceeds --cap seconds is stopped and shown as "> cap".
Prints a Markdown table; --json FILE also writes the raw figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"10k": 330, "100k": 3300, "1M": 33000}  # requests -> about 30 triples each
# store: the on-disk store as `report --store` uses it (the report's queries answered at load
# time); store-live: the same store with every query evaluated on disk.
PIPELINES = ("rdflib+pyshacl", "oxigraph", "store", "store-live")


# ---------------------------------------------------------------- child side


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(step: str, seconds: float, **extra) -> None:
    print(json.dumps({"step": step, "seconds": round(seconds, 4), "rss_mb": round(_rss_mb()), **extra}), flush=True)


def child(pipeline: str, step: str, path: Path, store_dir: Path) -> None:
    from cstograph.engines.queries import run_named
    from cstograph.rules.classify import classify_requests
    from cstograph.rules.validate_data import validate_data

    started = time.perf_counter()
    if pipeline == "rdflib+pyshacl":
        from cstograph.engines.engine import RdflibEngine
        from cstograph.reading.rdf_files import load_dataset

        dataset = load_dataset([path])
        engine = RdflibEngine(dataset)
        validate = lambda: __import__("cstograph.rules.validate", fromlist=["x"]).validate_dataset(dataset)  # noqa: E731
    elif pipeline == "oxigraph":
        from cstograph.engines.data import open_data

        data = open_data([path])
        engine = data.engine
        validate = lambda: validate_data(data, "sparql")  # noqa: E731
    else:
        from cstograph.engines.data import open_data

        if step == "load" and pipeline == "store-live":
            _emit("load", float("nan"))  # the same store as the 'store' row
            return
        if step == "load":
            from cstograph.rules.readings import create_store_with_readings as create_store
            from cstograph.rules.validate_data import validate_oxigraph_store

            shutil.rmtree(store_dir, ignore_errors=True)
            create_store(store_dir, [path], validate=validate_oxigraph_store)  # as `cstograph load` does
            _emit("load", time.perf_counter() - started)
            return
        data = open_data(store=store_dir)
        engine = data.engine
        if pipeline == "store-live":
            from cstograph.engines.engine import OxigraphEngine

            engine = OxigraphEngine(data.store)
        validate = lambda: validate_data(data, "sparql")  # noqa: E731
    loaded = time.perf_counter() - started
    if step == "load":
        _emit("load", loaded)
        return
    if step == "unmet":
        for label in ("cold", "warm"):
            t = time.perf_counter()
            rows = run_named(engine, "unmet-obligations").rows
            _emit(f"unmet-{label}", time.perf_counter() - t, rows=len(rows))
    elif step == "validate":
        t = time.perf_counter()
        report = validate()
        _emit("validate", time.perf_counter() - t, violations=len(report.violations))
    elif step == "report":
        for label in ("cold", "warm"):
            t = time.perf_counter()
            verdicts = classify_requests(engine)
            _emit(f"report-{label}", time.perf_counter() - t, requests=len(verdicts))


# ---------------------------------------------------------------- parent side


def run_child(args: list[str], cap: float) -> tuple[list[dict], bool]:
    """Run a child; its JSON lines, and whether it was stopped by the cap."""
    process = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    try:
        out, _ = process.communicate(timeout=cap)
        capped = False
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        capped = True
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return lines, capped


def run_cli(args: list[str], cap: float) -> dict:
    """Wall time and peak RSS of one `cstograph ...` process (as a user runs it)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "cstograph", *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = started + cap
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return {"seconds": round(time.perf_counter() - started, 3), "rss_mb": round(usage.ru_maxrss / 1024),
                    "exit": os.waitstatus_to_exitcode(status)}
        if time.perf_counter() > deadline:
            process.kill()
            process.wait()
            return {"seconds": None, "capped": cap}
        time.sleep(0.01)


def fmt(value, cap) -> str:
    if value is None:
        return f"> {cap:g}"
    if value != value:  # nan: not measured separately
        return "(same)"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def ratio(base, mine, cap) -> str:
    if mine in (None, 0) or mine != mine:
        return "-"
    if base is None:
        return f"> {cap / mine:.0f}x"
    return f"{base / mine:.0f}x" if base / mine >= 10 else f"{base / mine:.1f}x"


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pyoxigraph
    import pyshacl
    import rdflib

    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
            f"{platform.platform()}; rdflib {rdflib.__version__}, pyshacl {pyshacl.__version__}, "
            f"pyoxigraph {pyoxigraph.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--cap", type=float, default=300.0, help="seconds before a step is stopped")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--child", nargs=4, metavar=("PIPELINE", "STEP", "PATH", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        pipeline, step, path, store_dir = args.child
        child(pipeline, step, Path(path), Path(store_dir))
        return

    from cstograph.reading.synth import synthesize

    print(f"Machine: {machine()}", flush=True)
    results: dict = {}
    work = Path(tempfile.mkdtemp(prefix="cstograph-bench-"))
    try:
        for size in args.sizes:
            graph = synthesize(SIZES[size], seed=1)
            path = work / f"synth-{size}.ttl"
            path.write_text(graph.turtle, encoding="utf-8")
            store_dir = work / f"store-{size}"
            import pyoxigraph

            counter = pyoxigraph.Store()
            counter.load(path=str(path))
            triples = len(counter)
            del counter
            print(f"\n== {size}: {triples:,} triples, {SIZES[size]:,} requests, "
                  f"{path.stat().st_size / 2**20:.1f} MB Turtle", flush=True)
            figures: dict = {"triples": triples, "requests": SIZES[size], "pipelines": {}}
            for pipeline in PIPELINES:
                steps: dict = {}
                for step in ("load", "unmet", "validate", "report"):
                    lines, capped = run_child([ "--child", pipeline, step, str(path), str(store_dir)], args.cap)
                    for line in lines:
                        steps[line["step"]] = line
                    if capped:
                        steps.setdefault(step, {})["capped"] = True
                    print(f"   {pipeline:15} {step:9} " + ", ".join(
                        f"{line['step']} {line['seconds']} s {line['rss_mb']} MB" for line in lines) + (" (capped)" if capped else ""),
                        flush=True)
                figures["pipelines"][pipeline] = steps
            engine_opt = ["--engine", "rdflib"]
            figures["cli"] = {
                "rdflib+pyshacl": run_cli(["report", "--format", "json", *engine_opt, str(path)], args.cap),
                "oxigraph": run_cli(["report", "--format", "json", str(path)], args.cap),
                "store": run_cli(["report", "--format", "json", "--store", str(store_dir)], args.cap),
                "store-live": {"seconds": None, "not_run": True},
            }
            print(f"   cli report: {figures['cli']}", flush=True)
            results[size] = figures
            shutil.rmtree(store_dir, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(results, args.cap))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "cap": args.cap, "results": results}, indent=2))


def seconds(steps: dict, name: str):
    entry = steps.get(name) or {}
    return entry.get("seconds")


def table(results: dict, cap: float) -> str:
    rows = ["| size | engine | load s | unmet query s (cold / warm) | validate s | report s (cold / warm) | "
            "peak RSS MB | CLI report s (load+validate+classify) | ratios vs rdflib+pyshacl (load, unmet warm, validate, report warm, CLI) |",
            "|---|---|---|---|---|---|---|---|---|"]
    for size, figures in results.items():
        base = figures["pipelines"]["rdflib+pyshacl"]
        base_cli = figures["cli"]["rdflib+pyshacl"].get("seconds")
        for pipeline, steps in figures["pipelines"].items():
            rss = max((s.get("rss_mb", 0) for s in steps.values() if isinstance(s, dict)), default=0)
            cli = figures["cli"][pipeline].get("seconds")
            cli_text = "-" if figures["cli"][pipeline].get("not_run") else fmt(cli, cap)
            cells = [
                size, pipeline, fmt(seconds(steps, "load"), cap),
                f"{fmt(seconds(steps, 'unmet-cold'), cap)} / {fmt(seconds(steps, 'unmet-warm'), cap)}",
                fmt(seconds(steps, "validate"), cap),
                f"{fmt(seconds(steps, 'report-cold'), cap)} / {fmt(seconds(steps, 'report-warm'), cap)}",
                str(rss), cli_text,
            ]
            if pipeline == "rdflib+pyshacl":
                cells.append("1x (baseline)")
            else:
                cells.append(", ".join(ratio(seconds(base, k), seconds(steps, k), cap)
                                       for k in ("load", "unmet-warm", "validate", "report-warm"))
                             + ", " + (ratio(base_cli, cli, cap) if cli_text != "-" else "-"))
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()

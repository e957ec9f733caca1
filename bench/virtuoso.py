"""The same graph on embedded Oxigraph (a store folder) and on a Virtuoso server, step by step, in
one run (not in CI): load, report, validate and explain timed on both, and their answers compared.

    python bench/virtuoso.py --size 1M -o virtuoso-1M.md
    python bench/virtuoso.py --size 10M --folder big --reuse     # the synthetic file of bench/scale.py

A private Virtuoso (Debian's virtuoso-opensource: `virtuoso-t`, `isql-vt`) is started on
127.0.0.1 with its own database folder and the settings in ``INI`` (buffers from ``--buffers``),
and stopped at the end. Steps, each a real `cstograph` command in its own process:

- `load --store` (embedded) beside `load --endpoint URL --graph G` (SPARQL Update, validated
  locally first) and Virtuoso's own bulk loader (`ld_dir`, `rdf_loader_run()`, `checkpoint`)
  into a second graph, whose triples are counted against the first;
- `report --format json`, `validate --format json`, `explain REQUEST --format json`, each with
  `--store` and with `--endpoint URL?default-graph-uri=G`.

For each step: wall clock, the command's CPU time and peak memory (os.wait4), and for steps on
the server the server's CPU time in that step and its peak memory so far (/proc). The answers are
compared: the report's requests and statuses, validate's results, explain's request and status.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import SIZES, _memory_gb, cli, measure  # noqa: E402

VAD = "/usr/share/virtuoso-opensource-7/vad"
GRAPH = "urn:cstograph:bench"
BULK_GRAPH = "urn:cstograph:bench-bulk"
# NumberOfBuffers: 8 KB pages Virtuoso keeps in memory (its own guide: about 85,000 per GB
# given to it); MaxDirtyBuffers three quarters of them.
INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}, {data}, {vad}
VADInstallDir = {vad}/
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 2G
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 7200
MaxQueryCostEstimationTime = 0
MaxSortedTopRows = 10000000
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Virtuoso:
    """A private Virtuoso in ``folder``: started on free ports of 127.0.0.1, stopped by ``stop``."""

    def __init__(self, folder: Path, data_folder: Path, buffers: int) -> None:
        self.folder, self.sql, self.http = folder, free_port(), free_port()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "virtuoso.ini").write_text(INI.format(
            d=folder, data=data_folder, vad=VAD, sql=self.sql, http=self.http, buffers=buffers,
            dirty=buffers * 3 // 4))
        self.process = subprocess.Popen(["virtuoso-t", "+configfile", str(folder / "virtuoso.ini"), "+foreground"],
                                        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.http}/sparql"
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"virtuoso-t exited with {self.process.returncode}: see {folder}/virtuoso.log")
            try:
                with urllib.request.urlopen(self.url + "?query=ASK%7B%7D", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("Virtuoso did not answer within 120 s") from None
                time.sleep(0.5)
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL";')

    def isql(self, statements: str) -> str:
        done = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql}", "dba", "dba", f"exec={statements}"],
                              capture_output=True, text=True, timeout=24 * 3600)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise SystemExit(f"isql: {statements}: {(done.stderr or done.stdout).strip()[-400:]}")
        return done.stdout

    def cpu(self) -> float:
        """CPU seconds the server used so far (user + system)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def count(self, graph: str) -> int:
        query = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}",
                                        "format": "application/sparql-results+json"})
        with urllib.request.urlopen(f"{self.url}?{query}", timeout=3600) as answer:
            return int(json.load(answer)["results"]["bindings"][0]["n"]["value"])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


def on_server(server: Virtuoso, run) -> dict:
    """``run()``'s figures plus the server's CPU time during it and its peak memory after it."""
    before = server.cpu()
    figures = run()
    figures["server_cpu"] = server.cpu() - before
    figures["server_mb"] = server.peak_mb()
    return figures


def bulk_load(server: Virtuoso, data: Path, ontology: Path) -> dict:
    """Virtuoso's bulk loader: the file and the ontology into BULK_GRAPH, then a checkpoint."""
    started = time.perf_counter()
    server.isql(f"ld_dir('{data.parent}', '{data.name}', '{BULK_GRAPH}'); "
                f"ld_dir('{ontology.parent}', '{ontology.name}', '{BULK_GRAPH}'); "
                "rdf_loader_run(); checkpoint;")
    return {"wall": time.perf_counter() - started, "cpu": 0.0, "mb": 0.0, "stdout": ""}


def statuses(report: str) -> set[tuple[str, str]]:
    return {(verdict["request"], verdict["status"]) for verdict in json.loads(report)}


def results(validation: str) -> tuple:
    found = json.loads(validation)
    return found["conforms"], sorted(json.dumps(result, sort_keys=True) for result in found["results"])


def explained(explanation: str) -> tuple:
    found = json.loads(explanation)
    verdict = found.get("verdict", found)
    return verdict.get("request"), verdict.get("status")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="1M")
    parser.add_argument("--folder", type=Path, help="keep the synthetic file, the store and the database here")
    parser.add_argument("--reuse", action="store_true", help="use the synthetic file already in --folder")
    parser.add_argument("--buffers", type=int, default=170_000,
                        help="Virtuoso's NumberOfBuffers (8 KB each; 170,000: about 1.4 GB)")
    parser.add_argument("-o", "--output", type=Path, help="also write the table (Markdown) to this file")
    options = parser.parse_args(argv)
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        raise SystemExit("Virtuoso is not installed (Debian package virtuoso-opensource)")
    os.environ["CSTOGRAPH_ENDPOINT_TIMEOUT"] = "7200"  # the steps' processes inherit it: big graphs, busy server
    requests = SIZES[options.size]
    folder = (options.folder or Path(tempfile.mkdtemp(prefix="cstograph-virtuoso-"))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    data, store = folder / f"synth-{requests}.ttl", folder / f"store-{requests}"
    from cstograph.reading.resources import ontology_path

    ontology = folder / "cstograph-ontology.ttl"  # beside the data: a folder Virtuoso may read
    shutil.copyfile(ontology_path(), ontology)
    server = None
    try:
        if not (options.reuse and data.is_file()):
            print(f"generating {requests:,} requests into {data} ...", file=sys.stderr, flush=True)
            subprocess.run([*cli(), "synth", "--requests", str(requests), "--seed", "3", "-o", str(data)],
                           check=True, stdout=subprocess.DEVNULL)
        database = folder / f"virtuoso-{requests}"
        shutil.rmtree(database, ignore_errors=True)
        server = Virtuoso(database, folder, options.buffers)
        endpoint = f"{server.url}?default-graph-uri={urllib.parse.quote(GRAPH, safe='')}"
        rows = []

        def step(name: str, engine: str, run) -> dict:
            print(f"{name} ({engine}) ...", file=sys.stderr, flush=True)
            figures = run()
            rows.append((name, engine, figures))
            print(f"  {figures['wall']:.1f} s wall, {figures['cpu']:.1f} s CPU, {figures['mb']:,.0f} MB"
                  + (f"; server {figures['server_cpu']:.1f} s CPU, {figures['server_mb']:,.0f} MB peak"
                     if "server_cpu" in figures else ""), file=sys.stderr, flush=True)
            return figures

        step("load", "embedded", lambda: measure([*cli(), "load", str(data), "--store", str(store), "--replace", "-q"]))
        step("load --endpoint (SPARQL Update)", "Virtuoso", lambda: on_server(server, lambda: measure(
            [*cli(), "load", str(data), "--endpoint", server.url, "--graph", GRAPH, "-q"])))
        step("bulk loader (ld_dir, rdf_loader_run)", "Virtuoso", lambda: on_server(server, lambda: bulk_load(
            server, data, ontology)))
        loaded, bulk = server.count(GRAPH), server.count(BULK_GRAPH)
        same = {"load": loaded == bulk}
        commands = {
            "report": (["report", "--format", "json"], statuses),
            "validate": (["validate", "--format", "json"], results),
            "explain": (["explain", "http://example.org/synth/req17", "--format", "json"], explained),
        }
        for name, (arguments, answer) in commands.items():
            on_store = [*cli(), *arguments, "--store", str(store)]
            on_endpoint = [*cli(), *arguments, "--endpoint", endpoint]
            embedded = step(name, "embedded", lambda command=on_store: measure(command))
            remote = step(name, "Virtuoso", lambda command=on_endpoint: on_server(server, lambda: measure(command)))
            same[name] = answer(embedded["stdout"]) == answer(remote["stdout"])
        triples = int(json.loads((store / "cstograph-store.json").read_text())["triples"])
        table = render(options.size, requests, triples, loaded, bulk, data.stat().st_size, options.buffers, rows, same)
        print(table)
        if options.output:
            options.output.write_text(table, encoding="utf-8")
    finally:
        if server is not None:
            server.stop()
        if options.folder is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if all(same.values()) else 1


def render(size, requests, triples, loaded, bulk, file_bytes, buffers, rows, same) -> str:
    lines = [
        f"## {size} on embedded Oxigraph and on Virtuoso: {requests:,} synthetic requests, "
        f"{file_bytes / 1e6:,.0f} MB of Turtle",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, {_memory_gb():.0f} GB, "
        f"Python {platform.python_version()}; Virtuoso with NumberOfBuffers = {buffers:,}. Store: {triples:,} "
        f"triples; Virtuoso: {loaded:,} in the graph of load --endpoint, {bulk:,} in the bulk loader's. "
        "Each step once, in its own process; CPU and peak MB of the cstograph command (os.wait4), server CPU "
        "in the step and server peak MB so far (/proc).",
        "",
        "| step | engine | wall s | CPU s | peak MB | server CPU s | server peak MB | same answers |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, engine, m in rows:
        key = name.split()[0] if name.split()[0] in same else "load"
        lines.append(f"| {name} | {engine} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['mb']:,.0f} | "
                     f"{m.get('server_cpu', 0):.1f} | {m.get('server_mb', 0):,.0f} | "
                     f"{'yes' if same.get(key) else 'no'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

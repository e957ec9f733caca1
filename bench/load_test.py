"""A bounded load test of `cstograph serve`: heavy and light queries mixed, on 127.0.0.1 only.

Usage: python bench/load_test.py [--duration 25] [--light-clients 3] [--heavy-clients 2]
                                 [--workers 4] [--light-workers 1] [--timeout 3] [DATA...]

Starts `cstograph serve` on a free loopback port (the bundled graphs when no DATA), then for
--duration seconds runs client threads: heavy ones send a cross-product query that would run
for minutes (each gets 503 at --timeout and its worker process is replaced), light ones send a
small lookup and time it. Before the mixed phase the light clients run alone for a fifth of the
duration: that is the baseline the mixed latencies are divided by.

Prints throughput, p50/p99 latency of light queries and the status counts; exits 1 when a
light query got anything but 200 (an error), 0 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = ("SELECT ?s ?label WHERE { ?s a <https://w3id.org/cstograph/ns#State> ; "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s LIMIT 20")


@contextlib.contextmanager
def serve(data: list[str], workers: int, timeout: float, light_workers: int = 1):
    process = subprocess.Popen(
        [sys.executable, "-m", "cstograph", "serve", *data, "--host", "127.0.0.1", "--port", "0", "--quiet",
         "--workers", str(workers), "--timeout", str(timeout), "--light-workers", str(light_workers)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("Serving"):
            raise SystemExit(f"serve did not start: {line}{process.stderr.read()}")
        yield line.split(" at ", 1)[1].split()[0]
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ask(url: str, query: str, timeout: float) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{url}?query={urllib.parse.quote(query)}", timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0  # no answer at all (refused, reset, client timeout)
    return status, time.monotonic() - started


def run_phase(url: str, seconds: float, light_clients: int, heavy_clients: int, client_timeout: float) -> dict:
    stop_at = time.monotonic() + seconds
    light: list[tuple[int, float]] = []
    heavy: list[tuple[int, float]] = []
    lock = threading.Lock()

    def client(query: str, into: list) -> None:
        while time.monotonic() < stop_at:
            answer = ask(url, query, client_timeout)
            with lock:
                into.append(answer)

    threads = [threading.Thread(target=client, args=(LIGHT, light)) for _ in range(light_clients)]
    threads += [threading.Thread(target=client, args=(HEAVY, heavy)) for _ in range(heavy_clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"elapsed": time.monotonic() - started, "light": light, "heavy": heavy}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def statuses(answers: list[tuple[int, float]]) -> str:
    counts: dict[int, int] = {}
    for status, _ in answers:
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="*")
    parser.add_argument("--duration", type=float, default=25.0)
    parser.add_argument("--light-clients", type=int, default=3)
    parser.add_argument("--heavy-clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--light-workers", type=int, default=1)
    args = parser.parse_args()

    with serve(args.data, args.workers, args.timeout, args.light_workers) as url:
        client_timeout = args.timeout + 10
        alone = run_phase(url, args.duration / 5, args.light_clients, 0, client_timeout)
        mixed = run_phase(url, args.duration, args.light_clients, args.heavy_clients, client_timeout)

    alone_ok = [t for s, t in alone["light"] if s == 200]
    mixed_ok = [t for s, t in mixed["light"] if s == 200]
    light_errors = sum(1 for s, _ in mixed["light"] + alone["light"] if s != 200)
    print(f"serve under load: {args.workers} workers + {args.light_workers} light, --timeout {args.timeout:g} s, "
          f"{args.light_clients} light + {args.heavy_clients} heavy clients, {mixed['elapsed']:.1f} s mixed")
    print(f"light alone : {len(alone_ok) / alone['elapsed']:.0f} queries/s, "
          f"p50 {1000 * statistics.median(alone_ok):.0f} ms, p99 {1000 * percentile(alone_ok, 0.99):.0f} ms")
    print(f"light mixed : {len(mixed_ok) / mixed['elapsed']:.0f} queries/s, "
          f"p50 {1000 * statistics.median(mixed_ok):.0f} ms, p99 {1000 * percentile(mixed_ok, 0.99):.0f} ms "
          f"(p50 {statistics.median(mixed_ok) / statistics.median(alone_ok):.1f}x alone)")
    print(f"heavy       : {len(mixed['heavy'])} sent, statuses {statuses(mixed['heavy'])} "
          f"(503 at the timeout is the expected answer)")
    print(f"light statuses: {statuses(alone['light'] + mixed['light'])}; light errors: {light_errors}")
    return 1 if light_errors else 0


if __name__ == "__main__":
    sys.exit(main())

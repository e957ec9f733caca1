"""Worker processes that evaluate ``serve``'s queries, so a query past its time can be stopped.

pyoxigraph cannot cancel a running query, and a thread cannot be killed: a query that ran past
the timeout used to hold its worker until it finished on its own. Each worker here is a process
that opens the store folder read-only once and then answers one query at a time (guard, parse,
evaluate, serialise: all inside the worker, so all bounded by the timeout). The pool kills a
worker whose query is late and starts a fresh one in its place.

Workers are started by multiprocessing's fork server: a fresh single-threaded process that
forks each worker, so a replacement can be made safely while the HTTP server's threads run.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import pyoxigraph as ox

from cstograph.engines.engine import _query_kind
from cstograph.engines.guard import check_query_is_safe
from cstograph.engines.sparql_results import (
    GRAPH_TYPES,
    SELECT_TYPES,
    QueryRefused,
    negotiate,
    serialize_ask,
    serialize_graph,
    serialize_select,
)
from cstograph.errors import CstographError, UnsafeQueryError


@dataclass(frozen=True)
class Answer:
    """What a worker sends back: 200 with a body, or an error status with a one-line message."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    truncated: bool = False
    count: str = "queries"  # which counter the query adds to: queries, refused or errors


@dataclass(frozen=True)
class Request:
    text: str
    accept: str | None
    requested: str | None
    path: str


def _answer(store, views: dict, limit: int, allow_network: bool, request: Request) -> Answer:
    """Guard, evaluate and serialise one query (runs inside a worker)."""
    def refused(status: HTTPStatus, message: str, count: str) -> Answer:
        return Answer(int(status), (message + "\n").encode("utf-8"), count=count)

    try:
        text = check_query_is_safe(request.text, allow_network=allow_network, source="query")
    except UnsafeQueryError as exc:
        return refused(HTTPStatus.FORBIDDEN, exc.message, "refused")
    except CstographError as exc:
        return refused(HTTPStatus.BAD_REQUEST, exc.message, "errors")
    kind = _query_kind(text)
    try:
        fmt = negotiate(kind, request.accept, request.requested)
    except QueryRefused as exc:
        return refused(exc.status, exc.message, "errors")
    content_type = (SELECT_TYPES if kind in ("select", "ask") else GRAPH_TYPES)[fmt] + "; charset=utf-8"
    try:
        result = store.query(text, **views[request.path])
        if kind == "ask":
            return Answer(200, serialize_ask(bool(result), fmt), content_type)
        if kind == "select":
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if len(rows) == limit:
                    return Answer(200, serialize_select(variables, rows, fmt), content_type, truncated=True)
                rows.append([solution[v] for v in variables])
            return Answer(200, serialize_select(variables, rows, fmt), content_type)
        triples = []
        for triple in result:
            if len(triples) == limit:
                return Answer(200, serialize_graph(triples, fmt), content_type, truncated=True)
            triples.append(triple)
        return Answer(200, serialize_graph(triples, fmt), content_type)
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:  # RuntimeError: an unreadable SERVICE answer
        return refused(HTTPStatus.BAD_REQUEST, " ".join(str(exc).split()), "errors")


def worker_main(connection, store_path: str, views: dict, limit: int, allow_network: bool,
                memory: int | None = None) -> None:
    """A worker's life: open the store, say 'ready', then answer requests until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server stops its workers
    if not allow_network:  # nothing remote was asked: a worker that cannot reach any address
        from cstograph.engines.sandbox import cut_network

        cut_network()
    from cstograph.engines.sandbox import limit_memory

    limit_memory(memory)  # past it, an allocation fails: MemoryError (answered 503) or the worker dies

    store = ox.Store.read_only(store_path)
    _answer(store, views, 1, allow_network, Request("ASK { ?s ?p ?o }", None, None, next(iter(views))))
    connection.send("ready")  # warmed up: a light worker's first query pays no first-use costs
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer = _answer(store, views, limit, allow_network, request)
        except MemoryError:
            answer = Answer(503, _out_of_memory(memory), count="errors")
        except Exception as exc:  # noqa: BLE001 - a bug answers 500 rather than killing the worker silently
            answer = Answer(500, f"internal error: {type(exc).__name__}: {exc}\n".encode(), count="errors")
        connection.send(answer)


def _out_of_memory(memory: int | None) -> bytes:
    from cstograph.engines.sandbox import describe

    return (f"the query needed more memory than a worker's bound ({describe(memory)}); "
            "its worker was replaced\n").encode()


class _Worker:
    def __init__(self, context, store_path: str, views: dict, limit: int, allow_network: bool,
                 memory: int | None = None) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker_main,
                                       args=(child, store_path, views, limit, allow_network, memory),
                                       name="cstograph-query", daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float) -> bool:
        try:
            return self.connection.poll(seconds) and self.connection.recv() == "ready"
        except (EOFError, OSError):
            return False

    def stop(self) -> None:
        """Kill the process and reap it (no zombie is left)."""
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerPool:
    """``size`` worker processes over the store folder at ``store_path``, and ``light`` more that
    only answer quick queries; ``ask`` runs one query within ``timeout`` seconds (waiting for a
    worker counts), or answers 503.

    The light lane keeps light queries fast beside heavy ones. A query goes to an idle general
    worker when there is one. When every general worker is busy it goes to an idle light worker,
    where it may run ``light_seconds``: past that, the light worker is killed and replaced, and
    the query, now known to be heavy, waits for a general worker with the rest of its time. So
    however many heavy queries arrive, each holds a light worker for ``light_seconds`` at most,
    and a trivial query waits for that, not for the timeout."""

    def __init__(self, store_path: Path, views: dict, *, size: int, limit: int, allow_network: bool,
                 start_seconds: float = 60.0, memory: int | None = None, light: int = 1,
                 light_seconds: float = 1.0) -> None:
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["cstograph.engines.query_workers",
                                             "rdflib.plugins.sparql.parser"])
        self._args = (str(store_path), views, limit, allow_network, memory)
        self._memory = memory
        self._light_seconds = light_seconds
        self._ready = threading.Condition()
        self._idle: dict[str, list[_Worker]] = {"general": [], "light": []}
        self._closed = False
        self._start_seconds = start_seconds
        lanes = ["general"] * size + ["light"] * light
        workers = [_Worker(self._context, *self._args) for _ in lanes]
        for worker, lane in zip(workers, lanes):
            if not worker.wait_ready(start_seconds):
                for other in workers:
                    other.stop()
                raise RuntimeError(f"a query worker did not open the store {store_path} within {start_seconds:g} s")
            self._idle[lane].append(worker)

    def pids(self) -> list[int]:
        with self._ready:
            return [w.process.pid for lane in self._idle.values() for w in lane]

    def ask(self, request: Request, timeout: float) -> Answer:
        """The worker's answer, or 503 when no worker became free or the query ran out of time
        (then its worker is killed and a fresh one started in its place)."""
        deadline = time.monotonic() + timeout
        light_allowed = True
        while True:
            taken = self._take(deadline, light_allowed)
            if taken is None:
                if not light_allowed:  # it ran in the light lane: it is late, not turned away
                    return Answer(503, f"the query did not finish within {timeout:g} s\n".encode(), count="timeouts")
                return Answer(503, b"every worker is busy; try again later\n", count="refused")
            worker, lane = taken
            budget = max(deadline - time.monotonic(), 0)
            if lane == "light":
                budget = min(budget, self._light_seconds)
            try:
                worker.connection.send(request)
                if worker.connection.poll(budget):
                    answer = worker.connection.recv()
                    if answer.body == _out_of_memory(self._memory):
                        self._replace(worker, lane)  # its heap may be left fragmented: start afresh
                    else:
                        self._put(worker, lane)
                    return answer
            except (EOFError, OSError):  # the worker died: Oxigraph aborts when an allocation fails
                self._replace(worker, lane)
                return Answer(503, _out_of_memory(self._memory), count="errors")
            self._replace(worker, lane)
            if lane == "general" or time.monotonic() >= deadline:
                return Answer(503, f"the query did not finish within {timeout:g} s\n".encode(), count="timeouts")
            light_allowed = False  # heavy: the rest of its time on a general worker

    def _take(self, deadline: float, light_allowed: bool) -> tuple[_Worker, str] | None:
        """An idle worker and its lane (a general one first), waiting until ``deadline``."""
        with self._ready:
            while True:
                if self._idle["general"]:
                    return self._idle["general"].pop(), "general"
                if light_allowed and self._idle["light"]:
                    return self._idle["light"].pop(), "light"
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    return None
                self._ready.wait(remaining)

    def _put(self, worker: _Worker, lane: str) -> None:
        with self._ready:
            if self._closed:
                worker.stop()
                return
            self._idle[lane].append(worker)
            self._ready.notify_all()

    def _replace(self, worker: _Worker, lane: str) -> None:
        worker.stop()
        threading.Thread(target=self._start_one, args=(lane,), name="start-query-worker", daemon=True).start()

    def _start_one(self, lane: str) -> None:
        while not self._closed:
            worker = _Worker(self._context, *self._args)
            if worker.wait_ready(self._start_seconds):
                self._put(worker, lane)
                return
            worker.stop()
            time.sleep(1.0)

    def close(self) -> None:
        with self._ready:
            self._closed = True
            idle = [w for lane in self._idle.values() for w in lane]
            for lane in self._idle.values():
                lane.clear()
            self._ready.notify_all()
        for worker in idle:
            worker.stop()

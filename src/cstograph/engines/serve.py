"""A read-only SPARQL 1.1 Protocol endpoint over embedded Oxigraph.

GET and POST (form-encoded or ``application/sparql-query``) at ``/sparql`` (and ``/``, ``/query``):
the default graph is the undisputed data (every graph but the accounts; every named graph stays
reachable with GRAPH). Each account's view (the undisputed data plus that account) has its own
endpoint, ``/accounts/NAME/sparql``, NAME being the last segment of the account's IRI;
``GET /accounts`` lists them as JSON.
SELECT and ASK answer as SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT and DESCRIBE as
Turtle (default) or N-Triples, chosen by the Accept header or a ``format`` parameter.

Every query passes ``guard.check_query_is_safe`` before the engine sees it: updates and LOAD
are refused (403), and so are SERVICE, FROM and FROM NAMED unless the server was started with
``allow_network`` (pyoxigraph would otherwise fetch SERVICE endpoints with its own HTTP client).

Queries run on a pool of ``workers`` worker processes (``query_workers``), each with the store
folder open read-only. A query that has not got an answer ``timeout`` seconds after it arrived
(waiting for a free worker, parsing and evaluating all count) gets 503, and its worker is killed
and replaced: no query, however heavy or long, holds the server past the timeout. Beside them,
``light_workers`` more run a query only while every other worker is busy, and for
``light_seconds`` at most (then the query, heavy, waits for a general worker): a trivial query
is answered quickly even when as many heavy queries as workers hold the rest.
At most ``limit`` rows (or triples) are returned; a cut answer carries the header
``X-Cstograph-Truncated: true``.
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cstograph.engines.query_workers import Request, WorkerPool
from cstograph.engines.sandbox import DEFAULT_MEMORY
from cstograph.engines.sparql_results import QueryRefused

MAX_BODY = 1_000_000


@dataclass(frozen=True)
class ServeSettings:
    timeout: float = 30.0
    limit: int = 10_000
    allow_network: bool = False
    workers: int = 4
    idle_timeout: float = 30.0  # seconds a connection may stay silent (a half-sent request holds a thread)
    memory: int | None = DEFAULT_MEMORY  # address space of each worker; None: no bound
    request_deadline: float = 10.0  # seconds to send a request's line, headers and body, however slowly
    max_connections: int = 64  # open connections at once; more get 503 and are closed
    light_workers: int = 1  # workers kept for quick queries while the others are busy (query_workers)
    light_seconds: float = 1.0  # how long a query may run on a light worker


# ---------------------------------------------------------------- the server


class SparqlService:
    """Answer queries on a pool of worker processes (see query_workers); shared by the HTTP
    handler threads."""

    def __init__(self, store_path: Path, settings: ServeSettings, views: dict[str, dict] | None = None,
                 accounts: dict[str, object] | None = None) -> None:
        """``store_path``: a pyoxigraph store folder the workers open read-only; ``views``:
        endpoint path -> pyoxigraph query options (the dataset each path shows); ``accounts``:
        endpoint path -> the account it adds to the undisputed data."""
        self.settings = settings
        self.views = views if views is not None else {"/sparql": {"use_default_graph_as_union": True}}
        self.accounts = accounts or {}
        self.pool = WorkerPool(store_path, self.views, size=settings.workers, limit=settings.limit,
                               allow_network=settings.allow_network, memory=settings.memory,
                               light=settings.light_workers, light_seconds=settings.light_seconds)
        self.counts = {"queries": 0, "refused": 0, "timeouts": 0, "errors": 0}
        self._lock = threading.Lock()

    def listing(self) -> dict[str, dict | None]:
        """Each endpoint path with the account it adds (None: the undisputed data)."""
        listing: dict[str, dict | None] = {}
        for path in self.views:
            account = self.accounts.get(path)
            listing[path] = None if account is None else {"account": account.iri, "label": account.label,
                                                          "accountOf": account.of}
        return listing

    def _count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def answer(self, text: str, accept: str | None, requested: str | None,
               path: str = "/sparql") -> tuple[bytes, str, bool]:
        """(body, content type, truncated) or raise QueryRefused; ``path`` picks the view.

        Waiting for a free worker, parsing and evaluating all count against the timeout."""
        answer = self.pool.ask(Request(text, accept, requested, path), self.settings.timeout)
        if answer.status != HTTPStatus.OK:
            self._count(answer.count)
            raise QueryRefused(HTTPStatus(answer.status), answer.body.decode("utf-8").strip())
        self._count("queries")
        return answer.body, answer.content_type, answer.truncated

    def close(self) -> None:
        self.pool.close()


def _handler(service: SparqlService, quiet: bool):
    class Handler(BaseHTTPRequestHandler):
        server_version = "cstograph"
        protocol_version = "HTTP/1.1"
        timeout = service.settings.idle_timeout  # the socket's timeout: idle clients are dropped

        def _foreign(self) -> str | None:
            """Why the request comes from elsewhere than this machine's own clients, or None.

            A server on a loopback address answers only requests that name a loopback host: a
            page whose DNS name was re-pointed to 127.0.0.1 (DNS rebinding) sends its own name
            as Host, and a page on another site sends its Origin."""
            hosts = self.headers.get_all("Host") or []
            origins = self.headers.get_all("Origin") or []
            if len(hosts) > 1 or len(origins) > 1:
                return "a request with two Host or two Origin headers is refused"
            if not _is_loopback(self.server.server_address[0]):
                return None
            host = hosts[0].strip() if hosts else ""
            if host and not _is_loopback(_host_name(host) or ""):
                return f"Host {host!r} is not this server"
            origin = origins[0].strip() if origins else ""
            if origin == "null":  # a page opened from file:// or a sandboxed frame: any page could be
                return "requests from an opaque origin (Origin: null) are refused"
            match = _ORIGIN.fullmatch(origin)
            if origin and not (match and _is_loopback(_host_name(match.group(1)) or "")):
                return f"requests from {origin!r} are refused"
            return None

        def handle_one_request(self) -> None:
            """Each request must arrive whole (line, headers, body) within the deadline: a client
            feeding one byte every few seconds would otherwise hold a thread for ever (the idle
            timeout counts per read). Past it the connection is shut."""
            timer = threading.Timer(service.settings.request_deadline, self._expire)
            timer.daemon = True
            self._timer = timer
            timer.start()
            try:
                super().handle_one_request()
            finally:
                timer.cancel()

        def _expire(self) -> None:
            import socket

            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def _received(self) -> None:
            """The whole request is in: evaluating it is bounded by --timeout, not the deadline."""
            timer = getattr(self, "_timer", None)
            if timer is not None:
                timer.cancel()

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's name)
            if not quiet:
                super().log_message(format, *args)

        def _send(self, status: HTTPStatus, body: bytes, content_type: str, extra: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: HTTPStatus, message: str) -> None:
            self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

        def _run(self, params: dict[str, list[str]], body_query: str | None) -> None:
            self._received()
            path = _view_path(self.path)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
            if "default-graph-uri" in params or "named-graph-uri" in params:
                return self._error(HTTPStatus.BAD_REQUEST, "default-graph-uri and named-graph-uri are not supported")
            queries = params.get("query", []) + ([body_query] if body_query is not None else [])
            if len(queries) != 1:
                return self._error(HTTPStatus.BAD_REQUEST, "send exactly one 'query'")
            try:
                body, content_type, truncated = service.answer(
                    queries[0], self.headers.get("Accept"), (params.get("format") or [None])[0], path
                )
            except QueryRefused as exc:
                return self._error(exc.status, exc.message)
            extra = {"X-Cstograph-Truncated": "true"} if truncated else None
            self._send(HTTPStatus.OK, body, content_type, extra)

        def _path_ok(self) -> bool:
            why = self._foreign()
            if why:
                self.close_connection = True  # an unread body must not be taken for the next request
                self._error(HTTPStatus.FORBIDDEN, why + " (this endpoint answers this machine only)")
                return False
            if _view_path(self.path) not in service.views:
                listing = ", ".join(sorted(service.views))
                self._error(HTTPStatus.NOT_FOUND, f"no such endpoint; the SPARQL endpoints are {listing}")
                return False
            return True

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if urllib.parse.urlsplit(self.path).path.rstrip("/") == "/accounts" and not self._foreign():
                listing = json.dumps(service.listing(), indent=2, sort_keys=True) + "\n"
                return self._send(HTTPStatus.OK, listing.encode("utf-8"),
                                  "application/json")
            if not self._path_ok():
                return
            params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query, keep_blank_values=True)
            if not params:
                return self._error(HTTPStatus.BAD_REQUEST, "send a SPARQL query as ?query=...")
            self._run(params, None)

        do_HEAD = do_GET

        def do_POST(self) -> None:  # noqa: N802
            if not self._path_ok():
                return
            lengths = self.headers.get_all("Content-Length") or ["0"]
            raw_length = lengths[0].strip() if len(lengths) == 1 else "two"
            if not raw_length.isascii():  # '²' and '٣' are digits to str.isdigit, not to int()
                raw_length = "not a number"
            if not raw_length.isdigit() or int(raw_length) > MAX_BODY:
                self.close_connection = True  # the unread body must not be taken for the next request
            if not raw_length.isdigit():  # negative, or not a number: rfile.read would wait forever
                return self._error(HTTPStatus.BAD_REQUEST, "Content-Length must be a non-negative integer")
            length = int(raw_length)
            if length > MAX_BODY:
                return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request body exceeds {MAX_BODY} bytes")
            raw = self.rfile.read(length).decode("utf-8", "replace")
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query, keep_blank_values=True)
            if content_type == "application/sparql-update":
                return self._error(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
            if content_type == "application/sparql-query":
                return self._run(params, raw)
            if content_type == "application/x-www-form-urlencoded":
                for key, values in urllib.parse.parse_qs(raw, keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
                return self._run(params, None)
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                        "POST application/sparql-query or application/x-www-form-urlencoded")

        def _refuse_method(self) -> None:
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only endpoint: GET or POST a query")

        do_PUT = do_DELETE = do_PATCH = _refuse_method

    return Handler


_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?")
_ORIGIN = re.compile(r"https?://([^/?#]+)/?")


def _host_name(value: str) -> str | None:
    """The host of a Host header value ('name', 'name:port', '[::1]:port'), or None when the
    value is anything else (user info, a backslash, a path, two names)."""
    match = _HOST.fullmatch(value.strip())
    return match.group(1) if match else None


def _is_loopback(host: str) -> bool:
    import ipaddress

    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _view_path(raw: str) -> str:
    """The endpoint path of a request: '/', '/query' and '/sparql' are the undisputed data."""
    path = urllib.parse.urlsplit(raw).path.rstrip("/") or "/"
    return "/sparql" if path in ("/", "/query") else path


def account_paths(accounts) -> dict[str, object]:
    """Endpoint path -> account: '/accounts/NAME/sparql', NAME the last segment of the IRI
    (made unique with a number when two accounts end alike)."""
    import re

    paths: dict[str, object] = {}
    for account in accounts:
        name = re.sub(r"[^A-Za-z0-9._~-]+", "-", re.split(r"[/#:]", account.iri.rstrip("/#"))[-1]) or "account"
        path, n = f"/accounts/{name}/sparql", 1
        while path in paths:
            n += 1
            path = f"/accounts/{name}-{n}/sparql"
        paths[path] = account
    return paths


def make_server(store, host: str = "127.0.0.1", port: int = 7878, settings: ServeSettings | None = None,
                quiet: bool = False, accounts=(), store_path: Path | None = None,
                ) -> tuple[ThreadingHTTPServer, SparqlService]:
    """A server over a pyoxigraph ``store``: /sparql is the undisputed data, and each of
    ``accounts`` (cstograph.engines.accounts.Account) gets /accounts/NAME/sparql.

    ``store_path`` is the folder ``store`` was opened from; without it (data loaded from files
    into memory) the data is written once to a temporary store folder for the workers, removed
    by ``service.close()``. Call ``service.close()`` after ``server_close()`` to stop the workers."""
    from cstograph.engines.engine import OxigraphEngine

    base = OxigraphEngine(store)
    names = frozenset(a.iri for a in accounts)
    views = {"/sparql": base.dataset_options()}
    by_path = account_paths(accounts)
    for path, account in by_path.items():
        views[path] = base.view(names - {account.iri}).dataset_options()
    temporary = None
    if store_path is None:
        temporary = store_path = _write_temporary_store(store)
    try:
        service = SparqlService(store_path, settings or ServeSettings(), views, by_path)
        server = _CappedServer((host, port), _handler(service, quiet), service.settings.max_connections)
    except BaseException:
        if "service" in locals():
            service.close()
        if temporary is not None:
            _remove_tree(temporary)
        raise
    if temporary is not None:
        close = service.close

        def close_and_remove() -> None:
            close()
            _remove_tree(temporary)

        service.close = close_and_remove
    server.daemon_threads = True
    return server, service


class _CappedServer(ThreadingHTTPServer):
    """A thread per connection, at most ``cap`` of them: a connection past the cap is answered
    503 at once and closed, so idle or slow clients cannot pile up threads without end."""

    def __init__(self, address, handler, cap: int) -> None:
        self._slots = threading.BoundedSemaphore(cap)
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Content-Length: 32\r\nConnection: close\r\n\r\ntoo many connections; try again\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def _write_temporary_store(store) -> Path:
    """The in-memory ``store`` copied into a new store folder (the workers open it read-only)."""
    import tempfile

    import pyoxigraph as ox

    _remove_abandoned_temporary_stores(Path(tempfile.gettempdir()))
    folder = Path(tempfile.mkdtemp(prefix=f"cstograph-serve-{os.getpid()}-"))
    on_disk = ox.Store(str(folder))
    on_disk.bulk_extend(store)
    on_disk.flush()
    del on_disk
    return folder


def _remove_abandoned_temporary_stores(parent: Path) -> None:
    """Remove the temporary stores of servers that were killed (SIGKILL gives no chance to clean
    up): folders cstograph-serve-PID-* whose process no longer runs."""
    for folder in parent.glob("cstograph-serve-*-*"):
        pid = folder.name.split("-")[2]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            _remove_tree(folder)
        except OSError:
            continue


def _remove_tree(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)

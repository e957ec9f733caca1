"""`cstograph serve` as a real process on 127.0.0.1, queried by real clients over a real socket."""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, URIRef

from cgtest import FIXTURES
from servers import stop

CG = "https://w3id.org/cstograph/ns#"
STATES = f"SELECT ?s WHERE {{ ?s a <{CG}State> }} ORDER BY ?s"


@contextlib.contextmanager
def serve_process(*args: str):
    """Start `cstograph serve --port 0 ...`, read the URL it prints, yield (url, process), stop it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cstograph", "serve", "--port", "0", "--quiet", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()  # the server prints its URL before serving
        assert line.startswith("Serving"), (line, process.stderr.read() if process.poll() is not None else "")
        url = line.split(" at ", 1)[1].split()[0]
        yield url, process
    finally:
        stop(process)


@contextlib.contextmanager
def cstograph_serve(*args: str):
    with serve_process(*args) as (url, _):
        yield url


@pytest.fixture(scope="module")
def endpoint():
    with cstograph_serve(str(FIXTURES / "mini.trig"), "--limit", "5", "--timeout", "1", "--workers", "2") as url:
        yield url


def http(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_sparqlwrapper_get_and_post_json_and_xml(endpoint):
    from SPARQLWrapper import GET, JSON, POST, XML, SPARQLWrapper

    for method in (GET, POST):
        client = SPARQLWrapper(endpoint)
        client.setMethod(method)
        client.setQuery(STATES)
        client.setReturnFormat(JSON)
        rows = client.query().convert()["results"]["bindings"]
        assert [r["s"]["value"] for r in rows] == ["http://example.org/mini/A", "http://example.org/mini/B"]
        client.setReturnFormat(XML)
        document = client.query().convert()
        assert len(document.getElementsByTagName("result")) == 2


def test_rdflib_sparqlstore_reads_terms_back(endpoint):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    labels = {str(row.l): row.l.language for row in graph.query(
        "SELECT ?l WHERE { <http://example.org/mini/A> <http://www.w3.org/2000/01/rdf-schema#label> ?l }")}
    assert labels == {"Alpha": "en", "Альфа": "ru"}
    assert graph.query(f"ASK {{ <http://example.org/mini/B> a <{CG}State> }}").askAnswer is True


def test_csv_tsv_and_construct_formats(endpoint):
    query = urllib.parse.quote(STATES)
    status, headers, body = http(f"{endpoint}?query={query}", headers={"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(body.decode()))) == [["s"], ["http://example.org/mini/A"], ["http://example.org/mini/B"]]
    status, _, body = http(f"{endpoint}?query={query}&format=tsv")
    assert body.decode().splitlines() == ["?s", "<http://example.org/mini/A>", "<http://example.org/mini/B>"]
    construct = urllib.parse.quote(f"CONSTRUCT {{ ?s a <{CG}State> }} WHERE {{ ?s a <{CG}State> }}")
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
        status, headers, body = http(f"{endpoint}?query={construct}", headers={"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept)
        graph = Graph().parse(data=body, format=fmt)
        assert set(graph.subjects()) == {URIRef("http://example.org/mini/A"), URIRef("http://example.org/mini/B")}


def test_sparql_query_post_body(endpoint):
    status, _, body = http(endpoint, data=STATES.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 2


def test_updates_load_and_other_methods_are_refused(endpoint):
    form = urllib.parse.urlencode({"update": f"INSERT DATA {{ <urn:x> a <{CG}State> }}"}).encode()
    assert http(endpoint, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    body = b"LOAD <http://127.0.0.1:9/data.ttl>"
    assert http(endpoint, data=body, headers={"Content-Type": "application/sparql-update"})[0] == 403
    form = urllib.parse.urlencode({"query": "DROP ALL"}).encode()
    assert http(endpoint, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert http(endpoint, data=b"x", method="PUT")[0] == 405
    count = urllib.parse.quote(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{CG}State> }}")
    _, _, body = http(f"{endpoint}?query={count}")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"  # nothing was inserted


def test_syntax_errors_are_400(endpoint):
    assert http(f"{endpoint}?query={urllib.parse.quote('SELECT * WHERE { ?s ?p }')}")[0] == 400


def test_result_limit_cuts_and_says_so(endpoint):
    query = urllib.parse.quote("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    status, headers, body = http(f"{endpoint}?query={query}")
    assert status == 200 and headers["X-Cstograph-Truncated"] == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 5


def test_a_query_past_the_timeout_gets_503(endpoint):
    slow = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }")
    started = time.monotonic()
    status, _, body = http(f"{endpoint}?query={slow}")
    assert status == 503 and b"did not finish" in body
    assert time.monotonic() - started < 10


def test_bounded_concurrent_load_has_no_errors():
    """8 client threads, 400 queries in all, on loopback; prints queries per second."""
    with cstograph_serve(str(FIXTURES / "mini.trig"), "--workers", "4") as url:
        query = urllib.parse.quote(f"SELECT ?s ?l WHERE {{ ?s a <{CG}State> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")

        def one(_):
            status, _, body = http(f"{url}?query={query}")
            return status, len(json.loads(body)["results"]["bindings"]) if status == 200 else body

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(one, range(400)))
        elapsed = time.monotonic() - started
    statuses = [a[0] for a in answers]
    # 503 'busy' is allowed only as back-pressure; every answered query must be right
    assert all(s in (200, 503) for s in statuses), set(statuses)
    assert all(a[1] == 3 for a in answers if a[0] == 200)
    ok = statuses.count(200)
    assert ok >= 300, f"too many refusals: {len(statuses) - ok}"
    print(f"\nserve: {ok} queries answered in {elapsed:.2f} s = {ok / elapsed:.0f} queries/s, "
          f"{len(statuses) - ok} busy refusals, 0 errors")


def test_serving_a_store(tmp_path):
    store = tmp_path / "store"
    subprocess.run([sys.executable, "-m", "cstograph", "load", str(FIXTURES / "mini.trig"), "--store", str(store)],
                   check=True, capture_output=True)
    with cstograph_serve("--store", str(store)) as url:
        _, _, body = http(f"{url}?query={urllib.parse.quote(STATES)}")
    assert len(json.loads(body)["results"]["bindings"]) == 2


def _read_all(conn) -> str:
    """Everything the server sends until it closes the connection (headers and body may come
    in separate packets)."""
    chunks = []
    while True:
        chunk = conn.recv(4096)
        if not chunk:
            return b"".join(chunks).decode()
        chunks.append(chunk)


@pytest.mark.parametrize("length", ["-5", "abc", "1e3"])
def test_a_bad_content_length_is_400_and_the_server_keeps_answering(endpoint, length):
    import socket

    host, port = urllib.parse.urlsplit(endpoint).hostname, urllib.parse.urlsplit(endpoint).port
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
                     f"Content-Length: {length}\r\nConnection: close\r\n\r\nASK {{}}".encode())
        answer = _read_all(conn)
    assert answer.startswith("HTTP/1.1 400") and "Content-Length" in answer
    status, _, _ = http(endpoint + "?query=" + urllib.parse.quote("ASK {}"))
    assert status == 200


@pytest.mark.parametrize("header", ["Host: evil.example:7878", "Origin: http://evil.example"])
def test_requests_from_elsewhere_are_refused(endpoint, header):
    """DNS rebinding (a foreign Host) and cross-site requests (a foreign Origin) get 403; this
    machine's own clients (loopback Host, no Origin) are answered."""
    import socket

    parts = urllib.parse.urlsplit(endpoint)
    request = ("GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n"
               + (f"Host: {parts.hostname}:{parts.port}\r\n" if not header.startswith("Host") else "")
               + f"{header}\r\nConnection: close\r\n\r\n")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(request.encode())
        answer = _read_all(conn)
    assert answer.startswith("HTTP/1.1 403") and "this machine only" in answer
    status, _, _ = http(endpoint + "?query=" + urllib.parse.quote("ASK {}"))
    assert status == 200


def test_a_silent_connection_is_dropped_and_others_are_answered(tmp_path):
    """A client that sends half a request and waits holds no thread past the idle timeout."""
    import socket
    import threading

    from cstograph.engines.serve import ServeSettings, make_server
    from cstograph.engines.store import load_files

    server, service = make_server(load_files([FIXTURES / "mini.trig"]).store, port=0,
                            settings=ServeSettings(idle_timeout=1.0), quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        with socket.create_connection((host, port), timeout=10) as idle:
            idle.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
            started = time.monotonic()
            assert idle.recv(4096) == b""  # the server closed it
            assert time.monotonic() - started < 8
        status, _, _ = http(f"http://{host}:{port}/sparql?query=" + urllib.parse.quote("ASK {}"))
        assert status == 200
    finally:
        server.shutdown()
        server.server_close()
        service.close()


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a cross product: minutes
LIGHT = "ASK { ?s ?p ?o }"


def _gone(pids: set[int], seconds: float = 5.0) -> bool:
    """Whether every process of ``pids`` has ended (a zombie awaiting its parent counts as ended)."""
    import psutil

    def running(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + seconds
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _worker_processes(server_pid: int) -> set[int]:
    import psutil

    return {p.pid for p in psutil.Process(server_pid).children(recursive=True)}


def test_heavy_queries_past_the_timeout_cannot_lock_the_server_up():
    """workers + 1 heavy queries get 503 at the timeout; their workers are killed (the
    processes are gone) and replaced, and a light query is answered within seconds."""
    with serve_process(str(FIXTURES / "mini.trig"), "--workers", "2", "--timeout", "2") as (url, process):
        before = _worker_processes(process.pid)
        heavy = f"{url}?query={urllib.parse.quote(HEAVY)}"
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            answers = list(pool.map(lambda _: http(heavy), range(3)))
        assert [a[0] for a in answers] == [503, 503, 503]
        assert time.monotonic() - started < 8
        started = time.monotonic()
        status, _, body = http(f"{url}?query={urllib.parse.quote(LIGHT)}")
        assert status == 200 and json.loads(body)["boolean"] is True
        assert time.monotonic() - started < 5
        after = _worker_processes(process.pid)
    killed = before - after
    # the two general workers, and the light one the third heavy query held for --light-seconds
    assert len(killed) == 3 and len(after) == len(before)
    assert _gone(killed)


def test_parsing_counts_against_the_timeout():
    """A 50 KB query that takes rdflib's parser many seconds gets 503 at the timeout, and a
    light query sent meanwhile is answered: parsing happens inside a worker, not under a lock."""
    slow_parse = "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * 5000) + ") }"
    with cstograph_serve(str(FIXTURES / "mini.trig"), "--workers", "2", "--timeout", "2") as url:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            started = time.monotonic()
            late = pool.submit(http, url, data=slow_parse.encode(),
                               headers={"Content-Type": "application/sparql-query"})
            time.sleep(0.3)
            status, _, _ = http(f"{url}?query={urllib.parse.quote(LIGHT)}")
            assert status == 200 and time.monotonic() - started < 2
            assert late.result()[0] == 503 and time.monotonic() - started < 6


@pytest.mark.slow  # rdflib parses a 200-pattern query in a worker
def test_deep_but_valid_queries_are_answered():
    """200 triple patterns, 50 nested parentheses: rdflib's recursion once refused them."""
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    patterns = " ".join(f"<http://example.org/mini/A> {label} ?l ." for _ in range(200))
    queries = (f"SELECT (COUNT(*) AS ?n) WHERE {{ {patterns} }}",
               "SELECT ?x WHERE { BIND(" + "(" * 50 + "1" + ")" * 50 + " AS ?x) }")
    with cstograph_serve(str(FIXTURES / "mini.trig")) as endpoint:
        for query in queries:
            status, _, body = http(endpoint, data=query.encode(),
                                   headers={"Content-Type": "application/sparql-query"})
            assert status == 200, body


@pytest.mark.slow
def test_load_test_light_queries_have_no_errors_beside_heavy_ones():
    """bench/load_test.py, briefly: heavy queries hit the timeout, light ones are all answered."""
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "bench" / "load_test.py"
    done = subprocess.run([sys.executable, str(script), "--duration", "8", "--timeout", "2", str(FIXTURES / "mini.trig")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "light errors: 0" in done.stdout
    heavy = next(line for line in done.stdout.splitlines() if line.startswith("heavy"))
    assert "503:" in heavy  # the heavy queries really ran into the timeout


def test_ctrl_c_stops_the_server_and_its_workers_quietly(tmp_path):
    """Ctrl-C in a terminal signals the whole process group, workers included."""
    import os
    import signal
    import tempfile
    from pathlib import Path

    temporary = Path(tempfile.gettempdir())
    process = subprocess.Popen(
        [sys.executable, "-m", "cstograph", "serve", str(FIXTURES / "mini.trig"), "--port", "0", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        url = process.stdout.readline().split(" at ", 1)[1].split()[0]
        assert http(f"{url}?query={urllib.parse.quote(LIGHT)}")[0] == 200
        workers = _worker_processes(process.pid)
        assert workers and list(temporary.glob(f"cstograph-serve-{process.pid}-*"))
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        stop(process)
    assert process.returncode == 0 and stderr == ""
    assert _gone(workers)
    assert list(temporary.glob(f"cstograph-serve-{process.pid}-*")) == []  # its temporary store is removed


def test_a_body_over_the_cap_is_413_unread_and_the_server_keeps_answering(endpoint):
    """The Content-Length is checked before the body is read: a client announcing 2 GB gets 413
    at once, not a server reading (or waiting for) the body."""
    import socket

    from cstograph.engines.serve import MAX_BODY

    parts = urllib.parse.urlsplit(endpoint)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(f"POST /sparql HTTP/1.1\r\nHost: {parts.hostname}\r\nContent-Type: application/sparql-query\r\n"
                     f"Content-Length: {2 * 1024 ** 3}\r\nConnection: close\r\n\r\nASK {{}}".encode())
        answer = _read_all(conn)
    assert answer.startswith("HTTP/1.1 413") and str(MAX_BODY) in answer
    assert http(endpoint + "?query=" + urllib.parse.quote("ASK {}"))[0] == 200


@pytest.mark.slow
def test_a_store_replaced_twice_while_served_keeps_the_version_its_workers_reopen(tmp_path):
    """serve pins the store version it opened: two `load --replace` runs (the second would
    delete that version) leave it on disk, so a worker killed at the timeout is replaced and
    answers from the same data; once serve has stopped, the next load cleans the version away."""
    store = tmp_path / "s"
    new = FIXTURES.parent / "cases" / "queries" / "small.ttl"

    def load(source, *extra):
        done = subprocess.run([sys.executable, "-m", "cstograph", "load", str(source), "--store", str(store), *extra],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    load(FIXTURES / "mini.trig")
    served = store.resolve()
    states = f"?query={urllib.parse.quote(STATES)}"
    with serve_process("--store", str(store), "--workers", "1", "--timeout", "2") as (url, process):
        _, _, before = http(url + states, headers={"Accept": "text/csv"})
        load(new, "--replace")
        load(new, "--replace")
        assert served.is_dir()  # without the pin the second replacement deletes it
        assert http(f"{url}?query={urllib.parse.quote(HEAVY)}")[0] == 503  # kills the only worker
        deadline = time.monotonic() + 20
        while True:  # the replacement worker reopens the pinned version
            status, _, after = http(url + states, headers={"Accept": "text/csv"})
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status == 200 and after == before
    load(new, "--replace")
    assert not served.exists()


@pytest.mark.slow
def test_a_killed_server_leaves_a_temporary_store_that_the_next_server_removes():
    """serve copies files into a temporary store for its workers; SIGKILL gives it no chance to
    remove it, so the next serve removes the folders of servers that no longer run."""
    import tempfile
    from pathlib import Path

    def temporary_stores(pid: int) -> list[Path]:
        return list(Path(tempfile.gettempdir()).glob(f"cstograph-serve-{pid}-*"))

    with serve_process(str(FIXTURES / "mini.trig")) as (_, killed):
        assert len(temporary_stores(killed.pid)) == 1
        killed.kill()
        killed.wait(timeout=10)
    assert len(temporary_stores(killed.pid)) == 1  # left behind
    with serve_process(str(FIXTURES / "mini.trig")) as (url, process):
        assert http(f"{url}?query={urllib.parse.quote(LIGHT)}")[0] == 200
        assert temporary_stores(killed.pid) == []
    assert temporary_stores(process.pid) == []  # a server stopped normally removes its own

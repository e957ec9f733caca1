"""The guard and the engine read one query: the text is tokenised once and both run its
canonical form, so comments, whitespace, line terminators and escapes cannot hide a SERVICE
call from the guard and show it to Oxigraph.

Every attack here goes to a real HTTP listener on 127.0.0.1 that records whether it was
contacted; a control run with --allow-network shows that it would have been."""

from __future__ import annotations

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import cstograph
from cgtest import ENGINES, FIXTURES
from cstograph.cli import app
from cstograph.engines.guard import check_query_is_safe
from cstograph.engines.sparql_text import tokenize
from cstograph.errors import QueryError, UnsafeQueryError
from test_serve import cstograph_serve, http

MINI = str(FIXTURES / "mini.trig")

# Line terminators and whitespace of every family: SPARQL's own four, the ones Python, Unicode
# or other parsers also count, invisible ones, and codepoint escapes of some of them.
SEPARATORS = [" ", "\t", "\n", "\r", "\r\n", "\r\r", "\f", "\v", "\x85", "\u2028", "\u2029", "\x00", "\xa0",
              "\x1c", "\x1d", "\x1e", "\x1f", "\u200b", "\ufeff", "\\u000D", "\\U0000000D", "\\u000A",
              "\\u0020", "\\u2028", "\\u000C"]


@pytest.fixture
def listener():
    """A loopback HTTP server that records every request and answers an empty SPARQL result."""
    hits: list[str] = []

    class Recording(BaseHTTPRequestHandler):
        def _answer(self):
            hits.append(f"{self.command} {self.path}")
            body = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"remote"}}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recording)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def comment_attacks(base: str) -> dict[str, str]:
    """The published attack (a comment that rdflib runs through a CR and Oxigraph ends there),
    with the terminator written raw, escaped, and doubled."""
    service = f"SERVICE <{base}/leak> {{ ?a ?b ?c }}"
    return {name: f"SELECT * WHERE {{ ?s ?p ?o . # x {terminator} {service}\n}} LIMIT 1"
            for name, terminator in [("cr", "\r"), ("u000D", "\\u000D"), ("U0000000D", "\\U0000000D"),
                                     ("cr-cr", "\r\r"), ("vt", "\v"), ("ff", "\f"), ("nel", "\x85"),
                                     ("ls", "\u2028"), ("ps", "\u2029")]}


ENDS_A_COMMENT = {"cr", "u000D", "U0000000D", "cr-cr"}


# the rdflib-engine case is slow (the README's slow marker covers the rdflib-engine runs): the
# guard judges the one canonical text every engine is handed, and the Oxigraph case checks it in
# the quick subset (Oxigraph ends the comment at a CR: a SERVICE the guard missed would be sent)
@pytest.mark.parametrize("engine", ENGINES)
def test_a_comment_ended_by_a_carriage_return_hides_no_service_from_query_file(runner, listener, tmp_path, engine):
    base, hits = listener
    for name, text in comment_attacks(base).items():
        path = tmp_path / f"{name}.rq"
        path.write_bytes(text.encode("utf-8"))
        result = runner.invoke(app, ["query", str(path), MINI, "--engine", engine, "-f", "csv"])
        # a CR ends the comment (SPARQL 19.4): the SERVICE is seen, and refused; other
        # characters leave it inside the comment, where it is nothing
        assert result.exit_code == (2 if name in ENDS_A_COMMENT else 0), (name, engine, result.output)
        assert "remote" not in result.output
    assert hits == []


def test_a_comment_ended_by_a_carriage_return_hides_no_service_from_the_api(listener):
    base, hits = listener
    kg = cstograph.open([MINI])
    for name, text in comment_attacks(base).items():
        if name in ENDS_A_COMMENT:
            with pytest.raises(UnsafeQueryError):
                kg.query(text)
        else:
            assert "remote" not in str(kg.query(text).rows)
    assert hits == []


def test_a_comment_ended_by_a_carriage_return_hides_no_service_from_serve(listener):
    """POST (raw CR in the body, and form-encoded) and GET: none reaches the listener, and no
    answer quotes a remote reply."""
    base, hits = listener
    with cstograph_serve(MINI) as url:
        for name, text in comment_attacks(base).items():
            status_get, _, body_get = http(f"{url}?query={urllib.parse.quote(text)}")
            status_raw, _, body_raw = http(url, data=text.encode("utf-8"),
                                           headers={"Content-Type": "application/sparql-query"})
            status_form, _, _ = http(url, data=urllib.parse.urlencode({"query": text}).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
            expected = {403} if name in ENDS_A_COMMENT else {200}
            assert {status_get, status_raw, status_form} == expected, (name, status_get, status_raw, status_form)
            assert b"remote" not in body_get + body_raw
    assert hits == []


def test_control_the_listener_sees_a_service_call_when_the_network_is_allowed(runner, listener, tmp_path):
    base, hits = listener
    path = tmp_path / "allowed.rq"
    path.write_text(f"SELECT * WHERE {{ SERVICE <{base}/leak> {{ ?a ?b ?c }} }}")
    result = runner.invoke(app, ["query", str(path), MINI, "--allow-network", "-f", "csv"])
    assert result.exit_code == 0 and "remote" in result.output, result.output
    assert hits


# ---------------------------------------------------------------- differential: rdflib and Oxigraph


PROBES = {
    # a comment holding the separator: the second BIND is live only if the comment ends there
    "comment": "SELECT * WHERE {{ BIND(1 AS ?x) # c{sep}BIND(2 AS ?y)\n}}",
    # the separator between two tokens
    "between": "SELECT * WHERE {{ BIND(1 AS ?x){sep}BIND(2 AS ?y) }}",
    # inside a string, an IRI, after a keyword
    "string": "SELECT * WHERE {{ BIND(\"a{sep}b\" AS ?x) }}",
    "long-string": "SELECT * WHERE {{ BIND('''a{sep}b''' AS ?x) }}",
    "iri": "SELECT * WHERE {{ BIND(<urn:a{sep}b> AS ?x) }}",
    "after-limit": "SELECT * WHERE {{ BIND(1 AS ?x) }} # c{sep}LIMIT 0",
}


def _rdflib_rows(text: str) -> set[frozenset]:
    from rdflib import Dataset

    result = Dataset().query(text)
    return {frozenset((str(name), str(row[name])) for name in result.vars if row[name] is not None)
            for row in result}


def _oxigraph_rows(text: str) -> set[frozenset]:
    import pyoxigraph as ox

    result = ox.Store().query(text)
    names = result.variables
    return {frozenset((name.value, row[name].value) for name in names if row[name] is not None) for row in result}


def _outcome(reader, text: str):
    try:
        return reader(text)
    except Exception:  # noqa: BLE001 - a parser's refusal, whatever its type
        return "refused"


@pytest.mark.parametrize("probe", list(PROBES))
def test_rdflib_and_oxigraph_read_every_checked_text_alike(probe):
    """Each probe with each separator: refused by the guard, or its canonical text gives the
    same rows on rdflib and on Oxigraph (the same tokens, or the rows would differ), and the
    canonical text is a fixed point (tokenising it again gives it back)."""
    for sep in SEPARATORS:
        text = PROBES[probe].format(sep=sep)
        try:
            checked = check_query_is_safe(text)
        except QueryError:
            continue
        assert check_query_is_safe(checked) == checked, (probe, sep)
        rdflib_rows, oxigraph_rows = _outcome(_rdflib_rows, checked), _outcome(_oxigraph_rows, checked)
        assert rdflib_rows == oxigraph_rows, (probe, repr(sep), checked, rdflib_rows, oxigraph_rows)


def test_control_the_raw_texts_are_read_two_ways():
    """Without the canonical text the two parsers disagree: the differential test can fail."""
    text = PROBES["comment"].format(sep="\r")
    assert _rdflib_rows(text) != _oxigraph_rows(text)


def test_the_same_tokens_whatever_the_separators_and_escapes():
    """Comments, whitespace runs and codepoint escapes change no token of the canonical text."""
    from cstograph.engines.guard import resolve_codepoint_escapes

    plain = check_query_is_safe("SELECT ?x WHERE { ?x <urn:p> \"v\" }")
    for variant in ["SELECT ?x\r\nWHERE {\t?x <urn:p> \"v\" } # tail",
                    "SELECT ?x # c\rWHERE { ?x <urn:p> 'v' }",
                    "\\u0053ELECT ?x WHERE { ?x <urn:\\u0070> \"\\u0076\" }",
                    "SELECT ?x\rWHERE\n{ ?x <urn:p> \"\"\"v\"\"\" }"]:
        assert [t.text for t in tokenize(check_query_is_safe(variant))] == [t.text for t in tokenize(plain)], variant
    assert [t.kind for t in tokenize(resolve_codepoint_escapes("\\u0053ERVICE"))] == ["word"]


@pytest.mark.parametrize("sep", ["\f", "\v", "\x85", "\u2028", "\u2029", "\x00", "\xa0", "\\"])
def test_a_separator_sparql_does_not_know_is_refused_between_tokens(sep):
    with pytest.raises(QueryError, match="cannot start a token"):
        check_query_is_safe(f"SELECT * WHERE {{ ?s ?p ?o .{sep}SERVICE <http://127.0.0.1:9/x> {{ }} }}")


def test_error_lines_count_the_lines_of_the_original():
    with pytest.raises(QueryError, match="line 3"):
        check_query_is_safe("SELECT *\r\n# comment\r\nWHERE { \f }")


# ---------------------------------------------------------------- the engine's own network


SANDBOXED_CONNECT = """
import socket, sys
from cstograph.engines import sandbox

def connect():
    try:
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5) as conn:
            conn.sendall(b"GET /from-the-sandbox HTTP/1.0\\r\\n\\r\\n")
            conn.recv(100)
    except OSError:
        raise SystemExit(3) from None

raise SystemExit(sandbox.run_limited(connect, memory=None, network=sys.argv[2] == "network"))
"""


def test_a_query_process_that_asked_nothing_remote_cannot_reach_the_listener(listener):
    """The limits ``query`` and ``serve``'s workers run under: a new network namespace, where
    even a direct connection to 127.0.0.1 fails. A control run with the network kept connects."""
    import subprocess
    import sys

    from cstograph.engines import sandbox

    base, hits = listener
    port = base.rsplit(":", 1)[1]
    cut = subprocess.run([sys.executable, "-c", SANDBOXED_CONNECT, port, "none"], capture_output=True, timeout=60)
    if cut.returncode == 0:
        pytest.skip("this system allows no unprivileged network namespace; the guard is the only barrier")
    assert cut.returncode == 3 and hits == [], cut.stderr
    kept = subprocess.run([sys.executable, "-c", SANDBOXED_CONNECT, port, "network"], capture_output=True, timeout=60)
    assert kept.returncode == 0 and hits == ["GET /from-the-sandbox"], kept.stderr
    assert sandbox.cut_network.__doc__  # the mechanism under test


# ---------------------------------------------------------------- serve: Origin null


def test_serve_refuses_an_opaque_origin():
    """A page opened from file:// (or a sandboxed frame) sends Origin: null: any page could."""
    with cstograph_serve(MINI) as url:
        status, _, body = http(url + "?query=" + urllib.parse.quote("ASK {}"), headers={"Origin": "null"})
        assert status == 403 and b"Origin: null" in body
        status, _, _ = http(url + "?query=" + urllib.parse.quote("ASK {}"))
        assert status == 200

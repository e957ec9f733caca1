"""SERVICE, FROM, FROM NAMED, LOAD and updates never reach the network (or local files):
a counting HTTP server on 127.0.0.1 proves that no request is made, and a control run with
--allow-network proves that the counter would have seen one."""

from __future__ import annotations

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cgtest import ENGINES, FIXTURES
from cstograph.cli import app
from cstograph.engines.guard import check_query_is_safe
from cstograph.errors import UnsafeQueryError
from test_serve import cstograph_serve, http

MINI = str(FIXTURES / "mini.trig")


@pytest.fixture
def counter():
    """A loopback HTTP server that counts every request and answers an empty SPARQL result."""
    hits: list[str] = []

    class Counting(BaseHTTPRequestHandler):
        def _answer(self):
            hits.append(self.path)
            body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def reaching_queries(base: str, local_file: str) -> dict[str, str]:
    return {
        "service": f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
        "service-in-subquery": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{base}/s> {{ ?s ?p ?o }} }} }} }}",
        "service-in-exists": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{base}/e> {{ ?s ?p ?o }} }} }}",
        "silent-service": f"ASK {{ SERVICE SILENT <{base}/q> {{ ?s ?p ?o }} }}",
        "from": f"SELECT * FROM <{base}/g.ttl> WHERE {{ ?s ?p ?o }}",
        "from-named": f"SELECT * FROM NAMED <{base}/g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "from-file": f"SELECT * FROM <{local_file}> WHERE {{ ?s ?p ?o }}",
        "construct-from": f"CONSTRUCT {{ ?s ?p ?o }} FROM <{base}/c.ttl> WHERE {{ ?s ?p ?o }}",
        "load": f"LOAD <{base}/data.ttl>",
        # codepoint escapes (SPARQL 1.1, 19.2): resolved once, before the guard and the engine
        "escaped-keyword": f"SELECT * WHERE {{ \\u0053ERVICE <{base}/u> {{ ?s ?p ?o }} }}",
        "escaped-iri": "SELECT * WHERE { SERVICE <" + base.replace(":", "\\u003A", 1) + "/i> { ?s ?p ?o } }",
        "escaped-escape": f"SELECT * WHERE {{ \\u005Cu0053ERVICE <{base}/ee> {{ ?s ?p ?o }} }}",
        "insert": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    }


def test_the_guard_refuses_every_reaching_query(counter, tmp_path):
    base, hits = counter
    for name, text in reaching_queries(base, (tmp_path / "x.ttl").as_uri()).items():
        with pytest.raises(UnsafeQueryError):
            check_query_is_safe(text, source=name)
    check_query_is_safe("SELECT * WHERE { ?s ?p ?o }")  # plain queries pass
    assert hits == []


# the rdflib-engine case is slow (the README's slow marker covers the rdflib-engine runs): the
# guard runs before either engine sees the query, and the Oxigraph case checks it in the quick subset
@pytest.mark.parametrize("engine", ENGINES)
def test_query_command_makes_no_request(runner, counter, tmp_path, engine):
    base, hits = counter
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:secret> <urn:p> <urn:o> .\n")
    for name, text in reaching_queries(base, secret.as_uri()).items():
        query_file = tmp_path / f"{name}.rq"
        query_file.write_text(text)
        result = runner.invoke(app, ["query", str(query_file), MINI, "--engine", engine, "-f", "csv"])
        assert result.exit_code == 2, (name, result.output)
        assert "refused" in result.output and "urn:secret" not in result.output
    assert hits == []


def test_serve_makes_no_request(counter, tmp_path):
    base, hits = counter
    with cstograph_serve(MINI) as url:
        for name, text in reaching_queries(base, (tmp_path / "x.ttl").as_uri()).items():
            status, _, _ = http(f"{url}?query={urllib.parse.quote(text)}")
            assert status == 403, name
    assert hits == []


def test_control_allow_network_does_reach_the_counter(runner, counter, tmp_path):
    """Without this, a broken counter would make the tests above pass vacuously."""
    base, hits = counter
    query_file = tmp_path / "service.rq"
    query_file.write_text(f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}")
    result = runner.invoke(app, ["query", str(query_file), MINI, "--allow-network", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert len(hits) >= 1


def test_the_engine_runs_the_text_the_guard_checked():
    """Codepoint escapes are resolved once: an escaped string still means its characters, and the
    text handed to an engine holds no escape that another parser could read another way."""
    from cstograph.engines.guard import resolve_codepoint_escapes

    assert check_query_is_safe('SELECT ?x WHERE { BIND("\\u0041" AS ?x) }') == 'SELECT ?x WHERE { BIND("A" AS ?x) }'
    assert resolve_codepoint_escapes("\\U0001F600") == "\U0001F600"
    import cstograph

    result = cstograph.open([MINI]).query('SELECT ?x WHERE { BIND("caf\\u00E9" AS ?x) }')
    assert str(result.rows[0][0]) == "caf\u00e9"


def test_an_escape_that_changes_where_a_string_ends_is_read_one_way(runner, counter, tmp_path):
    """Oxigraph reads \\u0022 inside a string as a quote character; resolved first (as SPARQL
    says), it ends the string: the query is a syntax error for the guard and is never run."""
    base, hits = counter
    query_file = tmp_path / "quotes.rq"
    query_file.write_text(f'SELECT * WHERE {{ BIND("\\u0022\\u0022\\u0022" AS ?v) SERVICE <{base}/q3> {{ ?s ?p ?o }} }}')
    result = runner.invoke(app, ["query", str(query_file), MINI, "-f", "csv"])
    assert result.exit_code == 2 and "syntax error" in result.stderr
    assert hits == []

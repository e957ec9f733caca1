"""Inputs that used to end in exit 4 (an internal error) end in one clean line and exit 2."""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

import cstograph
from cgtest import FIXTURES
from cstograph.cli import app
from cstograph.errors import CstographError

MINI = str(FIXTURES / "mini.trig")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, text=True, timeout=120)


def assert_one_clean_line(done) -> None:
    stderr = done.stderr
    assert done.returncode == 2, (done.returncode, stderr)
    assert stderr.startswith("Error: ") and "Traceback" not in stderr and "Internal error" not in stderr, stderr


@pytest.mark.parametrize("args", [["serve", "--port", "99999"], ["serve", "--port", "-1"],
                                  ["synth", "--requests", "99999999999999999999", "-o", "never.ttl"]])
def test_out_of_range_numbers(args, tmp_path):
    done = subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert_one_clean_line(done)
    assert not (tmp_path / "never.ttl").exists()


def test_a_regex_python_cannot_compile_on_rdflib(tmp_path):
    query = tmp_path / "regex.rq"
    query.write_text('SELECT ?s WHERE { ?s ?p ?o FILTER(REGEX(STR(?s), "(")) }')
    for engine in ("rdflib", "oxigraph"):
        result = CliRunner().invoke(app, ["query", str(query), MINI, "--engine", engine, "--force"])
        # rdflib compiles the pattern with Python's re and fails; Oxigraph leaves the filter false
        assert result.exit_code == (2 if engine == "rdflib" else 0), (engine, result.exception, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (engine, result.exception)


def _junk_server(body: bytes, content_type: str, status: int = 200, location: str | None = None):
    class Junk(BaseHTTPRequestHandler):
        def _answer(self):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Junk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


ANSWERS = {
    "not-json": (b"not results", "application/sparql-results+json", 200, None),
    "wrong-shape": (b'{"head": [], "results": 5}', "application/sparql-results+json", 200, None),
    "list": (b"[1, 2]", "application/sparql-results+json", 200, None),
    "term-shape": (b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": [1]}]}}',
                   "application/sparql-results+json", 200, None),
    "nan": (b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "literal", "value": NaN}}]}}',
            "application/sparql-results+json", 200, None),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "application/sparql-results+json", 200, None),
    "xml": (b"<x/>", "application/sparql-results+xml", 200, None),
    "ftp-redirect": (b"", "text/plain", 302, "ftp://127.0.0.1/answer"),
}


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_hostile_endpoint_answers(answer):
    server = _junk_server(*ANSWERS[answer])
    url = f"http://127.0.0.1:{server.server_address[1]}/query"
    try:
        kg = cstograph.open(endpoint=url)
        with pytest.raises(CstographError):
            kg.query("SELECT ?a WHERE { ?a ?b ?c }")
        with pytest.raises(CstographError):
            kg.query("ASK { ?a ?b ?c }")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("answer", ["not-json", "wrong-shape", "xml"])
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_service_answer_that_is_not_results(tmp_path, answer, engine):
    server = _junk_server(*ANSWERS[answer])
    query = tmp_path / "service.rq"
    query.write_text(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{server.server_address[1]}/x> {{ ?a ?b ?c }} }}")
    try:
        result = CliRunner().invoke(app, ["query", str(query), MINI, "--allow-network", "--engine", engine])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (result.exception, result.output)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("call", [
    lambda: cstograph.open(123), lambda: cstograph.open([1]), lambda: cstograph.open(engine=5),
    lambda: cstograph.open(timeout="x"), lambda: cstograph.open(store=5), lambda: cstograph.open(endpoint=5),
    lambda: cstograph.open([MINI]).query(123), lambda: cstograph.open([MINI]).verdicts(as_of=[]),
    lambda: cstograph.open([MINI]).verdicts(according_to=5),
    lambda: cstograph.open().query("members-on-date", onDate=object()),
])
def test_wrong_type_api_arguments_are_usage_errors(call):
    with pytest.raises(CstographError):
        call()

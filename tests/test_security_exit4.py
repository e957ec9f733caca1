"""Inputs that used to end in exit 4 (an internal error) end in one clean line and exit 2."""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import cstograph
from cgtest import ENGINES, FIXTURES
from cstograph.cli import app
from cstograph.errors import CstographError

MINI = str(FIXTURES / "mini.trig")
# the rdflib-engine runs are slow (README); the full suite runs them, the quick subset the oxigraph case


def assert_one_clean_line(done) -> None:
    stderr = done.stderr
    assert done.returncode == 2, (done.returncode, stderr)
    assert stderr.startswith("Error: ") and "Traceback" not in stderr and "Internal error" not in stderr, stderr


@pytest.mark.parametrize("args", [["serve", "--port", "99999"], ["serve", "--port", "-1"],
                                  ["serve", "--light-workers", "-1"], ["serve", "--light-seconds", "0"],
                                  ["serve", "--timeout", "nan"], ["serve", "--request-deadline", "inf"],
                                  ["synth", "--requests", "99999999999999999999", "-o", "never.ttl"]])
def test_out_of_range_numbers(args, tmp_path):
    # a real process, stopped after 60 s: were a bound not checked, `serve` would start serving
    done = subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert_one_clean_line(done)
    assert not (tmp_path / "never.ttl").exists()


def test_a_regex_python_cannot_compile_on_rdflib(runner, tmp_path):
    query = tmp_path / "regex.rq"
    query.write_text('SELECT ?s WHERE { ?s ?p ?o FILTER(REGEX(STR(?s), "(") || REGEX(STR(?s), "mini/A$")) }')
    outputs = {}
    for engine in ("rdflib", "oxigraph"):
        result = runner.invoke(app, ["query", str(query), MINI, "--engine", engine, "--force", "-f", "csv"])
        # both engines match with Oxigraph's regular expressions: a pattern neither can compile
        # is an evaluation error, so its FILTER is false (rdflib's Python re used to raise)
        assert result.exit_code == 0, (engine, result.exception, result.output)
        outputs[engine] = sorted(result.output.splitlines())
    assert outputs["rdflib"] == outputs["oxigraph"] and "http://example.org/mini/A" in outputs["rdflib"]


def test_catastrophic_backtracking_is_linear_on_rdflib(tmp_path):
    """'^(a+)+$' against forty a and a '!' takes Python's backtracking re about 2**40 steps
    (hours); Oxigraph's matcher, which the rdflib engine now uses, answers at once."""
    query = tmp_path / "backtrack.rq"
    query.write_text('SELECT ?s ?r WHERE { ?s a ?t FILTER(REGEX("' + "a" * 40 + '!", "^(a+)+$") || '
                     'REGEX(STR(?s), "mini/[AB]$")) BIND(REPLACE("' + "a" * 40 + '!", "^(a+)+$", "x") AS ?r) }')
    done = subprocess.run([sys.executable, "-m", "cstograph", "query", str(query), MINI, "--engine", "rdflib",
                           "-f", "csv"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == ["http://example.org/mini/A," + "a" * 40 + "!",
                                                "http://example.org/mini/B," + "a" * 40 + "!", "s,r"]


def test_rdflib_regex_and_replace_keep_flags_and_language(runner, tmp_path):
    query = tmp_path / "flags.rq"
    query.write_text('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?r WHERE { ?s rdfs:label ?l '
                     'FILTER(REGEX(?l, "^ALPHA$", "i")) BIND(REPLACE(?l, "(l)", "$1$1", "i") AS ?r) }')
    outputs = {}
    for engine in ("rdflib", "oxigraph"):
        result = runner.invoke(app, ["query", str(query), MINI, "--engine", engine, "-f", "json"])
        assert result.exit_code == 0, (engine, result.exception, result.output)
        outputs[engine] = result.output
    assert outputs["rdflib"] == outputs["oxigraph"] and "Allpha" in outputs["rdflib"], outputs


ACCOUNT_WITH_TAG_REQUEST = """
@prefix cg: <https://w3id.org/cstograph/ns#> .
@prefix mx: <http://example.org/mini/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
mx:account-A a cg:Account ; rdfs:label "A's account" ; cg:accountOf mx:A .
mx:account-A { <tag:example.org,2005:r1> cg:concerns mx:e3 . }
"""


# the report on the rdflib engine is an rdflib-engine run (slow); `validate --validator pyshacl`
# and `validate --engine rdflib` validate the same account views with pyshacl in the quick subset
@pytest.mark.parametrize("args", [pytest.param(["report", "--engine", "rdflib"], marks=pytest.mark.slow),
                                  ["validate", "--validator", "pyshacl"], ["validate", "--engine", "rdflib"]])
def test_accounts_beside_a_tag_request_iri(cli_run, tmp_path, args):
    """pyshacl reads a focus node that is not http:, https:, urn: or file: as a prefixed name
    and raised TypeError (exit 4): such an account view is validated whole."""
    data = tmp_path / "tag.trig"
    text = (FIXTURES / "mini.trig").read_text(encoding="utf-8").replace("mx:r1 ", "<tag:example.org,2005:r1> ")
    text = text.replace("cg:respondsTo mx:r1 ;", "cg:respondsTo <tag:example.org,2005:r1> ;")
    data.write_text(text + ACCOUNT_WITH_TAG_REQUEST, encoding="utf-8")
    done = cli_run(args[0], str(data), *args[1:])
    assert done.returncode in (0, 1), (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "Internal error" not in done.stderr, done.stderr


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("suffix", ["csv", "dta", "json"])
def test_export_force_with_language_tagged_dates(runner, tmp_path, engine, suffix):
    data = tmp_path / "lang.trig"
    text = (FIXTURES / "mini.trig").read_text(encoding="utf-8")
    changed = text.replace('cg:date "2005-06-01"^^xsd:date', 'cg:date "2005-06-01"@en')
    changed = changed.replace('cg:date "2005-05-06"^^xsd:date', 'cg:date "2005-05-06"@en-GB')
    assert changed.count("@en-GB") == 1 and changed.count('"2005-06-01"@en') == 1
    data.write_text(changed, encoding="utf-8")
    refused = runner.invoke(app, ["export", str(data), "--engine", engine, "-o", str(tmp_path / f"no.{suffix}")])
    assert refused.exit_code == 1 and not (tmp_path / f"no.{suffix}").exists(), refused.output
    result = runner.invoke(app, ["export", str(data), "--force", "--engine", engine,
                                      "-o", str(tmp_path / f"out.{suffix}")])
    assert result.exit_code == 0 and isinstance(result.exception, (SystemExit, type(None))), (result.exception, result.output)
    assert (tmp_path / f"out.{suffix}").stat().st_size > 0


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


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_hostile_endpoint_answers_on_the_command_line(cli_run, answer, tmp_path):
    """The same answers to `report --endpoint` and `export --endpoint`: one line, exit 2, no file."""
    server = _junk_server(*ANSWERS[answer])
    url = f"http://127.0.0.1:{server.server_address[1]}/query"
    try:
        assert_one_clean_line(cli_run("report", "--endpoint", url))
        assert_one_clean_line(cli_run("export", "--endpoint", url, "-o", str(tmp_path / "out.csv")))
        assert not list(tmp_path.iterdir())
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("answer", ["not-json", "wrong-shape", "xml"])
@pytest.mark.parametrize("engine", ENGINES)
def test_a_service_answer_that_is_not_results(runner, tmp_path, answer, engine):
    server = _junk_server(*ANSWERS[answer])
    query = tmp_path / "service.rq"
    query.write_text(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{server.server_address[1]}/x> {{ ?a ?b ?c }} }}")
    try:
        result = runner.invoke(app, ["query", str(query), MINI, "--allow-network", "--engine", engine])
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

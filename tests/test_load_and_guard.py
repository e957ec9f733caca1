"""Loading files and folders, with one-line errors; the query guard."""

from __future__ import annotations

import pytest

from cgtest import ENGINES
from cstograph.engines.guard import check_query_is_safe
from cstograph.errors import GraphLoadError, QueryError, UnsafeQueryError
from cstograph.reading.rdf_files import expand_paths, load_dataset


def test_folder_expands_to_rdf_files_only(tmp_path):
    (tmp_path / "a.ttl").write_text("<http://e/a> <http://e/p> 1 .\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.nt").write_text("<http://e/b> <http://e/p> \"2\" .\n")
    (tmp_path / "notes.txt").write_text("not rdf")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.ttl", "b.nt"]
    dataset = load_dataset([tmp_path], with_ontology=False)
    assert len(list(dataset.quads((None, None, None, None)))) == 2


def test_trig_named_graphs_are_kept(tmp_path):
    path = tmp_path / "accounts.trig"
    path.write_text("<http://e/g1> { <http://e/a> <http://e/p> 1 . }\n<http://e/g2> { <http://e/b> <http://e/p> 2 . }\n")
    dataset = load_dataset([path], with_ontology=False)
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert {"http://e/g1", "http://e/g2"} <= graphs


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("broken.ttl", "@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:d ex:e \n", r"broken.ttl: not valid turtle: line 3"),
        ("broken.nt", "<http://e/a> <http://e/b> .\n", r"broken.nt: not valid nt"),
        ("broken.jsonld", '{"@id": "http://e/a",\n "x": }', r"broken.jsonld: not valid json-ld: line 2"),
        ("broken.rdf", "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<oops>\n", r"broken.rdf: not valid xml: line"),
        ("data.csv", "a,b\n", r"data.csv: unknown RDF format"),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(GraphLoadError, match=message) as info:
        load_dataset([path])
    assert "\n" not in info.value.message


def test_missing_and_empty_inputs(tmp_path):
    with pytest.raises(GraphLoadError, match="no such file or folder"):
        load_dataset([tmp_path / "nope.ttl"])
    with pytest.raises(GraphLoadError, match="holds no RDF files"):
        load_dataset([tmp_path])


@pytest.mark.parametrize(
    "query, error",
    [
        ("SELECT * FROM <http://127.0.0.1:9/x> { ?s ?p ?o }", "FROM and FROM NAMED are refused"),
        ("SELECT * FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }", "FROM and FROM NAMED are refused"),
        ("SELECT * { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/sparql> { ?s ?q ?r } } }", "SERVICE is refused"),
        ("SELECT * { { SELECT ?s { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } } } }", "SERVICE is refused"),
        ("LOAD <http://127.0.0.1:9/x.ttl>", "updates"),
        ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "updates"),
    ],
)
def test_guard_refuses_queries_that_leave_the_data(query, error):
    with pytest.raises(UnsafeQueryError, match=error):
        check_query_is_safe(query, source="q.rq")
    if "updates" not in error:
        check_query_is_safe(query, allow_network=True)


def test_guard_passes_ordinary_queries_and_names_syntax_errors():
    check_query_is_safe("SELECT ?from WHERE { ?s ?p ?from FILTER(?from != <http://e/service>) }")
    with pytest.raises(QueryError, match="mine.rq: SPARQL syntax error"):
        check_query_is_safe("SELECT * { ?s ?p }", source="mine.rq")


def test_a_byte_order_mark_is_skipped(tmp_path):
    from cstograph.engines.data import open_data

    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n")
    query = "ASK { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    for engine in ("oxigraph", "rdflib"):
        assert open_data([path], engine=engine).engine.query(query).boolean, engine


def test_malformed_rdf_xml_names_the_line_on_oxigraph_too(tmp_path):
    from cstograph.engines.store import load_files

    path = tmp_path / "broken.rdf"
    path.write_text('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description\n')
    with pytest.raises(GraphLoadError, match=r"broken.rdf: not valid xml: line 3: ") as info:
        load_files([path])
    assert "\n" not in info.value.message


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
 <rdf:Description rdf:about="http://example.org/x"><ex:p>&i;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_rdf_xml_entities_are_refused_before_any_parser_expands_them(tmp_path, engine):
    """A 1 KB file of nested entities expands to a gigabyte: refused with one line, exit 2, on
    every path (files, rdflib, a store)."""
    import resource
    import subprocess
    import sys

    laughs = tmp_path / "laughs.rdf"
    laughs.write_text(LAUGHS)
    for args in (["validate", "--engine", engine, str(laughs)], ["load", str(laughs), "--store", str(tmp_path / "s")]):
        done = subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, text=True, timeout=120,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)))
        assert done.returncode == 2, done.stderr
        assert "laughs.rdf: line 3: declares an XML entity" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_json_ld_contexts_are_never_fetched_or_read(runner, tmp_path, engine):
    """A JSON-LD @context given by URL or file path is refused (rdflib would fetch it); inline
    contexts are read as usual. A counting server on 127.0.0.1 sees no request."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cstograph.cli import app

    hits = []

    class Counting(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        secret = tmp_path / "ctx.jsonld"
        secret.write_text('{"@context": {"p": "http://x/p"}}')
        for context in (f'"http://127.0.0.1:{server.server_address[1]}/ctx"', f'"{secret.as_uri()}"',
                        f'[{{"q": "http://x/q"}}, "http://127.0.0.1:{server.server_address[1]}/two"]'):
            data = tmp_path / "data.jsonld"
            data.write_text(f'{{"@context": {context}, "@id": "http://x/a", "http://x/p": "o"}}')
            result = runner.invoke(app, ["validate", "--engine", engine, str(data)])
            assert result.exit_code == 2 and "reads no remote or other file" in result.stderr, result.output
        inline = tmp_path / "inline.jsonld"
        inline.write_text('{"@context": {"p": "http://x/p"}, "@id": "http://x/a", "p": "o"}')
        assert runner.invoke(app, ["validate", "--engine", engine, str(inline)]).exit_code in (0, 1)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []

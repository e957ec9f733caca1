"""Rows read as text (the report's fast path) equal str() of the rdflib terms the engines give,
for every kind of term: IRIs, blank nodes, plain, language-tagged, typed and non-canonical
literals, escapes, and unbound cells; live on Oxigraph and from a store's kept answers."""

from __future__ import annotations

import pyoxigraph as ox

from cstograph.engines.engine import OxigraphEngine, read_tsv_results, read_tsv_texts, text_records, tsv_term, tsv_text

DATA = r"""
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "plain", "tab\there", "quote \" and \\ backslash", "naïve ☃"@en, "x"^^xsd:string,
    "2022-09-13"^^xsd:date, "2022-02-30"^^xsd:date, "2022-09-13Z"^^xsd:date, "2022-9-1"^^xsd:date,
    "true"^^xsd:boolean, "1"^^xsd:boolean, "0"^^xsd:boolean, "yes"^^xsd:boolean,
    "01"^^xsd:integer, "1.50"^^xsd:decimal, "1e3"^^xsd:double, "2020-01-01T10:00:00"^^xsd:dateTime,
    "x"^^ex:custom, _:blank, ex:b .
ex:c ex:p ex:d .
"""
QUERY = "SELECT ?s ?o ?missing WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?o <http://example.org/none> ?missing } }"


def _engine():
    store = ox.Store()
    store.load(DATA.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return OxigraphEngine(store)


def _as_text(records):
    return sorted(tuple(sorted((k, v) for k, v in row.items())) for row in records)


def test_live_rows_as_text_equal_str_of_the_terms():
    engine = _engine()
    expected = [{k: None if v is None else str(v) for k, v in row.items()} for row in engine.query(QUERY).records()]
    got = text_records(engine, QUERY)
    assert len(got) == len(expected) == 20
    assert _as_text(got) == _as_text(expected)


def test_kept_answers_as_text_equal_str_of_the_terms(tmp_path):
    engine = _engine()
    path = tmp_path / "answers.tsv"
    engine.raw_query(QUERY).serialize(str(path), format=ox.QueryResultsFormat.TSV)
    expected = [{k: None if v is None else str(v) for k, v in row.items()} for row in read_tsv_results(str(path)).records()]
    assert _as_text(read_tsv_texts(str(path))) == _as_text(expected)
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        for token in line.split("\t"):
            assert tsv_text(token) == (None if tsv_term(token) is None else str(tsv_term(token))), token


def test_kept_answers_with_one_column_and_unbound_rows(tmp_path):
    """A row whose only cell is unbound is an empty line of the TSV file: still a row."""
    engine = _engine()
    text = ("SELECT ?missing WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?s <http://example.org/p> ?missing "
            "FILTER (?missing = <http://example.org/d>) } } ORDER BY ?missing")
    path = tmp_path / "one.tsv"
    engine.raw_query(text).serialize(str(path), format=ox.QueryResultsFormat.TSV)
    rows = read_tsv_texts(str(path))
    assert rows == [{k: None if v is None else str(v) for k, v in row.items()}
                    for row in read_tsv_results(str(path)).records()]
    assert len(rows) == 20 and rows.count({"missing": None}) == 19 and {"missing": "http://example.org/d"} in rows
    empty = tmp_path / "empty.tsv"
    engine.raw_query("SELECT ?x WHERE { ?x <http://example.org/none> ?y }").serialize(
        str(empty), format=ox.QueryResultsFormat.TSV)
    assert read_tsv_texts(str(empty)) == [] == list(read_tsv_results(str(empty)).records())

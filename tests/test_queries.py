"""Every bundled query on a small fixture graph (cases/queries/small.ttl), on every engine."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from cgtest import CASES
from cstograph.engines.queries import bind_params, get_query, inline_values, parse_param_options, run_named
from cstograph.errors import ParameterError, QueryError

SMALL = CASES / "queries" / "small.ttl"
EX = "http://example.org/q/"


def local(term) -> str | None:
    return None if term is None else str(term).replace(EX, "")



def test_members_on_date(engine_for):
    engine = engine_for(SMALL)
    day = Literal(dt.date(1999, 4, 20), datatype=XSD.date)
    rows = run_named(engine, "members-on-date", {"onDate": day}).records()
    got = sorted((local(r["alliance"]), local(r["member"])) for r in rows)
    assert got == [("BP", "A"), ("BP", "C"), ("L", "A"), ("L", "B"), ("L", "C")]
    next_day = Literal(dt.date(1999, 4, 21), datatype=XSD.date)
    rows = run_named(engine, "members-on-date", {"onDate": next_day, "alliance": URIRef(EX + "L")}).records()
    assert sorted(local(r["member"]) for r in rows) == ["A", "C"]
    assert {str(r["memberLabel"]) for r in rows} == {"Avalon", "Corin"}
    early = Literal(dt.date(1993, 1, 1), datatype=XSD.date)
    rows = run_named(engine, "members-on-date", {"onDate": early}).records()
    assert sorted(local(r["member"]) for r in rows) == ["A", "B"]


def test_obligations(engine_for):
    rows = run_named(engine_for(SMALL), "obligations").records()
    got = sorted((local(r["treaty"]), str(r["article"]), str(r["obligationType"]).rsplit("#")[1], str(r["alliances"])) for r in rows)
    assert got == [
        ("P", "Article 1", "CollectiveDefence", EX + "BP"),
        ("T", "Article 2", "Consultation", EX + "L"),
        ("T", "Article 4", "CollectiveDefence", EX + "L"),
    ]
    rows = run_named(engine_for(SMALL), "obligations", {"treaty": URIRef(EX + "P")}).records()
    assert [local(r["obligation"]) for r in rows] == ["pell1"]


def test_responses(engine_for):
    rows = run_named(engine_for(SMALL), "responses").records()
    got = [(local(r["request"]), local(r["response"]), str(r["typeLabel"]), str(r["date"]), r["fulfils"].toPython()) for r in rows]
    assert sorted(got) == [
        ("r1", "x1", "diplomatic statement", "2022-09-13", False),
        ("r1", "x2", "fact-finding mission", "2022-09-15", False),
        ("r2", "x3", "military deployment", "2022-01-06", True),
    ]
    rows = run_named(engine_for(SMALL), "responses", {"request": URIRef(EX + "r2")}).records()
    assert [local(r["response"]) for r in rows] == ["x3"]


def test_timeline(engine_for):
    rows = run_named(engine_for(SMALL), "timeline").records()
    got = [(str(r["date"]), str(r["kind"]), local(r["node"])) for r in rows]
    assert got == [
        ("2022-01-02", "event", "e2"),
        ("2022-01-05", "request", "r2"),
        ("2022-01-06", "response", "x3"),
        ("2022-09-13", "event", "e1"),
        ("2022-09-13", "request", "r1"),
        ("2022-09-13", "response", "x1"),
        ("2022-09-15", "response", "x2"),
        ("2022-11-23", "event", "e3"),
    ]
    window = {"from": Literal(dt.date(2022, 9, 14), datatype=XSD.date), "to": Literal(dt.date(2022, 10, 1), datatype=XSD.date)}
    rows = run_named(engine_for(SMALL), "timeline", window).records()
    assert [local(r["node"]) for r in rows] == ["x2"]


def test_request_status_and_unmet(engine_for):
    engine = engine_for(SMALL)
    rows = {local(r["request"]): r for r in run_named(engine, "request-status").records()}
    assert {k: str(r["status"]) for k, r in rows.items()} == {"r1": "unmet", "r2": "not-triggered"}
    assert str(rows["r1"]["obligationLabel"]) == "Treaty of Tor, Article 4"
    assert str(rows["r1"]["requesterLabel"]) == "Avalon"
    unmet = run_named(engine, "unmet-obligations").records()
    assert [(local(r["request"]), local(r["alliance"])) for r in unmet] == [("r1", "L")]
    only = run_named(engine, "unmet-obligations", {"requester": URIRef(EX + "C")}).records()
    assert only == []
    one = run_named(engine, "request-status", {"request": URIRef(EX + "r2")}).records()
    assert [local(r["request"]) for r in one] == ["r2"]


def test_sources(engine_for, tmp_path):
    extra = tmp_path / "sourced.ttl"
    extra.write_text(
        "@prefix dcterms: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<http://example.org/q/r1> dcterms:source <http://example.org/q/press> .\n"
        "<http://example.org/q/press> dcterms:title \"Press release\" ; dcterms:publisher \"League\" ;\n"
        "  dcterms:issued \"2022-09-14\"^^xsd:date ; foaf:page <https://league.example/press> .\n"
    )
    engine = engine_for(SMALL, extra)
    rows = run_named(engine, "sources", {"node": URIRef(EX + "r1")}).records()
    got = sorted((local(r["source"]), str(r["title"]), local(r["publisher"]), local(r["issued"]), local(r["url"])) for r in rows)
    assert got == [
        ("press", "Press release", "League", "2022-09-14", "https://league.example/press"),
        ("src", "Test fixture", None, None, None),
    ]
    from rdflib import Graph
    from rdflib.namespace import DCTERMS

    expected = len(list((Graph().parse(SMALL) + Graph().parse(extra)).triples((None, DCTERMS.source, None))))
    assert len(run_named(engine, "sources").rows) == expected == 14
    # the report reads the requests' sources only: the same rows for r1, none for other nodes
    mine = run_named(engine, "request-sources", {"request": URIRef(EX + "r1")}).records()
    assert sorted((local(r["source"]), str(r["title"]), local(r["url"])) for r in mine) == [
        ("press", "Press release", "https://league.example/press"), ("src", "Test fixture", None)]
    requests = {str(r["request"]) for r in run_named(engine, "request-sources").records()}
    assert requests == {str(s) for s in (Graph().parse(SMALL) + Graph().parse(extra)).subjects(
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("https://w3id.org/cstograph/ns#AssistanceRequest"))}
    # explain cites each node's sources with node-sources: for every node, the rows of sources bound to it
    for node in {r["node"] for r in run_named(engine, "sources").records()}:
        bound = [tuple(map(str, r)) for r in run_named(engine, "sources", {"node": node}).rows]
        assert [tuple(map(str, r)) for r in run_named(engine, "node-sources", {"node": node}).rows] == bound, node


def test_every_bundled_query_is_tested_here():
    """Every shipped query is run by name on a fixture graph in some test module (checked by
    reading the tests, so the result does not depend on which tests ran first)."""
    import re

    from cgtest import TESTS
    from cstograph.engines.queries import bundled_queries

    texts = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.rglob("test_*.py"))
    named = set(re.findall(r"[\"']([a-z0-9-]+)[\"']", texts))
    untested = {
        name for name, spec in bundled_queries().items()
        if name not in named and spec.kind not in ("infer", "validation")  # test_infer.py, test_fastshacl.py run them all
    }
    assert not untested, f"queries without a fixture test: {sorted(untested)}"


def test_parameters_are_bound_not_pasted():
    spec = get_query("members-on-date")
    hostile = Literal('2020-01-01"^^<x> } DROP ALL #')
    text = inline_values(spec.text, {"onDate": hostile})
    assert 'DROP ALL #"' in text  # stays inside an escaped literal
    assert text.count("VALUES (?onDate)") == 1
    with pytest.raises(ParameterError):
        bind_params(spec, {"onDate": "yesterday"})
    with pytest.raises(ParameterError):
        bind_params(spec, {})
    with pytest.raises(ParameterError):
        bind_params(spec, {"onDate": "2020-01-01", "colour": "red"})
    assert bind_params(spec, {"onDate": "2020-01-01"})["onDate"] == Literal(dt.date(2020, 1, 1), datatype=XSD.date)


def test_parameter_options():
    assert parse_param_options(["onDate=2022-01-01", "alliance=cgd:CSTO"]) == {"onDate": "2022-01-01", "alliance": "cgd:CSTO"}
    with pytest.raises(ParameterError, match="onDate is given twice"):
        parse_param_options(["onDate=2022-01-01", "onDate=2023-01-01"])
    with pytest.raises(ParameterError, match="write NAME=VALUE"):
        parse_param_options(["onDate"])


def test_empty_and_misplaced_query_files(tmp_path):
    from cstograph.engines.guard import check_query_is_safe
    from cstograph.engines.queries import resolve_query

    (tmp_path / "empty.rq").write_text("# nothing but a comment\n")
    with pytest.raises(QueryError, match="holds no query"):
        check_query_is_safe(resolve_query(str(tmp_path / "empty.rq")).text, source="empty.rq")
    with pytest.raises(QueryError, match="is a folder, not a query file"):
        resolve_query(str(tmp_path))


def test_boolean_parameters():
    spec = get_query("war-observations")
    for word, value in (("true", True), ("YES", True), ("1", True), ("false", False), ("no", False), ("0", False)):
        assert bind_params(spec, {"relevantOnly": word})["relevantOnly"] == Literal(value, datatype=XSD.boolean)
    with pytest.raises(ParameterError, match="relevantOnly: 'maybe' is not a boolean") as caught:
        bind_params(spec, {"relevantOnly": "maybe"})
    assert caught.value.hint.startswith("relevantOnly (boolean): true: leave out")  # the header's meaning
    with pytest.raises(ParameterError) as caught:
        bind_params(spec, {"period": "1945-2003"})
    assert "cg:Period1945to2003" in caught.value.hint


def test_values_block_opens_the_where_group_of_construct_queries():
    query = "PREFIX ex: <http://e/#> CONSTRUCT { ?s ex:p ?o } WHERE { ?s ex:q ?o }"
    text = inline_values(query, {"s": URIRef("http://e/#a")})
    assert text.index("VALUES") > text.index("WHERE")


# ---------------------------------------------------------------- viewpoints: accounts and dates


def _triples_of(engine_name: str, query: str, bindings) -> set:
    from helpers import kg_of

    engine = kg_of([CASES / "accounts" / "contested.trig"], engine_name).data.engine
    result = run_named(engine, query, bindings)
    return {(str(s), str(p), str(o)) for s, p, o in result.graph}


def test_as_of_leaves_out_what_was_dated_later(engine_name):
    """'as-of' on the fixture: r3 (2023-01-02) and its response go, and so does every triple
    that mentions them; r1, dated before the day, stays."""
    ex = "http://example.org/acc/"
    before = _triples_of(engine_name, "as-of", {"asOf": Literal("2030-01-01", datatype=XSD.date)})
    after = _triples_of(engine_name, "as-of", {"asOf": Literal("2022-12-31", datatype=XSD.date)})
    def mentions(triples, node):
        return {t for t in triples if ex + node in (t[0], t[2])}
    assert mentions(before, "r3") and not mentions(after, "r3")
    assert mentions(after, "r1") == mentions(before, "r1")
    assert not any(t[1].endswith("#status") for t in before)  # derived verdicts never come along


def test_account_view_adds_one_account_graph(engine_name):
    ex = "http://example.org/acc/"
    territory = "https://w3id.org/cstograph/ns#onTerritoryOf"
    undisputed = _triples_of(engine_name, "account-view", {"account": URIRef(ex + "no-such-account")})
    arland = _triples_of(engine_name, "account-view", {"account": URIRef(ex + "accountX")})
    assert (ex + "e1", territory, ex + "A") in arland - undisputed
    assert (ex + "e1", territory, ex + "B") not in arland  # Borduria's claim stays out

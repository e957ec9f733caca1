"""A query read unordered (``run_named_text(..., ordered=False)``) gives the rows of the query as
written, only without the engine's sort, and a store's kept answer is still read as kept."""

from __future__ import annotations

import pytest

from cstograph.engines.data import open_data
from cstograph.engines.engine import OxigraphEngine, query_key
from cstograph.engines.queries import get_query, run_named_text, unordered_text_records, without_order
from cstograph.rules.readings import create_store_with_readings as create_store


def test_without_order_leaves_out_the_outer_order_by_only():
    text = "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 2 } }\nORDER BY DESC(?s) ?s\n"
    assert without_order(text) == "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 2 } }\n"


def test_without_order_keeps_a_trailing_values_clause():
    text = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s VALUES ?s { <urn:a> }"
    assert without_order(text) == "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <urn:a> }"


@pytest.mark.parametrize("modifier", ["LIMIT 3", "OFFSET 1", "limit 3 offset 1"])
def test_without_order_keeps_the_order_that_picks_rows(modifier):
    text = f"SELECT ?s WHERE {{ ?s ?p ?o }} ORDER BY ?s {modifier}"
    assert without_order(text) == text


def test_without_order_keeps_an_unordered_query_as_it_is():
    text = get_query("accounts").text.replace("ORDER BY", "# ORDER BY")
    assert without_order(text) == text


@pytest.fixture(scope="module")
def engines(synth_small, tmp_path_factory):
    paths = [synth_small[0]]
    store = tmp_path_factory.mktemp("unordered") / "store"
    create_store(store, paths)
    return {"files": open_data(paths).engine, "store": open_data(store=store).engine}


@pytest.mark.parametrize("name", ["case-texts", "identifiers", "request-details", "responses", "sources"])
@pytest.mark.parametrize("where", ["files", "store"])
def test_unordered_rows_are_the_rows_of_the_query(engines, name, where):
    engine = engines[where]
    ordered = run_named_text(engine, name)
    unordered = run_named_text(engine, name, ordered=False)
    assert ordered, f"{name} has no rows on the test graph: the test would compare nothing"
    key = lambda row: tuple((k, v or "") for k, v in sorted(row.items()))  # noqa: E731
    assert sorted(unordered, key=key) == sorted(ordered, key=key)


def test_a_stored_answer_is_read_as_kept(engines):
    engine = engines["store"]
    text = get_query("responses").text
    assert query_key(text, engine.reading) in engine.materialised  # a kept answer: the case under test
    assert unordered_text_records(engine, text) == run_named_text(engine, "responses")


def test_the_unordered_query_is_sent_without_its_order_by(engines, monkeypatch):
    sent, real = [], OxigraphEngine.raw_query
    monkeypatch.setattr(OxigraphEngine, "raw_query", lambda self, text: sent.append(text) or real(self, text))
    run_named_text(engines["files"], "case-texts", ordered=False)
    assert "ORDER BY" in get_query("case-texts").text
    assert len(sent) == 1 and "ORDER BY" not in sent[0]

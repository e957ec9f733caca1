"""Each question answered once: the queries `explain` and `site` send, counted on the real engine.

The count wraps ``OxigraphEngine.raw_query``, the one entry through which every SPARQL query
reaches Oxigraph (``query``, ``text_records`` and CONSTRUCT copies all pass through it), and
names each query by its catalogue header. The budgets (bench/README.md, "Query budgets"):

- ``explain`` of one request classifies it once in each view (the undisputed data and each
  account's view: request-status once per view), asks its parties once (request-parties) and
  runs each explain query once: at most 30 queries after the data is opened (27 for the
  contested request below, 49 before);
- ``site`` on the bundled graphs explains every request from the verdicts it already holds:
  no request-parties at all, request-status once per view, each explain query once, and at
  most 550 queries in all (1,725 before, 380 of them request-parties and 366 request-status).
"""

from __future__ import annotations

import collections
from contextlib import contextmanager

import pytest

import cstograph
from cstograph.cli import app
from cstograph.engines.engine import OxigraphEngine
from cstograph.engines.queries import bundled_queries
from cstograph.rules import explain as explain_module

SITE_BUDGET = 550
EXPLAIN_BUDGET = 30
EXPLAIN_QUERIES = ("explain-obligation", "explain-conditions", "explain-memberships", "explain-events")
REQUEST = "request-2021-05-13-Armenia-CSTO"  # contested: what each account says is read too


@contextmanager
def counted_queries(monkeypatch):
    """A Counter of the queries sent to Oxigraph inside the block, by catalogue name (the
    first header line of a bundled query; other text counts under its own first line)."""
    names = {spec.text.split("\n", 1)[0]: name for name, spec in bundled_queries().items()}
    counts: collections.Counter = collections.Counter()
    real = OxigraphEngine.raw_query

    def counting(self, text):
        first = text.split("\n", 1)[0]
        counts[names.get(first, first[:60])] += 1
        return real(self, text)

    monkeypatch.setattr(OxigraphEngine, "raw_query", counting)
    yield counts


def test_the_counter_sees_every_query(monkeypatch):
    """The wrapper is the real entry: a query through the API is counted once, by its name."""
    kg = cstograph.open()
    with counted_queries(monkeypatch) as counts:
        kg.query("short-names").records()
        kg.engine().query("ASK { ?s ?p ?o }")
    assert counts["short-names"] == 1 and sum(counts.values()) == 2, counts


def test_explain_classifies_its_request_once(monkeypatch):
    kg = cstograph.open()
    views = 1 + len(kg.accounts)
    with counted_queries(monkeypatch) as counts:
        explanation = kg.explain(REQUEST)
    assert explanation.verdict.contested, "a contested request: the accounts' statuses and assertions are read too"
    assert counts["request-status"] == views, counts
    assert counts["request-parties"] == 1, counts
    assert all(counts[name] == 1 for name in EXPLAIN_QUERIES), counts
    assert counts["case-texts"] == 1, counts  # node-sources: once for the chain, once per account and node it asserts about
    assert sum(counts.values()) <= EXPLAIN_BUDGET, (sum(counts.values()), counts)


def test_bundled_site_answers_each_question_once(runner, monkeypatch, tmp_path):
    kg = cstograph.open()
    views = 1 + len(kg.accounts)
    with counted_queries(monkeypatch) as counts:
        result = runner.invoke(app, ["site", "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert counts["request-parties"] == 0, counts
    assert counts["request-status"] == views, counts
    assert all(counts[name] == 1 for name in EXPLAIN_QUERIES), counts
    assert sum(counts.values()) <= SITE_BUDGET, (sum(counts.values()), counts)


@pytest.fixture(scope="module")
def one_at_a_time():
    """The bundled graphs opened once, their verdicts (readings marked), and the explanation
    ``explain`` gives of every fifth request, one request at a time (each query bound to it)."""
    kg = cstograph.open()
    held = kg.verdicts(readings=True)
    requests = sorted({v.request for v in held})[::5]
    return kg, held, {request: kg.explain(request) for request in requests}


@pytest.mark.parametrize("bulk", [100, 0])
def test_bulk_explanations_equal_one_at_a_time(bulk, one_at_a_time, monkeypatch):
    """The site's explanations (every request at once, from the held verdicts; bound to the
    requests, or unbound as above ``BULK`` requests) are the ones ``explain`` gives request by request."""
    kg, held, expected = one_at_a_time
    monkeypatch.setattr(explain_module, "BULK", bulk)
    bulk = kg.explanations(verdicts=held)
    assert sorted(bulk) == sorted({v.request for v in held})
    for request in expected:
        assert bulk[request] == expected[request], request

"""The same query files give the same rows on every embedded engine and on a persistent store."""

from __future__ import annotations

import pytest

from cgtest import FIXTURES
from cstograph.engines.data import UsageError, open_data
from cstograph.engines.engine import OxigraphEngine, RdflibEngine
from cstograph.engines.queries import run_query
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.classify import classify_requests
from cstograph.rules.readings import create_store_with_readings as create_store
from helpers import canonical, sample_bindings, shipped_queries, verdict_keys

# rdflib, the reference, over the bundled graphs takes minutes and over the synthetic graph half
# of this file's time: the full suite runs both, the quick subset the two small graphs
GRAPHS = ["mini", "conformance_cases", pytest.param("bundled_graphs", marks=pytest.mark.slow),
          pytest.param("synth_small", marks=pytest.mark.slow)]


@pytest.fixture(scope="module", params=GRAPHS)
def data_paths(request):
    if request.param == "mini":
        return [FIXTURES / "mini.trig"]
    value = request.getfixturevalue(request.param)
    return [value[0]] if isinstance(value, tuple) else [value]


@pytest.fixture(scope="module")
def engines(data_paths, tmp_path_factory):
    """Oxigraph from files (the engine the others are compared with), Oxigraph via rdflib's
    parse, and a reopened on-disk store. Built once per graph: the tests only read them."""
    store = tmp_path_factory.mktemp("engines") / "store"
    create_store(store, data_paths)
    return {
        "oxigraph-files": open_data(data_paths).engine,
        "oxigraph-dataset": OxigraphEngine(load_dataset(data_paths)),
        "store": open_data(store=store).engine,
    }


@pytest.fixture(scope="module")
def rdflib_engine(data_paths):
    return RdflibEngine(load_dataset(data_paths))


# Each engine is compared with Oxigraph reading the files. rdflib, the independent SPARQL
# implementation, takes four fifths of this file's time on the two small graphs: its case is slow
# (the README's slow marker covers the rdflib-engine runs), so the full suite compares every
# engine with it too.
COMPARED = [pytest.param(("oxigraph-dataset", "store"), id="oxigraph"),
            pytest.param(("rdflib",), id="rdflib", marks=pytest.mark.slow)]


def compared_engines(names, engines, request) -> dict:
    return {name: request.getfixturevalue("rdflib_engine") if name == "rdflib" else engines[name] for name in names}


@pytest.mark.parametrize("compared", COMPARED)
@pytest.mark.parametrize("spec", shipped_queries(), ids=lambda s: s.name)
def test_every_shipped_query_gives_identical_results_on_every_engine(spec, compared, engines, request):
    reference = engines["oxigraph-files"]
    bindings = sample_bindings(spec, reference)
    expected = canonical(run_query(reference, spec, bindings))
    for name, engine in compared_engines(compared, engines, request).items():
        assert canonical(run_query(engine, spec, bindings)) == expected, f"{spec.name}: {name} differs from oxigraph-files"


@pytest.mark.parametrize("compared", COMPARED)
def test_the_verdicts_are_identical_on_every_engine(compared, engines, request):
    reference = verdict_keys(classify_requests(engines["oxigraph-files"]))
    assert reference, "the graph has requests"
    for name, engine in compared_engines(compared, engines, request).items():
        assert verdict_keys(classify_requests(engine)) == reference, name


def test_synthetic_verdicts_are_the_expected_ones(synth_small):
    path, graph = synth_small
    got = {v.request: v.status for v in classify_requests(open_data([path]).engine)}
    assert got == graph.expected


def test_blank_nodes_of_different_files_stay_apart(tmp_path):
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    one.write_text('_:b <http://example.org/p> "1" .\n')
    two.write_text('_:b <http://example.org/p> "2" .\n')
    engine = open_data([one, two]).engine
    rows = engine.query("SELECT DISTINCT ?s WHERE { ?s <http://example.org/p> ?o }").rows
    assert len(rows) == 2


def test_options_that_name_the_data_twice_are_refused(tmp_path):
    with pytest.raises(UsageError):
        open_data([FIXTURES / "mini.trig"], store=tmp_path)
    with pytest.raises(UsageError):
        open_data(store=tmp_path, endpoint="http://127.0.0.1:9/query")
    with pytest.raises(UsageError):
        open_data(store=tmp_path, engine="rdflib")

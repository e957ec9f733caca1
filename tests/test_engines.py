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
    """Oxigraph from files, Oxigraph via rdflib's parse, rdflib, and a reopened on-disk store.
    Built once per graph: the tests only read them."""
    dataset = load_dataset(data_paths)
    store = tmp_path_factory.mktemp("engines") / "store"
    create_store(store, data_paths)
    return {
        "oxigraph-files": open_data(data_paths).engine,
        "oxigraph-dataset": OxigraphEngine(dataset),
        "rdflib": RdflibEngine(load_dataset(data_paths)),
        "store": open_data(store=store).engine,
    }


@pytest.mark.parametrize("spec", shipped_queries(), ids=lambda s: s.name)
def test_every_shipped_query_gives_identical_results_on_every_engine(spec, engines):
    results = {name: canonical(run_query(engine, spec, sample_bindings(spec, engines["rdflib"]))) for name, engine in engines.items()}
    reference = results.pop("rdflib")
    for name, got in results.items():
        assert got == reference, f"{spec.name}: {name} differs from rdflib"


def test_the_verdicts_are_identical_on_every_engine(engines):
    verdicts = {name: verdict_keys(classify_requests(engine)) for name, engine in engines.items()}
    reference = verdicts.pop("rdflib")
    assert reference, "the graph has requests"
    for name, got in verdicts.items():
        assert got == reference, name


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

"""The set-based validator gives exactly pyshacl's results, in both forms: the shapes compiled to
SPARQL queries (any engine) and the same checks read from embedded Oxigraph's indexes (scan)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from cgtest import CONFORMANCE_CASES, FIXTURES
from cstograph.engines.data import open_data
from cstograph.engines.queries import bundled_queries
from cstograph.reading.rdf_files import load_shapes
from cstograph.reading.synth import synthesize
from cstograph.rules import shacl_scan
from cstograph.rules.fastshacl import Unsupported, compile_shapes, validate_with_engine
from cstograph.rules.validate import validate_store
from cstograph.rules.validate_data import validate_data

VALIDATE_CASES = CONFORMANCE_CASES.parent.parent / "validate"


@pytest.fixture(autouse=True, params=["focus node by focus node", "path by path"])
def scan_way(request, monkeypatch):
    """Every test here runs with both scans (``shacl_scan`` chooses by the graph's size; the
    small graphs here would always take the path-by-path one)."""
    monkeypatch.setattr(shacl_scan, "by_path", lambda engine: request.param == "path by path")
    return request.param


def key(issue):
    focus = issue.focus if ("://" in issue.focus or " " in issue.focus) else "_:bnode"
    value = issue.value
    return (issue.severity, focus, issue.path or "", issue.message, value or "", issue.component or "")


_PYSHACL: dict[tuple, list] = {}


def pyshacl_issues(paths, store) -> list:
    """pyshacl's issues on the files' store, worked out once per file contents (the same bytes are
    the same graph): they do not depend on the scan a test runs with, and pyshacl takes most of
    this module's time."""
    contents = tuple((path.suffix, path.read_bytes() if path.is_file() else None) for path in map(Path, paths))
    if None in (content for _, content in contents):  # a folder: not cached
        return sorted(map(key, validate_store(store).issues))
    if contents not in _PYSHACL:
        _PYSHACL[contents] = sorted(map(key, validate_store(store).issues))
    return list(_PYSHACL[contents])


def compare(paths):
    """Both set-based forms on the files' store give pyshacl's results; returns the scan's report."""
    data = open_data(paths)
    reference = pyshacl_issues(paths, data.store)
    for method in ("sparql", "scan"):
        fast = validate_with_engine(data.engine, load_shapes(), method=method)
        assert sorted(map(key, fast.issues)) == reference, method
    return fast


def test_every_component_on_the_defects_fixture():
    report = compare([FIXTURES / "defects.ttl"])
    components = {i.component.rsplit("#", 1)[-1] for i in report.issues}
    assert components >= {
        "MinCountConstraintComponent", "MaxCountConstraintComponent", "ClassConstraintComponent",
        "DatatypeConstraintComponent", "NodeKindConstraintComponent", "OrConstraintComponent",
        "LessThanOrEqualsConstraintComponent", "NodeConstraintComponent",
    }
    assert {i.severity for i in report.issues} == {"Violation", "Warning", "Info"}


def test_the_fixtures_and_the_conformance_files(conformance_cases):
    compare([FIXTURES / "mini.trig"])
    compare([conformance_cases])
    files = sorted(p for p in VALIDATE_CASES.glob("*.ttl") if p.name != "not-turtle.ttl")
    assert files
    for path in files:
        compare([path])


# Bundled graphs that, validated alone, show every kind of issue (severity, path, message,
# component) that the bundled graphs alone show: the quick subset compares these, the full
# suite every file (test_every_bundled_graph_alone checks that this sample still shows every kind).
BUNDLED_SAMPLE = ("armenia-azerbaijan.ttl", "budapest-memorandum.ttl", "cyprus-1974.ttl", "greece-serbia-1915.ttl",
                  "poland-1939-soviet.ttl")


def issue_kinds(report) -> set:
    return {(severity, path, message, component) for severity, _, path, message, _, component in map(key, report.issues)}


def test_bundled_graphs_all_together(bundled_graphs):
    # together, but without the accounts: they contradict each other by design and are
    # validated one view at a time (validate_data, validate.validate_views)
    assert compare(sorted(bundled_graphs.glob("*.ttl"))).conforms
    assert validate_data(open_data([bundled_graphs])).conforms


def test_a_sample_of_bundled_graphs_alone(bundled_graphs):
    # alone, each file misses what the others define: plenty of violations to compare
    for name in BUNDLED_SAMPLE:
        assert not compare([bundled_graphs / name]).conforms, name


@pytest.mark.slow  # pyshacl on each of the 45 bundled files: test_a_sample_of_bundled_graphs_alone is the quick part
def test_every_bundled_graph_alone(bundled_graphs):
    kinds = {path.name: issue_kinds(compare([path])) for path in sorted(bundled_graphs.glob("*.ttl"))}
    assert set(BUNDLED_SAMPLE) <= set(kinds)
    assert set().union(*(kinds[name] for name in BUNDLED_SAMPLE)) == set().union(*kinds.values())


def test_synthetic_graph_with_defects(tmp_path):
    path = tmp_path / "defects.ttl"
    path.write_text(synthesize(200, seed=4, defects=0.1).turtle)
    assert not compare([path]).conforms


def test_on_a_store_and_through_open_data(tmp_path):
    from cstograph.rules.readings import create_store_with_readings as create_store

    create_store(tmp_path / "s", [FIXTURES / "defects.ttl"])
    data = open_data(store=tmp_path / "s")
    reference = sorted(map(key, validate_data(data, "pyshacl").issues))
    assert reference
    for validator in ("sparql", "scan", "auto"):
        assert sorted(map(key, validate_data(data, validator, use_recorded=False).issues)) == reference, validator


def test_unsupported_shapes_are_refused_so_callers_fall_back():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:hasValue ex:v ; sh:message "m" ] .""", format="turtle")
    with pytest.raises(Unsupported):
        compile_shapes(shapes)
    compile_shapes(load_shapes())  # the shipped shapes compile


def test_validation_queries_as_shipped_are_valid_and_empty():
    data = open_data([FIXTURES / "mini.trig"])
    for spec in bundled_queries().values():
        if spec.kind == "validation" and spec.name != "shape-subclasses":
            assert data.engine.query(spec.text).rows == (), spec.name
    edges = data.engine.query(bundled_queries()["shape-subclasses"].text).rows
    assert (URIRef("https://w3id.org/cstograph/ns#ArmedAttack"), URIRef("https://w3id.org/cstograph/ns#Event")) in edges


COUNT_SHAPES = """
    @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:one ; sh:minCount 1 ; sh:maxCount 1 ; sh:message "exactly one" ] ;
        sh:property [ sh:path ex:two ; sh:minCount 2 ; sh:maxCount 2 ; sh:message "exactly two" ] ;
        sh:property [ sh:path ex:none ; sh:maxCount 0 ; sh:message "none" ] ;
        sh:property [ sh:path ex:part ; sh:node ex:Part ; sh:message "a part" ] .
    ex:Part a sh:NodeShape ;
        sh:property [ sh:path ex:label ; sh:minCount 1 ; sh:message "a part needs a label" ] ;
        sh:property [ sh:path ex:tag ; sh:minCount 2 ; sh:message "a part needs two tags" ] .
"""
COUNT_DATA = """
    @prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ex:ok a ex:C ; ex:one 1 ; ex:two 1, 2 ; ex:part ex:p1 .
    ex:p1 ex:label "p" ; ex:tag 1, 2 .
    ex:few a ex:C ; ex:two 1 ; ex:part ex:p2 .
    ex:p2 ex:tag 1 .
    ex:many a ex:C ; ex:one 1, "1", 2 ; ex:two 1, 2, 3 ; ex:none ex:x ; ex:part ex:p3, ex:p1 .
    ex:same a ex:C ; ex:one 1, 1.0 ; ex:two "a", "a"@en .
"""


def test_counts_of_one_and_other_counts_equal_pyshacl():
    """sh:minCount/sh:maxCount 1 go to the -one queries (no counting), other counts to the
    counting queries: both kinds, with values equal in SPARQL but different terms."""
    import pyoxigraph as ox

    from cstograph.engines.engine import OxigraphEngine
    from cstograph.rules.validate import validate_graph

    shapes = Graph().parse(data=COUNT_SHAPES, format="turtle")
    compiled = compile_shapes(shapes)
    assert {"min-count", "min-count-one", "max-count", "max-count-one", "node-min-count",
            "node-min-count-one"} <= set(compiled.rows)
    data = Graph().parse(data=COUNT_DATA, format="turtle")
    store = ox.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    reference = validate_graph(data, shapes)
    for method in ("sparql", "scan"):
        fast = validate_with_engine(OxigraphEngine(store), shapes, compiled, method=method)
        assert sorted(map(key, fast.issues)) == sorted(map(key, reference.issues)), method
    assert {(i.focus.rsplit("/", 1)[-1], i.message) for i in fast.issues} >= {
        ("few", "exactly one"), ("few", "exactly two"), ("many", "exactly one"), ("many", "exactly two"),
        ("many", "none"), ("same", "exactly one"), ("few", "a part")}

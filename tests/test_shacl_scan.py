"""The scan (shacl_scan: the compiled shapes read from embedded Oxigraph's indexes) gives the
validation queries' results, and pyshacl's, on graphs damaged at random, in named graphs and
account views, and on the corners where SPARQL's own meaning decides (<=, REGEX, node kinds)."""

from __future__ import annotations

import functools
import random
import re

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from cgtest import FIXTURES
from cstograph.engines.data import UsageError, open_data
from cstograph.engines.engine import OxigraphEngine
from cstograph.engines.queries import get_query
from cstograph.reading.rdf_files import load_shapes
from cstograph.reading.resources import ontology_path
from cstograph.reading.synth import synthesize
from cstograph.rules import shacl_scan
from cstograph.rules.fastshacl import compile_shapes, validate_with_engine
from cstograph.rules.shacl_scan import LEXICAL_FORMS
from cstograph.rules.validate import validate_graph
from cstograph.rules.validate_data import validate_data

CG = Namespace("https://w3id.org/cstograph/ns#")
EX = Namespace("http://example.org/damage/")


@pytest.fixture(autouse=True, params=["focus node by focus node", "path by path"])
def scan_way(request, monkeypatch):
    """Every test here runs with both scans (``shacl_scan`` chooses by the graph's size; the
    small graphs here would always take the path-by-path one)."""
    monkeypatch.setattr(shacl_scan, "by_path", lambda engine: request.param == "path by path")
    return request.param


BLANK_ID = re.compile(r"[Nn]?[0-9a-f]{16,}(b[0-9]+)?")  # rdflib's and Oxigraph's blank node ids (no value here looks so)


def key(issue):
    """An issue with blank node ids made equal: each store names its blank nodes its own way."""
    focus = issue.focus if ("://" in issue.focus or " " in issue.focus) else "_:bnode"
    value = "_:bnode" if issue.value and BLANK_ID.fullmatch(issue.value) else issue.value or ""
    return (issue.severity, focus, issue.path or "", issue.message, value, issue.component or "")


@functools.lru_cache(maxsize=1)
def bundled_shapes():
    """The bundled shapes and their compiled form, built once (compiling took a third of this
    file's time when each validation compiled them again)."""
    shapes = load_shapes()
    return shapes, compile_shapes(shapes)


def scanned(engine, shapes=None, compiled=None) -> list:
    if shapes is None:
        shapes, compiled = bundled_shapes()
    return sorted(map(key, validate_with_engine(engine, shapes, compiled, method="scan").issues))


def queried(engine, shapes=None, compiled=None) -> list:
    if shapes is None:
        shapes, compiled = bundled_shapes()
    return sorted(map(key, validate_with_engine(engine, shapes, compiled, method="sparql").issues))


def both(engine, shapes=None, compiled=None):
    return scanned(engine, shapes, compiled), queried(engine, shapes, compiled)


def damage(graph: Graph, rng: random.Random, share: float) -> Graph:
    """A copy of ``graph`` with about ``share`` of its triples changed in the ways data goes
    wrong: dropped, doubled, an IRI where a literal belongs and the reverse, a blank node, a
    malformed or mistyped date, a wrong class, a value of the wrong kind of node."""
    triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    damaged = Graph()
    iris = [o for _, _, o in triples if isinstance(o, URIRef)]
    for s, p, o in triples:
        if rng.random() >= share:
            damaged.add((s, p, o))
            continue
        kind = rng.randrange(9)
        if kind == 0:
            continue  # dropped
        damaged.add((s, p, o))
        if kind == 1:
            damaged.add((s, p, rng.choice(iris)))  # a second value, maybe of the wrong class
        elif kind == 2:
            damaged.remove((s, p, o))
            damaged.add((s, p, Literal(str(o))))  # an IRI as a string, or a date as a plain string
        elif kind == 3:  # (pyshacl cannot compare a blank node with sh:lessThanOrEquals: it stops)
            damaged.remove((s, p, o))
            damaged.add((s, p, Literal("unknown") if p in (CG.startDate, CG.endDate) else BNode()))
        elif kind == 4:
            damaged.remove((s, p, o))
            damaged.add((s, p, Literal(rng.choice(["2021-02-29", "2020-13-01", "1990-02-30", "2020-1-1"]),
                                       datatype=XSD.date)))
        elif kind == 5:
            damaged.add((s, p, Literal("2020-02-29T10:00:00Z", datatype=XSD.dateTime)))
        elif kind == 6:
            damaged.add((s, RDF.type, rng.choice([CG.State, CG.Alliance, CG.Event, EX.Unknown])))
        elif kind == 7:
            damaged.add((s, CG.endDate, Literal(rng.choice(["1900-01-01", "2099-12-31", "2020-06-01+05:00"]),
                                                datatype=XSD.date)))
        else:
            damaged.add((s, CG.wikidata, rng.choice([URIRef("http://www.wikidata.org/entity/Q42"),
                                                    URIRef("http://www.wikidata.org/wiki/Q42"),
                                                    Literal("Q42"), BNode()])))
    return damaged


def store_engine(dataset_text: str, fmt: str) -> OxigraphEngine:
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    store.load(dataset_text.encode(), format=fmt)
    return OxigraphEngine(store)


@functools.cache
def damaged_case(seed: int):
    """A damaged synthetic graph in a store, the validation queries' rows and pyshacl's: what
    does not depend on the scan is computed once for both scans (pyshacl took half this file's time)."""
    import pyoxigraph as ox

    rng = random.Random(seed)
    clean = Graph().parse(data=synthesize(40, seed=seed).turtle, format="turtle")
    damaged = damage(clean, rng, share=0.08)
    engine = store_engine(damaged.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    reference = validate_graph(damaged + Graph().parse(ontology_path(), format="turtle"), load_shapes())
    return engine, queried(engine), sorted(map(key, reference.issues))


@pytest.mark.parametrize("seed", range(6))
def test_damaged_graphs_give_the_queries_results_and_pyshacls(seed):
    engine, queries, reference = damaged_case(seed)
    scan = scanned(engine)
    assert scan == queries
    assert scan == reference
    assert len({row[-1] for row in scan}) >= 5  # the damage reached several constraint components


@functools.cache
def views_case(seed: int):
    """A damaged graph spread over named graphs and accounts, its views, and the validation
    queries' rows of each view (computed once for both scans)."""
    import pyoxigraph as ox

    rng = random.Random(100 + seed)
    clean = Graph().parse(data=synthesize(30, seed=seed).turtle, format="turtle")
    damaged = damage(clean, rng, share=0.05)
    dataset = Dataset()
    accounts = [EX[f"account{i}"] for i in range(2)]
    for i, account in enumerate(accounts):
        dataset.add((account, RDF.type, CG.Account))
        dataset.add((account, CG.accountOf, EX[f"state{i}"]))
    for triple in damaged:
        where = rng.randrange(6)
        if where <= 2:
            dataset.add(triple)
        elif where == 3:  # in the default graph and in a named graph
            dataset.add(triple)
            dataset.graph(EX.copy).add(triple)
        else:
            dataset.graph(accounts[where - 4]).add(triple)
    engine = store_engine(dataset.serialize(format="nquads"), ox.RdfFormat.N_QUADS)
    views = [engine, engine.view(frozenset()), *(engine.view(frozenset({str(a)})) for a in accounts)]
    return engine, {str(a) for a in accounts}, [(view, queried(view)) for view in views]


@pytest.mark.parametrize("seed", range(3))
def test_named_graphs_and_account_views(seed):
    """Facts spread over named graphs (the same triple in two of them counts once) and accounts
    whose graphs each view leaves out or takes in: scan and queries agree view by view."""
    engine, accounts, views = views_case(seed)
    assert engine.left_out() == accounts
    results = [(scanned(view), queries) for view, queries in views]
    for scan, queries in results:
        assert scan == queries
    assert len({tuple(scan) for scan, _ in results}) > 1  # the views differ: the test can tell them apart


CORNER_SHAPES = """
    @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/c/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:start ; sh:lessThanOrEquals ex:end ; sh:message "start after end" ] ;
        sh:property [ sh:path ex:link ; sh:pattern "^http://x\\\\.org/[0-9]+$" ; sh:message "bad link" ] ;
        sh:property [ sh:path ex:kind ; sh:nodeKind sh:BlankNodeOrIRI ; sh:message "not a node" ] ;
        sh:property [ sh:path ex:lit ; sh:nodeKind sh:Literal ; sh:message "not a literal" ] ;
        sh:property [ sh:path ex:typed ; sh:datatype xsd:dateTime ; sh:message "not a dateTime" ] ;
        sh:property [ sh:path ex:count ; sh:datatype xsd:integer ; sh:message "not an integer" ] ;
        sh:property [ sh:path ex:member ; sh:class ex:D ; sh:message "not a D" ] ;
        sh:property [ sh:path ex:either ; sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:string ] ) ; sh:message "neither" ] ;
        sh:property [ sh:path ex:never ; sh:maxCount 0 ; sh:message "none allowed" ] ;
        sh:property [ sh:path ex:two ; sh:minCount 2 ; sh:maxCount 3 ; sh:message "two or three" ] .
    ex:T a sh:NodeShape ; sh:targetSubjectsOf ex:flag ;
        sh:property [ sh:path ex:flag ; sh:datatype xsd:boolean ; sh:maxCount 1 ; sh:message "one boolean" ] .
"""
CORNER_DATA = """
    @prefix ex: <http://example.org/c/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ex:D2 rdfs:subClassOf ex:D .
    ex:a a ex:C ; ex:start 1 ; ex:end 2.5 ; ex:link <http://x.org/12> ; ex:kind ex:n ; ex:lit "x"@en ;
        ex:typed "2020-01-01T00:00:00"^^xsd:dateTime ; ex:count 7 ; ex:member [ a ex:D2 ] ;
        ex:either "2020-02-29"^^xsd:date, "text" ; ex:two 1, 2 ; ex:flag true .
    ex:b a ex:C ; ex:start "2020-01-02"^^xsd:date ; ex:end "2020-01-01"^^xsd:date ; ex:link "http://x.org/12x", [] ;
        ex:kind "lit" ; ex:lit ex:iri, [] ; ex:typed "2020-01-01"^^xsd:date, "2020-02-30T00:00:00"^^xsd:dateTime ;
        ex:count 1.5, "12"^^xsd:integer ; ex:member ex:n, "D" ; ex:either "2021-02-29"^^xsd:date, "t"@en ;
        ex:never 1 ; ex:two 1, 1.0, "1" , 2 ; ex:flag true, false .
    ex:c a ex:C ; ex:start "2020-01-01T10:00:00Z"^^xsd:dateTime ; ex:end "2020-01-01T12:00:00+05:00"^^xsd:dateTime ;
        ex:start "abc" ; ex:end "abd" ; ex:start [] ; ex:two 1 ; ex:flag "yes" .
    ex:d a ex:C ; ex:start "2020-01-01"^^xsd:date ; ex:end "2020-01-01T00:00:00"^^xsd:dateTime ; ex:start ex:iri ;
        ex:two 1, 2 .
"""


def test_corners_where_sparqls_own_meaning_decides():
    """<= across numbers, dates, times with zones, strings, IRIs and blank nodes; a pattern on a
    blank node and on literals; node kinds; malformed and mistyped literals; subclasses; counts
    of zero and more than one; a subjects-of target: scan, queries and pyshacl agree."""
    import pyoxigraph as ox

    shapes = Graph().parse(data=CORNER_SHAPES, format="turtle")
    data = Graph().parse(data="@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + CORNER_DATA,
                         format="turtle")
    store = ox.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    compiled = compile_shapes(shapes)
    scan, queries = both(OxigraphEngine(store), shapes, compiled)
    assert scan == queries
    # ex:c and ex:d hold what only SPARQL's <= decides: a time zone, a string against a time, a
    # blank node (pyshacl stops there), a date against a dateTime (no answer: a violation)
    ordered = {(row[1][-1], row[4]) for row in scan if row[3] == "start after end"}
    assert ordered == {("b", "2020-01-02"), ("c", "2020-01-01T10:00:00+00:00"), ("c", "abc"), ("c", "_:bnode"),
                       ("d", "2020-01-01"), ("d", "http://example.org/c/iri")}
    start, end = URIRef("http://example.org/c/start"), URIRef("http://example.org/c/end")
    compared = Graph()
    for s, p, o in data:
        if not (str(s)[-2:] in ("/c", "/d") and p in (start, end)):
            compared.add((s, p, o))
    reference = sorted(map(key, validate_graph(compared, shapes).issues))
    assert [row for row in scan if not (row[1][-2:] in ("/c", "/d") and row[3] == "start after end")] == reference
    messages = {(focus.rsplit("/", 1)[-1], message) for _, focus, _, message, _, _ in scan}
    assert {("b", "start after end"), ("b", "bad link"), ("b", "not a node"), ("b", "not a literal"),
            ("b", "not a dateTime"), ("b", "not an integer"), ("b", "not a D"), ("b", "neither"),
            ("b", "none allowed"), ("c", "two or three"), ("b", "one boolean"), ("c", "one boolean")} <= messages
    assert not {m for f, m in messages if f == "a"}  # the good node passes every check


def test_the_scans_lexical_forms_are_the_querys():
    """datatype.rq and shacl_scan check well-formed dates, times and integers with the same
    regular expressions (the query writes them as SPARQL strings)."""
    text = get_query("datatype").text
    in_query = {re.sub(r"\\(.)", r"\1", m) for m in re.findall(r'REGEX\(STR\(\?value\), "((?:[^"\\]|\\.)*)"\)', text)}
    assert in_query == set(LEXICAL_FORMS.values())


def test_validate_chooses_and_refuses_the_scan(runner, tmp_path):
    from cstograph.cli import app

    for validator in ("scan", "sparql", "auto"):
        result = runner.invoke(app, ["validate", str(FIXTURES / "defects.ttl"), "--validator", validator])
        assert result.exit_code == 1 and "1990-02-30" in result.stdout, validator
    result = runner.invoke(app, ["validate", "--engine", "rdflib", "--validator", "scan", str(FIXTURES / "defects.ttl")])
    assert result.exit_code == 2 and "--validator scan" in result.stderr and "Traceback" not in result.stderr
    result = runner.invoke(app, ["validate", "--endpoint", "http://127.0.0.1:9/query", "--validator", "scan"])
    assert result.exit_code == 2 and "SPARQL endpoint" in result.stderr and "--validator sparql" in result.stderr
    with pytest.raises(UsageError, match="does not run on --engine rdflib"):
        validate_data(open_data([FIXTURES / "defects.ttl"], engine="rdflib"), "scan")


def test_auto_scans_embedded_oxigraph_and_sends_no_validation_query(monkeypatch):
    """The default validator on files and stores is the scan: the validation queries (2.8x
    slower at 1M triples, bench/validators.py) are not run; asked for, they are."""
    sent = []
    query = OxigraphEngine.query

    def recording(self, text):
        sent.append(text)
        return query(self, text)

    monkeypatch.setattr(OxigraphEngine, "query", recording)
    data = open_data([FIXTURES / "defects.ttl"])
    scanned = validate_data(data)
    assert not [t for t in sent if "SELECT DISTINCT ?shape ?focus" in t]
    assert sorted(map(key, scanned.issues)) == sorted(map(key, validate_data(data, "sparql").issues))
    assert [t for t in sent if "SELECT DISTINCT ?shape ?focus" in t]


def test_counts_written_as_decimals_are_counts():
    """sh:minCount "2.0"^^xsd:decimal compares as SPARQL compares numbers: scan and queries agree."""
    import pyoxigraph as ox

    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/n/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:minCount "2.0"^^xsd:decimal ; sh:maxCount 2.5 ; sh:message "two" ] .""",
                           format="turtle")
    store = ox.Store()
    store.load(b"""@prefix ex: <http://example.org/n/> .
        ex:one a ex:C ; ex:p 1 . ex:two a ex:C ; ex:p 1, 2 . ex:three a ex:C ; ex:p 1, 2, 3 .""",
               format=ox.RdfFormat.TURTLE)
    scan, queries = both(OxigraphEngine(store), shapes)
    assert scan == queries
    assert {row[1].rsplit("/", 1)[-1] for row in scan} == {"one", "three"}


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown validation method 'fast'"):
        validate_with_engine(open_data([FIXTURES / "mini.trig"]).engine, load_shapes(), method="fast")


@pytest.mark.parametrize("seed", range(3))
def test_the_scans_bounded_caches_and_chunks_change_no_row(monkeypatch, seed):
    """The scan's look-up caches emptied after every two entries, and its VALUES checks sent three
    candidates at a time, give the rows of the default sizes on damaged graphs."""
    import pyoxigraph as ox

    from cstograph.rules import shacl_scan

    rng = random.Random(300 + seed)
    damaged = damage(Graph().parse(data=synthesize(40, seed=seed).turtle, format="turtle"), rng, share=0.08)
    engine = store_engine(damaged.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    default = scanned(engine)
    monkeypatch.setattr(shacl_scan, "CACHE_LIMIT", 2)
    monkeypatch.setattr(shacl_scan, "CHUNK", 3)
    assert scanned(engine) == default
    assert len({row[-1] for row in default}) >= 5  # (the last column of a key is the component)

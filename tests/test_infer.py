"""The materialised verdicts (queries/infer rules) equal the report on every graph: fixtures,
the conformance graph, the bundled graphs, and random graphs the rules were not written for."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from cgtest import CASES
from cstograph.cli import app
from cstograph.engines.engine import make_engine
from cstograph.engines.queries import run_named
from cstograph.namespaces import CG
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.classify import classify_requests
from cstograph.rules.infer import materialise, statuses
from randomgraphs import random_graph, reference_statuses

FIXTURES = sorted((CASES / "classify").glob("*.ttl")) + [CASES / "queries" / "small.ttl"]


def check_agreement(engine):
    report = {v.request: v.status for v in classify_requests(engine)}
    unmet_flat = {str(row[0]) for row in run_named(engine, "unmet-obligations").rows}
    inference = materialise(engine)
    assert statuses(inference.graph) == report
    assert unmet_flat == {r for r, s in report.items() if s == "unmet"}
    statuses_only = {str(r["request"]): str(r["status"]) for r in run_named(engine, "reading-status").records()}
    assert statuses_only == report
    assert inference.passes == 2  # stratified rules: complete after one pass, the second adds nothing
    return report, inference


@pytest.mark.parametrize("case", FIXTURES, ids=lambda p: p.stem)
def test_materialised_verdicts_equal_the_report(case, engine_for):
    check_agreement(engine_for(case))


def test_bundled_and_conformance(conformance, engine_for):
    check_agreement(engine_for())
    check_agreement(engine_for(conformance / "report" / "cases.ttl"))


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs(seed, tmp_path, engine_name):
    path = tmp_path / f"random-{seed}.ttl"
    random_graph(seed).serialize(path, format="turtle")
    report, _ = check_agreement(make_engine(engine_name, load_dataset([path])))
    assert len(report) == 8


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_with_the_coding_manual(seed, tmp_path, engine_name):
    """Graphs that also use the manual's terms (adversaries, help stages, its response and
    obligation types): every formulation, the Python reference and explain-events agree."""
    graph = random_graph(seed, manual=True)
    path = tmp_path / f"manual-{seed}.ttl"
    graph.serialize(path, format="turtle")
    engine = make_engine(engine_name, load_dataset([path]))
    report, inference = check_agreement(engine)
    assert report == reference_statuses(graph)
    triggering = {(str(s), str(o)) for s, o in inference.graph.subject_objects(CG.triggeringEvent)}
    explained = {(request, str(row["event"]))
                 for request in report
                 for row in run_named(engine, "explain-events", {"request": URIRef(request)}).records()
                 if row["satisfiesTrigger"].toPython() is True}
    assert explained == triggering


@functools.cache
def contract_graph_report(seed: int) -> tuple:
    """A random contract graph and the report's statuses on Oxigraph, computed once for the two
    tests below that read them."""
    graph = random_graph(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random-{seed}.ttl"
        graph.serialize(path, format="turtle")
        report = {v.request: v.status for v in classify_requests(make_engine("oxigraph", load_dataset([path])))}
    return graph, report


@pytest.mark.parametrize("seed", range(12))
def test_python_reference_agrees_on_contract_graphs(seed):
    graph, report = contract_graph_report(seed)
    assert report == reference_statuses(graph)


def test_manual_random_graphs_exercise_every_new_rule(tmp_path):
    """The manual's graphs are not vacuous: the adversary test, the help-stage test and the
    suspensions each change some status against the same graph without them."""
    changed_by = {"adversary": 0, "stage": 0, "suspension": 0}
    for seed in range(12):
        graph = random_graph(seed, manual=True)
        base = reference_statuses(graph)
        for name, predicate in (("adversary", CG.conditionAdversary), ("stage", CG.helpStage),
                                ("suspension", CG.suspendedIn)):
            stripped = Graph()
            stripped += graph
            stripped.remove((None, predicate, None))
            changed_by[name] += sum(base[r] != s for r, s in reference_statuses(stripped).items())
        if all(changed_by.values()):
            break  # each rule has changed a status: the later seeds cannot undo that
    assert changed_by["adversary"] > 0 and changed_by["stage"] > 0 and changed_by["suspension"] > 0


def test_random_graphs_cover_every_status():
    seen = set()
    for seed in range(12):
        seen |= set(contract_graph_report(seed)[1].values())
    assert seen == {"met", "unmet", "not-triggered"}


def test_obliged_allies_exclude_requester_and_attacker(engine_for):
    engine = engine_for(CASES / "classify" / "attacker-is-member.ttl")
    derived = materialise(engine).graph
    allies = {(str(s).rsplit("/", 1)[1], str(o).rsplit("/", 1)[1]) for s, o in derived.subject_objects(CG.obligedAlly)}
    assert allies == {("rIntra", "C"), ("rIntraUnanswered", "C")}


def test_obliged_allies_are_members_on_the_request_date(engine_for):
    derived = materialise(engine_for(CASES / "queries" / "small.ttl")).graph
    # r1 (2022): A asks; B left the League in 1999 (and is the attacker); C is the only ally.
    assert set(derived.objects(URIRef("http://example.org/q/r1"), CG.obligedAlly)) == {URIRef("http://example.org/q/C")}
    assert set(derived.objects(URIRef("http://example.org/q/r2"), CG.obligedAlly)) == set()


def test_inference_does_not_touch_the_input():
    dataset = load_dataset([CASES / "queries" / "small.ttl"])
    before = len(list(dataset.quads((None, None, None, None))))
    materialise(make_engine("oxigraph", dataset))
    assert len(list(dataset.quads((None, None, None, None)))) == before


def test_infer_command(runner, tmp_path):
    out = tmp_path / "verdicts.ttl"
    result = runner.invoke(app, ["infer", str(CASES / "queries" / "small.ttl"), "-o", str(out)])
    assert result.exit_code == 0 and "Wrote" in result.stderr
    derived = Graph().parse(out)
    assert (URIRef("http://example.org/q/r1"), CG.status, CG.Unmet) in derived
    assert len(list(derived.objects(None, CG.statusReason))) == 2
    full = tmp_path / "full.nt"
    assert runner.invoke(app, ["infer", str(CASES / "queries" / "small.ttl"), "-o", str(full), "--with-data"]).exit_code == 0
    assert len(Graph().parse(full)) > len(derived)


def test_infer_errors_leave_existing_files_alone(runner, tmp_path):
    out = tmp_path / "verdicts.ttl"
    out.write_text("# precious\n")
    bad = runner.invoke(app, ["infer", str(CASES / "shapes" / "invalid-request-parties.ttl"), "-o", str(out)])
    assert bad.exit_code == 1 and out.read_text() == "# precious\n"
    unreadable = runner.invoke(app, ["infer", str(tmp_path / "missing.ttl"), "-o", str(out)])
    assert unreadable.exit_code == 2 and out.read_text() == "# precious\n"
    suffix = runner.invoke(app, ["infer", str(CASES / "queries" / "small.ttl"), "-o", str(tmp_path / "v.csv")])
    assert suffix.exit_code == 2 and "cannot tell the output format" in suffix.stderr
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize("seed", [3, 8])
def test_rules_inside_oxigraph_add_what_the_rdflib_graph_path_adds(seed, tmp_path):
    """materialise(with_graph=False) keeps each rule's triples inside Oxigraph: the store ends
    with the same triples, and the same counts per rule, as the path through rdflib graphs."""
    path = tmp_path / "random.ttl"
    random_graph(seed).serialize(path, format="turtle")
    through_rdflib = make_engine("oxigraph", load_dataset([path]))
    inside = make_engine("oxigraph", load_dataset([path]))
    slow = materialise(through_rdflib, with_reasons=False)
    fast = materialise(inside, with_reasons=False, with_graph=False)
    assert len(fast.graph) == 0 and len(slow.graph) > 0
    assert fast.added_by_rule == slow.added_by_rule and fast.passes == slow.passes
    every = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    assert set(inside.query(every).rows) == set(through_rdflib.query(every).rows)


def test_a_copy_of_the_facts_is_the_view_without_derived_triples():
    """Data.copy dumps the graphs a view is made of (not a CONSTRUCT of every triple) and drops
    the derived predicates: the same triples as the CONSTRUCT, for the undisputed data, each
    account's view and every graph, with derived triples asserted in the data and in an account."""
    import pyoxigraph as ox

    from cstograph.engines.data import _COPY_FACTS, copy_of
    from cstograph.engines.engine import OxigraphEngine

    store = ox.Store()
    store.load(input=(CASES / "accounts" / "contested.trig").read_bytes(), format=ox.RdfFormat.TRIG)
    store.load(input=b"""@prefix cg: <https://w3id.org/cstograph/ns#> . @prefix ex: <http://example.org/acc/> .
        ex:r1 cg:status cg:Unmet ; cg:obligedAlly ex:B .
        ex:accountX { ex:r2 cg:status cg:Met ; cg:statusReason "asserted" . ex:e2 ex:note "kept" . }""",
               format=ox.RdfFormat.TRIG)
    engine = OxigraphEngine(store)
    views = [engine, engine.view(frozenset()), engine.view(frozenset({"http://example.org/acc/accountY"}))]
    for view in views:
        expected = {(t.subject, t.predicate, t.object) for t in store.query(_COPY_FACTS, **view.dataset_options())}
        copied = {(q.subject, q.predicate, q.object) for q in copy_of(view, None).store}
        assert copied == expected
        assert not any(p.value == str(CG.status) for _, p, _ in copied)
    notes = [{o for _, p, o in (
        (q.subject, q.predicate, q.object) for q in copy_of(view, None).store) if p.value == "http://example.org/acc/note"}
        for view in views]
    assert notes == [set(), {ox.Literal("kept")}, {ox.Literal("kept")}]  # accountX left out of the first view only


@pytest.mark.parametrize("seed", range(4))
def test_one_pass_of_the_rules_leaves_what_the_fixpoint_leaves(seed, tmp_path):
    """The ally tables and the export run one pass (prove=False): the same store as the fixpoint."""
    path = tmp_path / f"random-{seed}.ttl"
    random_graph(seed, requests=20).serialize(path, format="turtle")
    stores = []
    for prove in (True, False):
        engine = make_engine("oxigraph", load_dataset([path]))
        inference = materialise(engine, with_reasons=False, with_graph=False, prove=prove)
        assert inference.passes == (2 if prove else 1)
        stores.append({(q.subject, q.predicate, q.object) for q in engine.store})
    assert stores[0] == stores[1]
    assert any(p.value == str(CG.obligedAlly) for _, p, _ in stores[0])

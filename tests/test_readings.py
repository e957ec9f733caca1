"""Readings of the coding manual: each reading flips what it should on the fixtures, equals the
rules run on a graph whose ontology was edited by hand, classifies again only the requests it can
change, and leaves every other view of the data as it was."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal

from cgtest import CASES, ENGINES
from cstograph.cli import app
from cstograph.engines.data import open_data
from cstograph.namespaces import CG
from cstograph.rules.readings import affected_requests, reading_engine, readings_in, statuses_under
from cstograph.rules.verdicts import verdicts
from randomgraphs import random_graph, reference_statuses

CLASSIFY = CASES / "classify"
EX = "http://example.org/t/"


def flips(paths, engine="oxigraph"):
    """request local name -> {reading local name: status} for the non-robust verdicts."""
    data = open_data(paths, engine=engine)
    found = {}
    for v in verdicts(data, with_readings=True):
        assert v.robust is (not v.readings)
        found[v.request.rsplit("/", 1)[1]] = {r.reading.rsplit("#", 1)[1]: r.status for r in v.readings}
    return found


@pytest.mark.parametrize("engine", ENGINES)
def test_each_reading_flips_what_it_edits(engine):
    assert flips([CLASSIFY / "action-against-attacker.ttl"], engine) == {
        "rOffensive": {"ReadingHelpToAllyOnly": "unmet"},
        "rOffensiveMeasuresClause": {},
        "rDecision": {"ReadingCollectiveDecisionsCount": "met"},
        "rDeclared": {"ReadingWarEntryCounts": "met"},
    }
    stages = flips([CLASSIFY / "help-stages.ttl"], engine)
    assert {r for r, f in stages.items() if f} == {"rAnnounced", "rPromised", "rOffered"}
    assert all(f == {"ReadingAnnouncedHelpCounts": "met"} for f in stages.values() if f)
    assert flips([CLASSIFY / "opinion-of-a-party.ttl"], engine) == {
        "rOpinionAbroad": {}, "rOpinionNowhere": {}, "rOpinionNotMember": {},
        "rThreatAbroad": {"ReadingThreatByJudgment": "unmet"},
    }


def edited(graph_of_ontology: Graph, reading) -> Graph:
    for triple in reading.removes:
        graph_of_ontology.remove(triple)
    for triple in reading.adds:
        graph_of_ontology.add(triple)
    return graph_of_ontology


def test_a_reading_equals_the_rules_on_an_edited_ontology(tmp_path):
    """Under each reading, the reading view's statuses equal the Python statement of the rules
    run with the ontology edited by hand, for every request (affected or not), on random graphs
    that use the manual's terms; and the readings do flip some verdicts there."""
    flipped = set()
    for seed in range(4):
        graph = random_graph(seed, manual=True, requests=12)
        path = tmp_path / f"manual-{seed}.ttl"
        graph.serialize(path, format="turtle")
        data = open_data([path])
        marked = {v.request: v for v in verdicts(data, with_readings=True)}
        assert {r: v.status for r, v in marked.items()} == reference_statuses(graph)
        for reading in readings_in(data.engine):
            expected = reference_statuses(graph, edit=lambda g, reading=reading: edited(g, reading))
            got = {r: next((x.status for x in v.readings if x.reading == reading.iri), v.status)
                   for r, v in marked.items()}
            assert got == expected, (seed, reading.label)
            if any(got[r] != marked[r].status for r in got):
                flipped.add(reading.iri.rsplit("#", 1)[1])
    assert len(flipped) >= 2, flipped  # threat and help-stage readings; the fixtures flip the others


def test_only_the_affected_requests_are_classified_again(tmp_path):
    """A request a reading cannot reach has the same status under it: classifying every request
    on the reading's view changes none outside the affected ones."""
    graph = random_graph(3, manual=True, requests=20)
    path = tmp_path / "manual.ttl"
    graph.serialize(path, format="turtle")
    data = open_data([path])
    base = {v.request: v.status for v in verdicts(data)}
    every = sorted(base)
    for reading in readings_in(data.engine):
        affected = set(affected_requests(data.engine, reading))
        assert affected <= set(every)
        if not reading.edits:
            assert affected == set()
            continue
        under = statuses_under(reading_engine(data.engine, reading, private=True), every)
        assert {r for r in every if under[r] != base[r]} <= affected, reading.label


def test_a_users_own_reading_in_a_file(runner, tmp_path):
    own = tmp_path / "my-reading.ttl"
    own.write_text("""@prefix cg: <https://w3id.org/cstograph/ns#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/mine/> .
ex:StatementsCount a cg:Reading ; rdfs:label "statements count" ;
    rdfs:comment "A diplomatic statement honours a guarantee of status." ;
    cg:readingAdds ex:statementFulfils .
ex:statementFulfils a rdf:Statement ; rdf:subject cg:DiplomaticStatement ; rdf:predicate cg:fulfils ;
    rdf:object cg:GuaranteeOfStatus .
""")
    case = CLASSIFY / "guarantee-of-status.ttl"
    shown = runner.invoke(app, ["report", "--all", "-f", "json", str(case), str(own)])
    assert shown.exit_code == 0, shown.output
    rows = {r["request"].rsplit("/", 1)[1]: r for r in json.loads(shown.stdout)}
    assert rows["rStatement"]["robust"] is False
    assert rows["rStatement"]["readings"] == [
        {"reading": "http://example.org/mine/StatementsCount", "label": "statements count", "status": "met"}]
    assert all(rows[r]["robust"] for r in ("rDemand", "rTroops", "rDefenceDemand"))
    under = runner.invoke(app, ["report", "--all", "-f", "json", "--reading", "statements count", str(case), str(own)])
    assert {r["request"].rsplit("/", 1)[1]: r["status"] for r in json.loads(under.stdout)}["rStatement"] == "met"
    bad = runner.invoke(app, ["report", "--reading", "nothing like it", str(case)])
    assert bad.exit_code == 2 and "no reading 'nothing like it'" in bad.stderr


def test_readings_leave_the_other_views_as_they_were(tmp_path):
    """After the readings' graphs are written into the store, queries on the data see the same
    default graph and the same named graphs as before (GRAPH ?g included)."""
    data = open_data([CASES / "accounts" / "contested.trig"])
    every = "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    before = sorted(map(str, data.engine.query(every).rows))
    marked = verdicts(data, with_readings=True)
    assert any(not v.robust for v in marked)
    assert sorted(map(str, data.engine.query(every).rows)) == before
    assert [v.status for v in verdicts(data)] == [v.status for v in marked]


def test_a_store_keeps_the_readings_it_was_loaded_with(runner, tmp_path):
    case = CLASSIFY / "action-against-attacker.ttl"
    store = tmp_path / "store"
    assert runner.invoke(app, ["load", str(case), "--store", str(store)]).exit_code == 0
    from_files = json.loads(runner.invoke(app, ["report", "--all", "-f", "json", str(case)]).stdout)
    from_store = json.loads(runner.invoke(app, ["report", "--all", "-f", "json", "--store", str(store)]).stdout)
    assert [(r["request"], r["status"], r["robust"], r["readings"]) for r in from_store] == [
        (r["request"], r["status"], r["robust"], r["readings"]) for r in from_files]


def test_reliability_gives_the_share_met_under_each_reading(runner):
    shown = runner.invoke(app, ["reliability", "-f", "json", "--by", "type",
                                str(CLASSIFY / "action-against-attacker.ttl")])
    assert shown.exit_code == 0, shown.output
    shares: dict[str, tuple[int, int]] = {}  # decided and met, summed over the obligation types' rows
    for row in json.loads(shown.stdout)["invocations"]:
        decided, met = shares.get(row["reading"].rsplit("#", 1)[1], (0, 0))
        shares[row["reading"].rsplit("#", 1)[1]] = (decided + row["decided"], met + row["met"])
    assert shares["ReadingDefault"] == (4, 1)
    assert shares["ReadingHelpToAllyOnly"] == (4, 0)
    assert shares["ReadingWarEntryCounts"] == (4, 2)
    assert shares["ReadingCollectiveDecisionsCount"] == (4, 2)


def test_explain_names_the_readings_that_flip_it(runner):
    shown = runner.invoke(app, ["explain", "rDeclared", str(CLASSIFY / "action-against-attacker.ttl")])
    assert "(not robust: met under 'entering the war honours a defence pact (the LLM and B-F rule)')" in shown.stdout
    as_json = json.loads(runner.invoke(app, ["explain", "rDeclared", "-f", "json",
                                             str(CLASSIFY / "action-against-attacker.ttl")]).stdout)
    assert as_json["verdict"]["robust"] is False
    assert as_json["verdict"]["readings"][0]["reading"] == str(CG.ReadingWarEntryCounts)
    robust = runner.invoke(app, ["explain", "rOffensiveMeasuresClause", str(CLASSIFY / "action-against-attacker.ttl")])
    assert "(robust: the same under every reading of the coding manual)" in robust.stdout


def test_readings_literal_edits_keep_their_datatype():
    (reading,) = [r for r in readings_in(open_data([CLASSIFY / "help-stages.ttl"]).engine)
                  if r.iri == str(CG.ReadingAnnouncedHelpCounts)]
    assert (CG.HelpAnnounced, CG.countsAsDelivered, Literal(True)) in set(reading.adds)


def test_the_readings_queries_on_a_fixture():
    from cstograph.engines.queries import run_named

    engine = open_data([CLASSIFY / "help-stages.ttl"]).engine
    rows = run_named(engine, "readings").records()
    announced = [r for r in rows if str(r["reading"]) == str(CG.ReadingAnnouncedHelpCounts)]
    assert {(str(r["change"]), str(r["subject"]).rsplit("#", 1)[1], str(r["object"])) for r in announced} == {
        (change, stage, value) for change, value in (("add", "true"), ("remove", "false"))
        for stage in ("HelpAnnounced", "HelpPromised", "HelpOffered")}
    reached = {str(r["request"]).rsplit("/", 1)[1]
               for r in run_named(engine, "affected-requests", {"touched": CG.HelpAnnounced}).records()}
    assert reached == {"rAnnounced", "rAnnouncedThenDelivered"}

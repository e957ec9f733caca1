"""A kept answer computed a batch of requests at a time (engines/batched_answers.py) is the
unbound query's answer line for line: every kept answer of a store (request-status, responses,
request-sources, unmet-obligations, and request-labels for the name index), on the bundled
graphs (accounts, labelled events) and on a synthetic graph given the cases batches could get
wrong (suspensions, a request with two dates or two addressees, labels in two languages, help
stages), at several batch sizes."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from cgtest import FIXTURES
from cstograph.engines import batched_answers
from cstograph.engines.engine import OxigraphEngine
from cstograph.engines.queries import get_query
from cstograph.engines.store import load_files

MINI = FIXTURES / "mini.trig"
CG = "PREFIX cg: <https://w3id.org/cstograph/ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " \
     "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
SIZES = [1, 7, 1000]
# every query a streamed store keeps the answer of, computed in batches
KEPT = ["request-status", "responses", "request-sources", "unmet-obligations", "request-labels"]


def unbound_rows(engine, text: str) -> list[str]:
    buffer = io.BytesIO()
    engine.raw_query(text).serialize(buffer, format=ox.QueryResultsFormat.TSV)
    return buffer.getvalue().decode("utf-8").splitlines()


def batched_rows(engine, text: str, path, size: int) -> list[str]:
    assert batched_answers.write_in_batches(engine, text, path, size)
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def bundled():
    return OxigraphEngine(load_files(None).store)


@pytest.fixture(scope="module")
def synthetic(synth_small):
    """synth_small and the mini fixture, with suspensions between requesters and the states they
    asked (in force, and ended before the request), a request with a second date, one with a
    second addressee, events on no territory with labels (English and French), and states with two labels."""
    store = load_files([synth_small[0], MINI]).store
    engine = OxigraphEngine(store)
    to_states = list(engine.raw_query(
        CG + "SELECT ?request ?requester ?addressee ?alliance ?date WHERE { ?request a cg:AssistanceRequest ; "
        "cg:requester ?requester ; cg:addressee ?addressee ; cg:invokes ?o ; cg:date ?date . ?addressee a cg:State . "
        "?o cg:inTreaty ?t . ?alliance cg:foundedOn ?t } ORDER BY ?request LIMIT 3"))
    assert len(to_states) == 3
    for number, row in enumerate(to_states):
        ended = ' ; cg:endDate "1900-01-02"^^xsd:date' if number == 2 else ""
        party, toward = (row["requester"], row["addressee"]) if number else (row["addressee"], row["requester"])
        store.update(CG + f'INSERT DATA {{ <urn:test:suspension{number}> a cg:Suspension ; cg:suspendingParty {party} ; '
                     f'cg:suspendedToward {toward} ; cg:suspendedIn {row["alliance"]} ; '
                     f'cg:startDate "1900-01-01"^^xsd:date{ended} }}')
    store.update(CG + 'INSERT { ?r cg:date "1999-01-02"^^xsd:date } WHERE { ?r a cg:AssistanceRequest '
                 'FILTER (STRENDS(STR(?r), "req5")) }')
    store.update(CG + "INSERT { ?r cg:addressee ?other } WHERE { ?r a cg:AssistanceRequest ; cg:requester ?q "
                 'FILTER (STRENDS(STR(?r), "req8")) ?other a cg:State FILTER (?other != ?q) } ')
    store.update(CG + 'INSERT { ?r cg:concerns ?e . ?e a cg:ArmedAttack ; rdfs:label ?text, ?french } WHERE { '
                 '?r a cg:AssistanceRequest FILTER (STRENDS(STR(?r), "1")) '
                 'BIND (IRI(CONCAT("urn:test:event-", STRAFTER(STR(?r), "synth/"))) AS ?e) '
                 'BIND (CONCAT("Event of ", STRAFTER(STR(?r), "synth/")) AS ?text) '
                 'BIND (STRLANG(CONCAT("Evenement de ", STRAFTER(STR(?r), "synth/")), "fr") AS ?french) }')
    store.update(CG + 'INSERT { ?s rdfs:label ?l } WHERE { ?s a cg:State ; rdfs:label ?l0 '
                 'BIND (STRLANG(CONCAT(STR(?l0), " (en)"), "en") AS ?l) }')
    # help stages on some responses (one delivered, one only promised), and a request with a label
    store.update(CG + 'INSERT { ?x cg:helpStage ?stage } WHERE { ?x cg:respondsTo ?r '
                 'FILTER (STRENDS(STR(?r), "req2") || STRENDS(STR(?r), "req3")) '
                 'BIND (IF(STRENDS(STR(?r), "req2"), <urn:test:delivered>, <urn:test:promised>) AS ?stage) }')
    store.update(CG + 'INSERT DATA { <urn:test:delivered> cg:countsAsDelivered true ; rdfs:label "delivered" . '
                 '<urn:test:promised> rdfs:label "promised"@en, "promis"@fr }')
    store.update(CG + 'INSERT { ?r rdfs:label "The fourth request"@en } WHERE { ?r a cg:AssistanceRequest '
                 'FILTER (STRENDS(STR(?r), "req4")) }')
    return engine


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", KEPT)
def test_kept_answers_in_batches_are_the_unbound_answers_on_the_bundled_graphs(bundled, tmp_path, name, size):
    text = get_query(name).text
    rows = unbound_rows(bundled, text)
    assert len(rows) > 20
    assert batched_rows(bundled, text, tmp_path / "batched.tsv", size) == rows


@pytest.mark.parametrize("size", SIZES)
def test_request_status_in_batches_is_the_unbound_answer_on_a_synthetic_graph(synthetic, tmp_path, size):
    text = get_query("request-status").text
    rows = unbound_rows(synthetic, text)
    assert len(rows) > 60
    assert sum("had suspended its obligations toward" in row for row in rows) == 2  # the ended one: none
    assert sum("\t\"1999-01-02\"^^" in row for row in rows) == 1  # the second date, in its own place
    assert any("Event of req" in row for row in rows)  # events on no territory, named by their label
    assert batched_rows(synthetic, text, tmp_path / "batched.tsv", size) == rows


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", KEPT[1:])
def test_the_other_kept_answers_in_batches_are_the_unbound_answers_on_a_synthetic_graph(synthetic, tmp_path,
                                                                                          name, size):
    text = get_query(name).text
    rows = unbound_rows(synthetic, text)
    assert len(rows) > 20
    assert batched_rows(synthetic, text, tmp_path / "batched.tsv", size) == rows


def test_the_synthetic_graph_holds_what_the_other_answers_could_get_wrong(synthetic):
    """The comparisons above see help stages, a request with two dates and a labelled request."""
    responses = unbound_rows(synthetic, get_query("responses").text)
    assert any('"delivered"' in row for row in responses) and any('"promised"' in row for row in responses)
    labels = unbound_rows(synthetic, get_query("request-labels").text)
    assert any('"The fourth request"' in row for row in labels)
    assert sum(row.split("\t")[0].endswith("req5>") for row in labels) == 2
    unmet = unbound_rows(synthetic, get_query("unmet-obligations").text)
    assert len(unmet) > 10


def test_each_kept_answer_is_planned_in_batches(synthetic):
    """What each query's batches are cut on: the ORDER BY variables up to the request's
    (request-sources: its order goes on with aggregates; request-labels: the date comes from a
    plain OPTIONAL; unmet-obligations: the main pattern is its leading sub-select's)."""
    partitions = {name: batched_answers.plan(synthetic, get_query(name).text).partition for name in KEPT}
    assert partitions == {"request-status": ("date", "request"), "responses": ("request",),
                          "request-sources": ("request",), "unmet-obligations": ("date", "request"),
                          "request-labels": ("date", "request")}


def test_the_plan_answers_once_what_is_not_about_the_request(synthetic):
    """The per-obligation and per-state parts are answered once and cut to each batch; the
    per-request parts are bound to the batch; the memberships are cut in place."""
    plan = batched_answers.plan(synthetic, get_query("request-status").text)
    kinds = {sub.projected[1] if len(sub.projected) > 1 else sub.projected[0]: (sub.kind, sub.key)
             for sub in plan.subselects}
    assert kinds["treaty"] == ("once", "obligation") and kinds["requesterName"] == ("once", "requester")
    assert kinds["suspensionText"] == ("once", "request")
    assert kinds["alliance"][0] == kinds["fulfilling"][0] == "bound"
    assert kinds["memberOf"] == ("cut", "requester") and kinds["eventName"] == ("cut", "e")


def test_an_emptied_table_gives_other_rows(synthetic, tmp_path):
    """The comparisons above can fail: with a table answered once emptied, the batches' rows
    differ from the unbound answer."""
    text = get_query("request-status").text
    plan = batched_answers.plan(synthetic, text)
    labels = next(sub for sub in plan.subselects if "requesterName" in sub.projected)
    plan.tables.drop(labels.table)
    keys, values = next(batched_answers._batches(synthetic, plan, 1000))
    rows = unbound_rows(synthetic, plan.batch_text(keys, values, plan.cut_values(synthetic, plan.requests(keys))))
    expected = unbound_rows(synthetic, text)
    assert len(rows) == len(expected) and rows != expected


@pytest.mark.parametrize("name", KEPT[1:])
def test_an_emptied_batch_table_fails_the_other_answers(synthetic, monkeypatch, tmp_path, name):
    """The same for each other kept answer: a batch's top VALUES table (the partition tuples it
    is bound to) emptied, the batches give no rows, or fewer, and the comparison fails."""
    text = get_query(name).text
    original = batched_answers.BatchPlan.batch_text

    def emptied(self, keys, values, cuts=None):
        return original(self, keys[:0] if keys == first[0] else keys, values, cuts)

    first = []
    real_batches = batched_answers._batches

    def remember(engine, plan, size):
        for keys, values in real_batches(engine, plan, size):
            first.append(keys) if not first else None
            yield keys, values

    monkeypatch.setattr(batched_answers, "_batches", remember)
    monkeypatch.setattr(batched_answers.BatchPlan, "batch_text", emptied)
    assert batched_rows(synthetic, text, tmp_path / "batched.tsv", 7) != unbound_rows(synthetic, text)


def test_queries_batches_cannot_reproduce_are_left_to_the_caller(synthetic, tmp_path):
    """A query without ORDER BY (reading-status, affected-requests), or whose leading sub-select
    is one branch of a UNION: not batched (the caller answers it unbound), and no file."""
    for name in ("reading-status", "affected-requests"):
        path = tmp_path / f"{name}.tsv"
        assert not batched_answers.write_in_batches(synthetic, get_query(name).text, path)
        assert not path.exists()
    union = ("SELECT ?request ?x WHERE { { SELECT ?request ?x WHERE { ?request <urn:p> ?x } } UNION "
             "{ SELECT ?request ?x WHERE { ?request <urn:q> ?x } } } ORDER BY ?request")
    assert not batched_answers.write_in_batches(synthetic, union, tmp_path / "union.tsv")


def test_a_request_that_is_a_blank_node_leaves_the_answer_unbound(tmp_path, synth_small):
    """VALUES cannot name a blank node: the batches stop, the file goes, the caller answers unbound."""
    store = load_files([synth_small[0]]).store
    store.update(CG + "INSERT { _:r a cg:AssistanceRequest ; cg:requester ?q ; cg:addressee ?a ; cg:invokes ?o ; "
                 'cg:date "9999-01-01"^^xsd:date } WHERE { ?x a cg:AssistanceRequest ; cg:requester ?q ; '
                 "cg:addressee ?a ; cg:invokes ?o } ")
    engine = OxigraphEngine(store)
    assert len(unbound_rows(engine, get_query("request-status").text)) == 2 * 60 + 1
    path = tmp_path / "status.tsv"
    assert not batched_answers.write_in_batches(engine, get_query("request-status").text, path, 1)
    assert not path.exists()


def test_files_over_the_budget_answer_request_status_from_a_file_made_in_batches(monkeypatch, synth_small):
    """report FILE past the memory budget reads request-status from the temporary store's kept
    answer, written batch by batch when first asked for; files within the budget have none."""
    from pathlib import Path

    from cstograph.engines import store as store_module
    from cstograph.engines.data import open_data
    from cstograph.engines.engine import query_key

    path, _ = synth_small
    key = query_key(get_query("request-status").text)
    assert not open_data([path]).engine.materialised  # in memory: every query asked of Oxigraph
    monkeypatch.setenv(store_module.MEMORY_BUDGET_VARIABLE, "0")
    data = open_data([path])
    answer = data.engine.materialised.get(key)
    assert answer is not None and Path(answer).name == "request-status.tsv"
    unbound = data.engine.raw_query(get_query("request-status").text)
    written = io.BytesIO()
    unbound.serialize(written, format=ox.QueryResultsFormat.TSV)
    assert Path(answer).read_bytes() == written.getvalue()

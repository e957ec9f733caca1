"""queries/views/*.rq on the three-request fixture, on both engines."""

import pytest

from cgtest import ENGINES
from cstograph.engines.queries import run_named
from views_support import EX, loaded


def short(term):
    return None if term is None else str(term).replace(EX, "ex:").replace("https://w3id.org/cstograph/ns#", "cg:")


@pytest.mark.parametrize("engine", ENGINES)
def test_view_nodes_kinds_labels_dates(engine):
    _, eng = loaded(engine=engine)
    rows = {short(r["node"]): r for r in run_named(eng, "view-nodes").records()}
    kinds = {node: str(r["kind"]) for node, r in rows.items()}
    assert kinds == {
        "ex:Ardia": "state", "ex:Borova": "state", "ex:Cazan": "state", "ex:League": "alliance",
        "ex:Pact": "treaty", "ex:art5": "obligation", "ex:m1": "membership", "ex:m2": "membership",
        "ex:e1": "event", "ex:e2": "event", "ex:e3": "event", "ex:r1": "request", "ex:r2": "request",
        "ex:r3": "request", "ex:p1": "response", "ex:p2": "response", "ex:p3": "response",
    }
    assert str(rows["ex:League"]["altLabel"]) == "NPO"
    assert str(rows["ex:r1"]["date"]) == "2010-03-02"
    assert (str(rows["ex:e1"]["startDate"]), str(rows["ex:e1"]["endDate"])) == ("2010-03-01", "2010-03-03")
    assert str(rows["ex:p1"]["detail"]) == "diplomatic statement"
    assert str(rows["ex:art5"]["detail"]) == "Article 5, collective defence"
    assert str(rows["ex:e3"]["detail"]) == "internal unrest"
    assert str(rows["ex:r1"]["sources"]) == "Fixture chronicle <http://example.org/chronicle>"
    assert rows["ex:Cazan"]["sources"] is None


@pytest.mark.parametrize("engine", ENGINES)
def test_view_edges_story_relations(engine):
    _, eng = loaded(engine=engine)
    rows = {(short(r["source"]), str(r["relation"]), short(r["target"])): r for r in run_named(eng, "view-edges").records()}
    assert len(rows) == 27
    assert ("ex:p2", "respondsTo", "ex:r2") in rows
    assert ("ex:e1", "attacker", "ex:Cazan") in rows
    assert str(rows[("ex:r1", "invokes", "ex:art5")]["relationLabel"]) == "invokes"
    member = rows[("ex:Borova", "memberOf", "ex:League")]
    assert (str(member["startDate"]), str(member["endDate"]), short(member["via"])) == ("2000-01-01", "2030-01-01", "ex:m2")
    assert rows[("ex:Ardia", "memberOf", "ex:League")]["endDate"] is None


@pytest.mark.parametrize("engine", ENGINES)
def test_alliance_labels(engine):
    _, eng = loaded(engine=engine)
    rows = [(short(r["alliance"]), str(r["label"]), str(r["altLabel"])) for r in run_named(eng, "alliance-labels").records()]
    assert rows == [("ex:League", "Northern Pact Organisation", "NPO")]


@pytest.mark.parametrize("engine", ENGINES)
def test_case_nodes_is_one_case(engine):
    from rdflib import URIRef

    _, eng = loaded(engine=engine)
    nodes = {short(r["node"]) for r in run_named(eng, "case-nodes", {"request": URIRef(EX + "r2")}).records()}
    # r2 (Borova asks the League, answered by Ardia's troops): not r1 or r3, though they share states
    assert nodes == {"ex:r2", "ex:Borova", "ex:League", "ex:art5", "ex:Pact", "ex:e2", "ex:Cazan", "ex:p2", "ex:Ardia"}
    assert not list(run_named(eng, "case-nodes", {"request": URIRef(EX + "Borova")}).records())


@pytest.mark.parametrize("engine", ENGINES)
def test_node_names_give_labels_and_the_case_of_requests_and_responses(engine):
    _, eng = loaded(engine=engine)
    rows = {short(r["node"]): r for r in run_named(eng, "node-names").records()}
    assert "ex:m1" not in rows and str(rows["ex:Pact"]["kind"]) == "treaty"
    assert (str(rows["ex:League"]["label"]), str(rows["ex:League"]["altLabel"])) == ("Northern Pact Organisation", "NPO")
    cases = {node: short(r["request"]) for node, r in rows.items() if r["request"] is not None}
    assert cases == {"ex:r1": "ex:r1", "ex:r2": "ex:r2", "ex:r3": "ex:r3", "ex:p1": "ex:r1", "ex:p2": "ex:r2", "ex:p3": "ex:r3"}


@pytest.mark.parametrize("engine", ENGINES)
def test_alliance_case_nodes_are_its_cases(engine, tmp_path):
    from rdflib import URIRef

    from cstograph.engines.engine import make_engine
    from cstograph.reading.rdf_files import load_dataset
    from views_support import THREE

    data = tmp_path / "two-alliances.ttl"
    data.write_text(THREE.read_text() + "\nex:Other a cg:Alliance ; rdfs:label \"Southern League\" ; cg:foundedOn ex:SouthPact .\n"
                    "ex:SouthPact a cg:Treaty .\n")
    eng = make_engine(engine, load_dataset([data]))
    nodes = {short(r["node"]) for r in run_named(eng, "alliance-case-nodes", {"alliance": URIRef(EX + "League")}).records()}
    # the League's three cases (the memberships are edges, not nodes), not the other alliance or its treaty
    assert nodes == {"ex:League", "ex:Pact", "ex:art5", "ex:Ardia", "ex:Borova", "ex:Cazan", "ex:e1", "ex:e2", "ex:e3",
                     "ex:r1", "ex:r2", "ex:r3", "ex:p1", "ex:p2", "ex:p3"}
    other = {short(r["node"]) for r in run_named(eng, "alliance-case-nodes", {"alliance": URIRef(EX + "Other")}).records()}
    assert other == {"ex:Other"}  # no request: the alliance alone
    assert not list(run_named(eng, "alliance-case-nodes", {"alliance": URIRef(EX + "Pact")}).records())

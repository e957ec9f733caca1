"""A suspension of obligations between two members (cg:Suspension; coding manual, section 1.1):
who is left out of the obliged allies, the reason a request between the two is not triggered,
and the ANZUS case (the United States suspended its obligations to New Zealand on 11 August
1986; New Zealand stayed a party). The statuses of tests/cases/classify/suspension.ttl are
checked, for every formulation of the rules, by test_classification.py and test_infer.py."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from cgtest import CASES
from cstograph.engines.queries import run_named
from cstograph.namespaces import CG
from cstograph.rules.classify import classify_requests
from cstograph.rules.infer import materialise

FIXTURE = CASES / "classify" / "suspension.ttl"
T = "http://example.org/t/"
DATA = "https://w3id.org/cstograph/data/"


def obliged(engine) -> dict[str, set[str]]:
    derived = materialise(engine).graph
    allies: dict[str, set[str]] = {}
    for request, ally in derived.subject_objects(CG.obligedAlly):
        allies.setdefault(str(request).rsplit("/", 1)[1], set()).add(str(ally).rsplit("/", 1)[1])
    return allies


def test_suspended_parties_are_not_obliged_to_each_other(engine_for):
    allies = obliged(engine_for(FIXTURE))
    # in force: B is left out of the allies obliged to A, whoever A asked
    assert allies["rToAlliance"] == {"C"} and allies["rToThird"] == {"C"}
    # the day before it and the day after it, B is obliged again
    assert allies["rDayBefore"] == {"B", "C"} and allies["rDayAfter"] == {"B", "C"}
    # a suspension in the League does not reach the Pact
    assert allies["rOtherAlliance"] == {"B"}
    # requests between the two are not triggered, so nobody is obliged by them
    assert not {"rToSuspender", "rFromSuspender", "rOnFirstDay", "rOnLastDay", "rHelpedAnyway"} & set(allies)


def test_the_reason_names_the_suspension(engine_for):
    reasons = {v.request.rsplit("/", 1)[1]: v.reason for v in classify_requests(engine_for(FIXTURE))}
    assert reasons["rToSuspender"] == (
        "Not triggered: B had suspended its obligations toward A under League from 1986-08-11, so B and A "
        "owed each other nothing under it on 1987-03-02 (both remained members).")
    assert reasons["rFromSuspender"].startswith("Not triggered: B had suspended its obligations toward A under League")
    assert reasons["rNoTriggerEither"].startswith(
        "Not triggered: B had suspended its obligations toward A under League from 1986-08-11, so B and A owed "
        "each other nothing under it on 1987-03-02 (both remained members); and the trigger condition")
    assert reasons["rNoTriggerEither"].endswith("(the request concerns: armed attack on the territory of C).")
    assert "suspended" not in reasons["rDayBefore"] + reasons["rToAlliance"] + reasons["rOtherAlliance"]


def test_unmet_query_leaves_out_the_suspended_requests(engine_for):
    unmet = {str(row[0]).rsplit("/", 1)[1] for row in run_named(engine_for(FIXTURE), "unmet-obligations").rows}
    assert unmet == {"rDayBefore", "rDayAfter", "rToThird"}


def test_anzus_new_zealand_stays_a_member_and_is_not_obliged_to_the_united_states(engine_for, bundled_graphs):
    engine = engine_for(bundled_graphs / "anzus.ttl")
    members = {str(r["member"]).rsplit("/", 1)[1]
               for r in run_named(engine, "members-on-date", {"onDate": Literal("2001-09-14", datatype=XSD.date)}).records()
               if str(r["alliance"]) == DATA + "ANZUS"}
    assert members == {"UnitedStates", "Australia", "NewZealand"}
    request = DATA + "request-2001-09-14-ANZUS-Article4"
    assert obliged(engine) == {"request-2001-09-14-ANZUS-Article4": {"Australia"}}
    assert {v.request: v.status for v in classify_requests(engine)} == {request: "met"}
    suspension = URIRef(DATA + "suspension-1986-08-11-US-NewZealand")
    sources = {str(s) for s in Graph().parse(bundled_graphs / "anzus.ttl").objects(suspension, DCTERMS.source)}
    assert sources == {DATA + "src-sunsentinel-1986-08-12", DATA + "src-press-1986-08-13"}


def test_explain_names_the_suspension(engine_for):
    from cstograph.rules.explain import explain_request

    engine = engine_for(FIXTURE)
    rows = run_named(engine, "explain-suspensions", {"request": URIRef(T + "rToSuspender")}).records()
    assert [(str(r["suspension"]), r["inForce"].toPython(), r["withAddressee"].toPython()) for r in rows] == [
        (T + "suspension", True, True)]
    steps = {name: [s for s in explain_request(engine, T + name).steps if s.kind == "suspension"]
             for name in ("rToSuspender", "rToAlliance", "rDayAfter", "rOtherAlliance")}
    assert [s.holds for s in steps["rToSuspender"]] == [False]
    assert steps["rToSuspender"][0].text.endswith("in force on 1987-03-02, so B and A owed each other nothing under it, "
                                                  "and the request was addressed to it.")
    assert [s.holds for s in steps["rToAlliance"]] == [None] and "B is not among the obliged allies" in steps["rToAlliance"][0].text
    assert steps["rDayAfter"][0].text.endswith("not in force on 1991-01-01.")
    assert steps["rOtherAlliance"] == []  # the suspension is in the League, the request under the Pact

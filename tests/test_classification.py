"""The classification rules of the data contract, one fixture graph per rule and edge.

Each case file under cases/classify/ states its expected statuses in '#! expect' lines; every
case runs on every engine, and the flat unmet-obligations query must agree with the full
request-status query on which requests are unmet.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cgtest import CASES, expectations
from cstograph.engines.queries import run_named
from cstograph.rules.classify import classify_requests

CLASSIFY_CASES = sorted((CASES / "classify").glob("*.ttl"))


@pytest.mark.parametrize("case", CLASSIFY_CASES, ids=lambda p: p.stem)
def test_statuses_follow_the_contract(case: Path, engine_for):
    expected = {request: status for request, status in expectations(case, "expect")}
    assert expected, f"{case.name} states no expectations"
    verdicts = {v.request: v.status for v in classify_requests(engine_for(case))}
    assert verdicts == expected


@pytest.mark.parametrize("case", CLASSIFY_CASES, ids=lambda p: p.stem)
def test_flat_unmet_query_agrees_with_request_status(case: Path, engine_for):
    engine = engine_for(case)
    unmet_flat = {str(row[0]) for row in run_named(engine, "unmet-obligations").rows}
    unmet_full = {v.request for v in classify_requests(engine) if v.status == "unmet"}
    assert unmet_flat == unmet_full


def test_conformance_graph(conformance, engine_for):
    expected = json.loads((conformance / "report" / "expected.json").read_text())
    verdicts = {v.request: v.status for v in classify_requests(engine_for(conformance / "report" / "cases.ttl"))}
    assert verdicts == expected


def comparable(verdict):
    """A verdict with its reason as a bag of words: GROUP_CONCAT's order is up to the engine."""
    return verdict.__class__(**{**verdict.__dict__, "reason": sorted(re.findall(r"[\w'-]+", verdict.reason))})


@pytest.mark.slow  # every column on rdflib too
def test_engines_agree_on_every_column():
    """Oxigraph and rdflib give identical verdicts, reasons and responses on every case."""
    from cstograph.engines.engine import make_engine
    from cstograph.reading.rdf_files import load_dataset

    for case in CLASSIFY_CASES + [None]:
        paths = [case] if case else []
        results = [
            [comparable(v) for v in classify_requests(make_engine(name, load_dataset(paths)))]
            for name in ("oxigraph", "rdflib")
        ]
        assert results[0] == results[1], case


def test_reasons_name_the_failed_condition(engine_for):
    verdicts = {v.request.rsplit("/", 1)[1]: v for v in classify_requests(engine_for(CASES / "classify" / "territory.ttl"))}
    assert "does not hold for" in verdicts["rElsewhere"].reason
    assert "on the territory of X" in verdicts["rElsewhere"].reason
    assert "no recorded territory" in verdicts["rNowhere"].reason
    members = {v.request.rsplit("/", 1)[1]: v for v in classify_requests(engine_for(CASES / "classify" / "former-and-future-members.ttl"))}
    assert "was not a member, on 2005-01-02" in members["rFormer"].reason
    assert members["rRejoined"].reason.startswith("Triggered")
    mixed = {v.request.rsplit("/", 1)[1]: v for v in classify_requests(engine_for(CASES / "classify" / "consultation-vs-defence.ttl"))}
    assert "refusal" in mixed["rRefused"].reason and "fact-finding mission" in mixed["rRefused"].reason
    assert "fulfilled by consultations" in mixed["rConsultMet"].reason


def test_reasons_of_the_coding_manual(engine_for):
    """The reason names a clause's adversaries, an alliance of "Parties to ..." reads as such, an
    event with a label but no territory is named, and an invocation for a member that did not ask
    for help says so; an announced response is listed with its stage."""
    adversary = {v.request.rsplit("/", 1)[1]: v.reason for v in classify_requests(engine_for(CASES / "classify" / "condition-adversary.ttl"))}
    assert "'armed attack on member territory' against G does not hold for P" in adversary["rOther"]
    assert "against G, S holds" in adversary["rSecondOfTwo"]
    invoked = {v.request.rsplit("/", 1)[1]: v.reason for v in classify_requests(engine_for(CASES / "classify" / "beneficiary-not-asking.ttl"))}
    assert "U was one of the Parties to the Inter-American Treaty and" in invoked["rInvoked"]
    assert invoked["rInvoked"].endswith("The clause was invoked for U, which is not on record asking for any help.")
    assert "the raid (armed attack, on no recorded territory)" in invoked["rNamedEventNowhere"]
    assert "not on record" not in invoked["rNamedEventNowhere"]
    stages = {v.request.rsplit("/", 1)[1]: v.reason for v in classify_requests(engine_for(CASES / "classify" / "help-stages.ttl"))}
    assert "(responses received: military deployment (announced))." in stages["rAnnounced"]


def test_fulfilment_is_dated_by_the_first_delivered_response(engine_for):
    verdicts = {v.request.rsplit("/", 1)[1]: v for v in classify_requests(engine_for(CASES / "classify" / "help-stages.ttl"))}
    both = verdicts["rAnnouncedThenDelivered"]
    assert [(r.stage_label, r.fulfils) for r in both.responses] == [("announced", False), ("delivered", True)]
    assert both.days_to_first_response == 3 and both.days_to_fulfilment == 20
    assert verdicts["rAnnounced"].days_to_fulfilment is None
    assert verdicts["rNoStage"].responses[0].stage_label == "" and verdicts["rNoStage"].days_to_fulfilment == 1


def test_explain_counts_days_in_words(engine_for):
    from cstograph.rules.explain import explain_request

    engine = engine_for(CASES / "classify" / "help-stages.ttl")
    texts = [s.text for s in explain_request(engine, "http://example.org/t/rNoStage").steps if s.kind == "response"]
    assert texts == ["2001-09-17: B responded with arms supply, which fulfils the obligation (1 day after the request)."]
    announced = [s.text for s in explain_request(engine, "http://example.org/t/rAnnounced").steps if s.kind == "response"]
    assert "(announced), which fulfils nothing the obligation asks for until help is delivered (3 days after" in announced[0]


def test_responses_are_attached_to_their_request(engine_for):
    verdicts = {v.request.rsplit("/", 1)[1]: v for v in classify_requests(engine_for(CASES / "classify" / "response-to-another-request.ttl"))}
    assert verdicts["r1"].responses == ()
    (response,) = verdicts["r2"].responses
    assert response.type.endswith("#MilitaryDeployment") and response.fulfils and response.date == "2010-01-05"


def test_bundled_graphs_tell_the_founding_story(engine_name):
    from cstograph.reading.rdf_files import load_dataset
    from helpers import assess

    verdicts = assess(load_dataset(), engine_name)
    by_date = {}
    for v in verdicts:
        by_date.setdefault(v.date, []).append(v)
    sept = {v.addressee_label: v for v in by_date["2022-09-13"]}
    csto = next(v for name, v in sept.items() if "Collective Security" in name)
    assert csto.status == "unmet"
    assert any(r.type.endswith("#FactFindingMission") for r in csto.responses)
    russia = sept["Russia"]
    assert russia.status == "unmet"
    (appeal_2020,) = by_date["2020-10-31"]
    # Article 2 of the 1997 treaty: "whenever, in the opinion of one of them" (coding manual, section 2.1):
    # triggered wherever the war was; a statement does not fulfil a consultation clause
    assert appeal_2020.status == "unmet" and appeal_2020.contested == ()
    (kazakhstan,) = by_date["2022-01-05"]
    assert kazakhstan.status == "not-triggered"
    assert any(r.type.endswith("#MilitaryDeployment") for r in kazakhstan.responses)


def test_the_lists_in_a_reason_come_in_one_order_whatever_the_engines_group_concat_gave():
    """GROUP_CONCAT's order is the engine's: two Oxigraph stores with the same triples gave
    'diplomatic statement, fact-finding mission' and 'fact-finding mission, diplomatic statement'.
    The lists are sorted from the columns request-status returns beside the reason, whatever
    words the sentence puts around them."""
    from cstograph.rules.classify import canonical_reason

    unmet = "Triggered (A was a member of X and 'armed attack' holds), but no response fulfils collective defence (responses received: {})."
    met = "Triggered (A was a member of X and 'armed attack' holds); fulfilled by {}, which honours collective defence."
    untriggered = "Not triggered: A was not a member; and the trigger condition 'armed attack' does not hold for A (the request concerns: {})."
    reworded = "Whatever the words, {} stays one list."
    for template, column, items, separator in (
            (unmet, "received", ["refusal", "diplomatic statement", "assistance offer"], ", "),
            (met, "fulfilling", ["troop deployment", "arms delivery"], ", "),
            (untriggered, "events", ["internal unrest on the territory of B (2010)", "border clash"], "; "),
            (reworded, "adversaries", ["Zeta", "Alpha"], ", ")):
        orders = {canonical_reason(template.format(separator.join(order)), {column: separator.join(order)})
                  for order in (items, items[::-1])}
        assert orders == {template.format(separator.join(sorted(items)))}


def test_the_reason_of_a_verdict_quotes_its_lists_sorted():
    """On the bundled graphs, every list a reason quotes is in sorted order (the response types
    of the Armenian appeal of 2022 to the CSTO are several)."""
    import cstograph

    engine = cstograph.open().engine()
    lists = 0
    for verdict in classify_requests(engine):
        for quoted in re.findall(r"\(responses received: (.*)\)\.$", verdict.reason):
            items = quoted.split(", ")
            lists += len(items) > 1
            assert items == sorted(items), verdict.reason
    assert lists >= 1


@pytest.mark.parametrize("seed", [1, 4])
def test_verdicts_of_some_statuses_equal_the_full_list_filtered(tmp_path, seed):
    """``statuses`` builds only those verdicts (responses and sources read for them alone): the
    same verdicts, responses and sources as filtering the full list, on any mix of statuses."""
    from cstograph.engines.data import open_data
    from cstograph.reading.synth import synthesize
    from cstograph.rules.classify import STATUSES, request_statuses

    path = tmp_path / "synth.ttl"
    path.write_text(synthesize(90, seed=seed).turtle)
    engine = open_data([path]).engine
    every = classify_requests(engine)
    assert {v.status for v in every} == set(STATUSES) - {"pending"}  # the synthetic requests are years old
    assert request_statuses(engine) == {v.request: v.status for v in every}
    for wanted in ({"unmet"}, {"met", "not-triggered"}, set(STATUSES), set()):
        chosen = classify_requests(engine, statuses=wanted)
        assert chosen == [v for v in every if v.status in wanted]
    with pytest.raises(ValueError, match="unknown status late"):
        classify_requests(engine, statuses={"late"})


def test_one_request_bound_to_its_parties_gives_its_row_of_the_full_report(tmp_path):
    """A verdict asked for one request binds request-status to the request's requester,
    addressee and obligation as well (request-parties.rq); it equals that request's verdict in
    the full list, and a request with two requesters (kept with --force) falls back to the
    request alone and still agrees."""
    from rdflib import URIRef

    from cstograph.engines.data import open_data
    from cstograph.engines.queries import run_named
    from cstograph.reading.synth import synthesize
    from cstograph.rules.classify import request_statuses

    text = synthesize(20, seed=6).turtle  # met, unmet and not-triggered requests (checked below)
    twice = "http://example.org/synth/req3"
    text += f"\n<{twice}> <https://w3id.org/cstograph/ns#requester> <http://example.org/synth/state1> .\n"
    path = tmp_path / "synth.ttl"
    path.write_text(text)
    engine = open_data([path]).engine
    parties = run_named(engine, "request-parties").records()
    assert len([p for p in parties if str(p["request"]) == twice]) == 2
    assert {str(p["request"]) for p in parties} == {v.request for v in classify_requests(engine)}
    every = classify_requests(engine)
    assert {v.status for v in every} == {"met", "unmet", "not-triggered"}
    statuses = request_statuses(engine)
    for verdict in every:
        assert classify_requests(engine, URIRef(verdict.request)) == [
            v for v in every if v.request == verdict.request]
        assert request_statuses(engine, URIRef(verdict.request)) == {
            r: s for r, s in statuses.items() if r == verdict.request}


PENDING = CASES / "classify" / "pending.ttl"


def test_pending_in_every_formulation(engine_name):
    """The 30-day window, both ends included, in the report (Python), request-status and
    unmet-obligations bound to the window, and the status rule of `infer`."""
    import datetime as dt

    from cstograph.engines.engine import make_engine
    from cstograph.reading.rdf_files import load_dataset
    from cstograph.rules.classify import pending_bindings
    from cstograph.rules.infer import materialise, statuses

    rows = expectations(PENDING, "as-of")
    (day,) = {row[0] for row in rows}
    as_of = dt.date.fromisoformat(day)
    expected = {request: status for _, request, status in rows}
    engine = make_engine(engine_name, load_dataset([PENDING]))
    assert {v.request: v.status for v in classify_requests(engine, as_of=as_of)} == expected
    window = pending_bindings(as_of)
    assert {str(r["request"]): str(r["status"]) for r in run_named(engine, "request-status", window).records()} == expected
    unmet = {str(row[0]) for row in run_named(engine, "unmet-obligations", window).rows}
    assert unmet == {r for r, s in expected.items() if s == "unmet"}
    assert statuses(materialise(make_engine(engine_name, load_dataset([PENDING])), as_of=as_of).graph) == expected


def test_pending_in_the_report_and_explain(runner):
    from cstograph.cli import app

    shown = runner.invoke(app, ["report", "--all", "-f", "json", "--as-of", "2022-10-13", str(PENDING)])
    assert shown.exit_code == 0, shown.output
    rows = {r["request"].rsplit("/", 1)[1]: r for r in json.loads(shown.stdout)}
    assert rows["rDay30"]["status"] == "pending" and rows["rDay31"]["status"] == "unmet"
    assert rows["rDay0"]["reason"].startswith("Pending: Triggered (A was a member of L")
    assert "within the pending window before 2022-10-13" in rows["rDay0"]["reason"]
    later = runner.invoke(app, ["report", "--all", "-f", "json", "--as-of", "2022-10-14", str(PENDING)])
    assert {r["request"].rsplit("/", 1)[1]: r["status"] for r in json.loads(later.stdout)}["rDay30"] == "unmet"
    unmet_only = runner.invoke(app, ["report", "-f", "json", "--as-of", "2022-10-13", str(PENDING)])
    assert [r["request"].rsplit("/", 1)[1] for r in json.loads(unmet_only.stdout)] == ["rDay31"]
    explained = runner.invoke(app, ["explain", "rDay0", "--as-of", "2022-10-13", str(PENDING)])
    assert "Verdict: PENDING" in explained.stdout

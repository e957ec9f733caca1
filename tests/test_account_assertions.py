"""Accounts say what they dispute: an account counts for a request only when it asserts something
about the request's facts (queries/viewpoints/account-assertions.rq, rules/accounts.py)."""

from __future__ import annotations

import json

import pytest

import cstograph
from cgtest import CASES, ENGINES
from cstograph.cli import app
from cstograph.rules.account_assertions import assertions_by_request

FIXTURE = CASES / "accounts" / "assertions.trig"
EX = "http://example.org/assert/"
CG = "https://w3id.org/cstograph/ns#"


@pytest.fixture(scope="module")
def kg():
    return cstograph.open(FIXTURE)


def test_query_lists_the_assertions_about_each_requests_facts(kg):
    rows = [{k: (str(v) if v is not None else None) for k, v in r.items()}
            for r in kg.query("account-assertions").records()]
    found = {(r["request"][len(EX):], r["account"][len(EX):], r["role"], r["property"].rsplit("#", 1)[-1]) for r in rows}
    assert ("r1", "accountX", "event", "onTerritoryOf") in found
    assert ("r1", "accountX", "event", "attacker") in found
    assert ("r1", "accountY", "event", "onTerritoryOf") in found
    assert ("r1", "accountV", "response", "responseType") in found  # a response only the account has
    assert ("r1", "accountV", "membership", "endDate") in found  # the requester's membership
    assert ("r2", "accountW", "event", "attacker") in found
    assert not {f for f in found if f[1] == "accountZ"}  # a label and a source are not facts
    assert not {f for f in found if f[1] == "accountU"}  # the vocabulary is no request's fact
    assert not {f for f in found if f[0] == "r1" and f[1] == "accountW"}
    territory = next(r for r in rows if r["account"] == EX + "accountY")
    assert (territory["valueLabel"], territory["undisputed"] or "", territory["subjectIsNew"]) == ("Borduria", "", "false")
    only = kg.query("account-assertions", request=EX + "r2", account=EX + "accountW").records()
    assert [str(r["property"]) for r in only] == [CG + "attacker"]


def test_only_the_accounts_that_assert_something_are_listed(kg):
    by_request = {v.request[len(EX):]: v for v in kg.verdicts()}
    r1, r2 = by_request["r1"], by_request["r2"]
    assert r1.status == "not-triggered" and r2.status == "unmet"
    assert [(a.account[len(EX):], a.status) for a in r1.contested] == [
        ("accountV", "not-triggered"), ("accountX", "unmet"), ("accountY", "not-triggered")]
    # accountU asserts nothing about r2's facts, but its view gives another status: never hidden
    assert [(a.account[len(EX):], a.status, len(a.disputes)) for a in r2.contested] == [
        ("accountU", "met", 0), ("accountV", "not-triggered", 1), ("accountW", "unmet", 1)]
    x = next(a for a in r1.contested if a.account.endswith("accountX"))
    assert sorted(d.text for d in x.disputes) == [
        "names Borduria as the attacker in the incursion; the undisputed data names no attacker",
        "places the incursion on the territory of Arland; the undisputed data records no territory"]
    # the account's sources that are also the event's: Arland's statement
    assert {s.title for d in x.disputes for s in d.sources} == {"Arland's statement"}
    v = next(a for a in r1.contested if a.account.endswith("accountV"))
    assert "adds the League declines (refusal, 2021-05-20); the undisputed data does not" in [d.text for d in v.disputes]


def test_report_and_explain_name_the_disputed_fact(runner):
    rows = json.loads(runner.invoke(app, ["report", "--all", "-f", "json", "--force", str(FIXTURE)]).stdout)
    r1 = next(r for r in rows if r["request"] == EX + "r1")
    x = next(c for c in r1["contested"] if c["account"] == EX + "accountX")
    assert x["status"] == "unmet"
    assert {d["property"] for d in x["disputes"]} == {CG + "onTerritoryOf", CG + "attacker"}
    assert all(d["sources"] and d["text"] for d in x["disputes"])
    markdown = runner.invoke(app, ["report", "--all", "-f", "markdown", "--force", str(FIXTURE)]).stdout
    assert ("unmet according to Arland's account, which names Borduria as the attacker in the incursion "
            "(the undisputed data names no attacker) and places it on the territory of Arland") in markdown
    assert "A chronicler's account" not in markdown and "other account" not in markdown
    text = runner.invoke(app, ["explain", EX + "r1", "--force", str(FIXTURE)]).stdout
    assert "What the accounts dispute:" in text
    assert "Borduria's account (not-triggered) places the incursion on the territory of Borduria" in text
    assert "source: Arland's statement" in text


def test_bundled_contested_requests_list_only_the_accounts_that_speak():
    kg = cstograph.open()
    said = assertions_by_request(kg.data)
    contested = {v.request.rsplit("/", 1)[1]: v for v in kg.verdicts() if v.contested}
    for name, v in contested.items():  # every listed account speaks of the request or differs
        for a in v.contested:
            assert a.account in said.get(v.request, {}) or a.status != v.status, (name, a.label)
        silent = {a.iri for a in kg.accounts} - set(said.get(v.request, {}))
        assert not {a.account for a in v.contested if a.status == v.status} & silent, name
    listed = {name: sorted(a.label.split("'")[0].split()[0] for a in v.contested) for name, v in contested.items()}
    assert listed["request-2021-05-13-Armenia-CSTO"] == ["Armenian", "Azerbaijani"]  # 7 accounts before
    assert listed["request-2022-01-05-Kazakhstan-CSTO"] == ["CSTO", "Kazakh"]
    assert listed["request-2022-10-19-Kyrgyzstan-CSTO"] == ["Kyrgyz", "Tajik"]
    may = contested["request-2021-05-13-Armenia-CSTO"]
    armenia = next(a for a in may.contested if a.label.startswith("Armenian"))
    assert any(d.text.startswith("places Azerbaijani troop advance") and
               d.text.endswith("on the territory of Armenia; the undisputed data records no territory")
               for d in armenia.disputes)


def test_site_request_page_names_what_each_account_asserts(kg):
    from cstograph.output.site import gather, render_site
    from cstograph.output.site.__init__ import ontology_files

    data = gather(kg)
    files = render_site(data, ontology_files())
    page = files[data.href("request", EX + "r1", 0)].decode("utf-8")
    assert "what it asserts" in page
    assert "Places the incursion on the territory of Arland; the undisputed data records no territory." in page
    assert "Arland&#x27;s statement" in page or "Arland's statement" in page  # its source
    assert "A chronicler" not in page and "A witness" not in page


CONTESTED_MEMBERSHIP = """
@prefix cg: <https://w3id.org/cstograph/ns#> .
@prefix ex: <http://example.org/assert/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:src a cg:Source ; dcterms:title "Depositary's record" .
ex:C a cg:State ; rdfs:label "Carpania" . ex:D a cg:State ; rdfs:label "Dorvia" .
ex:T a cg:Treaty ; rdfs:label "Charter" . ex:L a cg:Alliance ; rdfs:label "League" ; cg:foundedOn ex:T .
ex:consult a cg:Obligation ; cg:inTreaty ex:T ; cg:article "Article 6" ; cg:obligationType cg:Consultation ;
    cg:triggerCondition cg:ThreatToMember .
ex:mD a cg:Membership ; cg:member ex:D ; cg:alliance ex:L ; cg:startDate "1990-01-01"^^xsd:date ; dcterms:source ex:src .
ex:crisis a cg:Event ; rdfs:label "the crisis" ; cg:onTerritoryOf ex:C ; cg:startDate "2019-01-10"^^xsd:date ; dcterms:source ex:src .
ex:r3 a cg:AssistanceRequest ; cg:requester ex:C ; cg:addressee ex:L ; cg:invokes ex:consult ; cg:concerns ex:crisis ;
    cg:date "2019-09-09"^^xsd:date ; dcterms:source ex:src .
ex:x3 a cg:Response ; cg:respondsTo ex:r3 ; cg:responder ex:L ; cg:responseType cg:CouncilConsultation ;
    cg:date "2019-09-11"^^xsd:date ; dcterms:source ex:src .
ex:assembly a cg:Account ; rdfs:label "The Assembly's account" ; cg:accountOf ex:C ; dcterms:source ex:src .
ex:assembly {
    ex:mC a cg:Membership ; rdfs:label "Carpania in the League again" ; cg:member ex:C ; cg:alliance ex:L ;
        cg:startDate "2019-08-06"^^xsd:date ; dcterms:source ex:src .
}
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_membership_only_an_account_records_is_what_it_disputes(tmp_path, engine):
    """A contested accession (coding manual 1.1): the membership is in the claimant's account only;
    on the undisputed data the request is not triggered, the account's view is met, and what the
    account asserts is the membership (role membership, a node the undisputed data lack)."""
    path = tmp_path / "contested-membership.trig"
    path.write_text(CONTESTED_MEMBERSHIP, encoding="utf-8")
    kg = cstograph.open(path, engine=engine)
    rows = kg.query("account-assertions").records()
    found = {(str(r["request"])[len(EX):], str(r["account"])[len(EX):], str(r["role"]), str(r["subject"])[len(EX):])
             for r in rows}
    assert ("r3", "assembly", "membership", "mC") in found
    (verdict,) = kg.verdicts()
    assert verdict.status == "not-triggered"
    (account,) = verdict.contested
    assert account.status == "met"
    assert [d.text for d in account.disputes] == [
        "adds Carpania in the League again (membership, 2019-08-06); the undisputed data does not"]

"""Issue 3: explanations, accounts, as-of dates, ally-level duties, reliability and selectivity."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cgtest import CASES
from cstograph.cli import app
from cstograph.engines.data import open_data
from cstograph.errors import CstographError
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.allies import ally_duties, reliability, selectivity
from cstograph.rules.explain import explain_request, find_request
from cstograph.rules.validate import validate_views
from cstograph.rules.validate_data import validate_data
from helpers import assess, assess_data, open_engine, verdict_keys
from test_fastshacl import key as issue_key

# The bundled queries these tests run through allies.py and explain.py (see test_queries.py).
QUERIES_RUN_HERE = ("ally-responses", "selectivity", "explain-obligation", "explain-memberships",
                    "explain-events", "explain-conditions", "request-labels", "accounts")
ACCOUNTS = CASES / "accounts" / "contested.trig"
ALLIES = CASES / "allies" / "allies.ttl"
SMALL = CASES / "queries" / "small.ttl"


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


# ---------------------------------------------------------------- accounts


def test_contested_only_where_accounts_differ_on_the_deciding_fact(engine_name):
    verdicts = {local(v.request): v for v in assess(load_dataset([ACCOUNTS]), engine_name)}
    assert verdicts["r1"].status == "not-triggered"
    assert {(a.label, a.status) for a in verdicts["r1"].contested} == {("Arland's account", "unmet"), ("Borduria's account", "not-triggered")}
    assert verdicts["r2"].status == "unmet" and verdicts["r2"].contested == ()
    assert verdicts["r3"].status == "met" and verdicts["r3"].contested == ()


@pytest.mark.parametrize("who, expected", [("Arland", "unmet"), ("accountY", "not-triggered"), ("http://example.org/acc/accountX", "unmet")])
def test_according_to_one_account(who, expected):
    dataset = load_dataset([ACCOUNTS])
    if who == "accountY":
        who = "ex:accountY"
    verdicts = {local(v.request): v.status for v in assess(dataset, "oxigraph", according_to=who)}
    assert verdicts == {"r1": expected, "r2": "unmet", "r3": "met"}


def test_accounts_query():
    from cstograph.engines.engine import make_engine
    from cstograph.engines.queries import run_named

    rows = run_named(make_engine("oxigraph", load_dataset([ACCOUNTS])), "accounts").records()
    assert [(local(str(r["account"])), str(r["label"]), local(str(r["accountOf"]))) for r in rows] == [
        ("accountX", "Arland's account", "A"), ("accountY", "Borduria's account", "B")]


def test_according_to_errors():
    dataset = load_dataset([ACCOUNTS])
    with pytest.raises(CstographError, match="matches several accounts"):
        assess(dataset, "oxigraph", according_to="account")
    with pytest.raises(CstographError, match="matches no account.*Arland's account"):
        assess(dataset, "oxigraph", according_to="Ruritania")
    with pytest.raises(CstographError, match="holds no accounts"):
        assess(load_dataset([SMALL]), "oxigraph", according_to="Arland")


def test_account_by_the_last_segment_of_its_iri():
    """Tables print an account's IRI; its last segment names it, whatever its label says."""
    from cstograph.engines.accounts import accounts_in, resolve_account
    from cstograph.engines.engine import OxigraphEngine

    dataset = load_dataset([ACCOUNTS])
    accounts = accounts_in(OxigraphEngine(dataset))
    assert len(accounts) == 2
    for account in accounts:
        segment = account.iri.rsplit("/", 1)[-1]
        assert resolve_account(accounts, segment) == account
        assert resolve_account(accounts, segment.upper()) == account


def test_each_account_is_validated_with_the_undisputed_data(tmp_path):
    assert validate_views(load_dataset([ACCOUNTS])).conforms  # the union would give e1 two territories
    broken = tmp_path / "broken.trig"
    broken.write_text(ACCOUNTS.read_text().replace("ex:e3 cg:attacker ex:C .", "ex:e3 cg:onTerritoryOf ex:C ."))
    report = validate_views(load_dataset([broken]))
    assert {(i.focus, i.path) for i in report.violations} == {
        ("http://example.org/acc/e3", "https://w3id.org/cstograph/ns#onTerritoryOf")
    }


# the bundled graphs take pyshacl 10 s: the full suite runs them (the quick subset checks the
# bundled graphs against pyshacl in test_fastshacl.py, and account views here on the small cases)
@pytest.mark.parametrize("case", ["contested", "broken", pytest.param("bundled", marks=pytest.mark.slow)])
def test_account_views_validated_in_the_store_equal_pyshacl(tmp_path, case):
    """validate_data runs the compiled shapes on views of one Oxigraph store; the
    reference is pyshacl on each rdflib view. Same issues, warnings included."""
    if case == "bundled":
        paths = None
    else:
        text = ACCOUNTS.read_text()
        if case == "broken":  # an account gives e3 a second territory
            text = text.replace("ex:e3 cg:attacker ex:C .", "ex:e3 cg:onTerritoryOf ex:C .")
        path = tmp_path / f"{case}.trig"
        path.write_text(text)
        paths = [path]
    fast = validate_data(open_data(paths))
    reference = validate_views(load_dataset(paths))
    assert fast.engine == "cstograph set-based SHACL" and reference.engine == "pyshacl"
    assert sorted(map(issue_key, fast.issues)) == sorted(map(issue_key, reference.issues))
    assert fast.conforms == (case != "broken")
    assert validate_data(open_data(paths), "pyshacl").engine == "pyshacl"
    assert validate_data(open_data(paths, engine="rdflib")).engine == "pyshacl"


def test_the_set_based_validator_is_refused_on_rdflib(runner):
    """rdflib drops the outer variables from a FILTER beside a sub-select inside OPTIONAL, which the
    compiled shapes use: the combination is refused rather than answering wrongly."""
    from cstograph.engines.data import UsageError

    for paths in (None, [SMALL]):  # with accounts, and without
        with pytest.raises(UsageError, match="does not run on --engine rdflib"):
            data = open_data(paths, engine="rdflib")
            validate_data(data, "sparql") if paths is None else validate_data(data, "sparql")
    result = runner.invoke(app, ["validate", "--engine", "rdflib", "--validator", "sparql", str(SMALL)])
    assert result.exit_code == 2 and "--validator pyshacl" in result.stderr


def test_report_on_account_views_of_the_store_equals_the_rdflib_copy(engine_name):
    """assess_data (views of the files' own store) and assess (views made from an rdflib copy) agree."""
    on_store_views = {}
    for paths in (None, [ACCOUNTS]):
        data = open_data(paths)
        for according_to in (None, "Arland's account") if paths else (None,):
            verdicts = on_store_views[paths is None, according_to] = assess_data(data, "oxigraph", according_to=according_to)
            assert verdict_keys(verdicts) == verdict_keys(assess(load_dataset(paths), engine_name, according_to=according_to))
    contested = [v for v in on_store_views[True, None] if v.contested]  # the bundled graphs
    assert {v.date for v in contested} == {"2019-09-09", "2021-05-13", "2021-11-16", "2022-01-05", "2022-10-19"}
    # each account's own view decides its status (fixture: Arland says e1 was on its territory)
    fixture = {local(v.request): {a.label: a.status for a in v.contested} for v in assess_data(open_data([ACCOUNTS]), "oxigraph")}
    assert fixture == {local(v.request): {a.label: a.status for a in v.contested} for v in assess(load_dataset([ACCOUNTS]), "oxigraph")}
    assert fixture["r1"] == {"Arland's account": "unmet", "Borduria's account": "not-triggered"}


DECLARATIONS = ('ex:accountX a cg:Account ; rdfs:label "Arland\'s account" ; cg:accountOf ex:A ; dcterms:source ex:src .\n'
                'ex:accountY a cg:Account ; rdfs:label "Borduria\'s account" ; cg:accountOf ex:B ; dcterms:source ex:src .\n')


def _variant(tmp_path, name, old, new) -> Path:
    text = ACCOUNTS.read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


def _every_path(paths, engine_name, **options):
    """Verdicts (with what each account says) on the store views, the views made from rdflib
    copies (on the parametrised engine: the rdflib engine's run is slow) and --as-of."""
    data = open_data(paths)
    return {
        "store views": verdict_keys(assess_data(data, "oxigraph", **options)),
        "rdflib copies": verdict_keys(assess(load_dataset(paths), engine_name, **options)),
        "as of 2030": verdict_keys(assess(load_dataset(paths), "oxigraph", as_of=dt.date(2030, 1, 1), **options)),
    }


def test_account_declarations_may_sit_in_a_named_graph(tmp_path, engine_name):
    moved = _variant(tmp_path, "declared.trig", DECLARATIONS, "ex:declarations {\n" + DECLARATIONS + "}\n")
    results = _every_path([moved], engine_name)
    assert len({repr(v) for v in results.values()}) == 1, results
    r1 = next(v for v in assess_data(open_data([moved]), "oxigraph") if v.request.endswith("/r1"))
    assert {(a.label, a.status) for a in r1.contested} == {("Arland's account", "unmet"), ("Borduria's account", "not-triggered")}
    assert _every_path([moved], engine_name, according_to="Arland") == _every_path([ACCOUNTS], engine_name, according_to="Arland")


def test_an_account_is_named_by_its_first_label_on_every_path(tmp_path, engine_name):
    two = _variant(tmp_path, "labels.trig", 'rdfs:label "Arland\'s account" ;', 'rdfs:label "Arland\'s account", "Alternative version" ;')
    for found in (assess_data(open_data([two]), "oxigraph"), assess(load_dataset([two]), engine_name)):
        r1 = next(v for v in found if v.request.endswith("/r1"))
        assert {a.label for a in r1.contested} == {"Alternative version", "Borduria's account"}


def test_as_of_reaches_data_in_named_graphs(tmp_path, engine_name):
    named = tmp_path / "named.trig"
    named.write_text(SMALL.read_text().replace("@prefix ex: <http://example.org/q/> .", "@prefix ex: <http://example.org/q/> .\nex:all {", 1) + "\n}\n")
    known = {local(v.request) for v in assess(load_dataset([named]), engine_name, as_of=dt.date(2022, 1, 6))}
    assert known == {"r2"}


def test_a_blank_node_an_account_adds_is_validated(tmp_path):
    broken = _variant(tmp_path, "bnode.trig", "ex:accountX {\n", "ex:accountX {\n  [] a cg:Response ; cg:respondsTo ex:r1 .\n")
    fast = validate_data(open_data([broken]))
    reference = validate_views(load_dataset([broken]))
    assert not fast.conforms and not reference.conforms
    assert sorted(map(issue_key, fast.issues)) == sorted(map(issue_key, reference.issues))


def test_a_store_is_a_snapshot_of_what_was_loaded(runner, tmp_path):
    source = tmp_path / "cases.trig"
    source.write_text(ACCOUNTS.read_text())
    store = tmp_path / "store"
    assert runner.invoke(app, ["load", str(source), "--store", str(store)]).exit_code == 0
    before = runner.invoke(app, ["report", "--all", "-f", "json", "--as-of", "2030-01-01", "--store", str(store)]).stdout
    # the file changes (r2 gets a fulfilling response), then disappears: the store does not follow
    source.write_text(ACCOUNTS.read_text() + '\nex:x2 a cg:Response ; cg:respondsTo ex:r2 ; cg:responder ex:L ; '
                      'cg:responseType cg:Consultations ; cg:date "2022-09-14"^^xsd:date ; dcterms:source ex:src .\n')
    changed = runner.invoke(app, ["report", "--all", "-f", "json", "--as-of", "2030-01-01", "--store", str(store)])
    assert changed.exit_code == 0 and changed.stdout == before
    source.unlink()
    for args in (["--as-of", "2030-01-01"], ["--by-ally"], ["--selectivity"]):
        result = runner.invoke(app, ["report", "-f", "json", "--store", str(store), *args])
        assert result.exit_code == 0, (args, result.output)
    gone = runner.invoke(app, ["report", "--all", "-f", "json", "--as-of", "2030-01-01", "--store", str(store)])
    assert gone.stdout == before


def test_bundled_accounts_contest_2021_and_the_kazakh_and_kyrgyz_cases():
    verdicts = assess(load_dataset(), "oxigraph")
    by_date = {v.date: v for v in verdicts}
    for day in ("2021-05-13", "2021-11-16", "2022-01-05", "2022-10-19"):
        # only the accounts that assert something about the request are listed (rules/accounts.py)
        assert any(a.status != by_date[day].status for a in by_date[day].contested), day
    # 2020-10-31: Article 2 of the 1997 treaty is a threat clause judged by the party (coding manual,
    # section 2.1), so where the war was no longer decides it: unmet in every account
    assert all(v.contested == () for v in verdicts if v.date in ("2010-06-12", "2020-10-31", "2022-09-13"))


# ---------------------------------------------------------------- as-of


def test_as_of_leaves_out_what_came_later(engine_name):
    dataset = load_dataset([SMALL])
    before_mission = {local(v.request): v for v in assess(dataset, engine_name, as_of=dt.date(2022, 9, 14))}
    assert [r.type_label for r in before_mission["r1"].responses] == ["diplomatic statement"]
    early = {local(v.request): v for v in assess(dataset, engine_name, as_of=dt.date(2022, 1, 5))}
    assert set(early) == {"r2"} and early["r2"].responses == ()
    assert early["r2"].status == "not-triggered"


def test_as_of_drops_end_dates_not_yet_reached():
    case = CASES / "classify" / "former-and-future-members.ttl"
    # Judged on 2005-01-02 itself A had left (1999) ...
    assert {local(v.request): v.status for v in assess(load_dataset([case]), "oxigraph", as_of=dt.date(2005, 1, 2))}["rFormer"] == "not-triggered"
    # ... and C's second membership, ending 2012, was still running as of 2007.
    verdicts = {local(v.request): v.status for v in assess(load_dataset([case]), "oxigraph", as_of=dt.date(2007, 6, 1))}
    assert verdicts["rRejoined"] == "unmet"


def test_response_delays():
    verdicts = {local(v.request): v for v in assess(load_dataset([SMALL]), "oxigraph")}
    assert verdicts["r1"].days_to_first_response == 0 and verdicts["r1"].days_to_fulfilment is None
    assert verdicts["r2"].days_to_first_response == 1 and verdicts["r2"].days_to_fulfilment == 1


# ---------------------------------------------------------------- explain


def test_explanation_chain_with_sources(engine_name):
    engine = open_engine(load_dataset([SMALL]), engine_name)
    explanation = explain_request(engine, "http://example.org/q/r1")
    kinds = [s.kind for s in explanation.steps]
    assert kinds == ["obligation", "membership", "event", "response", "response"]
    assert [s.holds for s in explanation.steps] == [None, True, True, False, False]
    assert all(s.sources for s in explanation.steps[1:])  # the fixture's treaty has no source
    assert explanation.verdict.status == "unmet"
    assert "Treaty of Tor" in explanation.steps[0].text and "armed attack" in explanation.steps[0].text
    assert "on the territory of Avalon, by Brill" in explanation.steps[2].text


def test_explanation_names_the_conditions_of_the_obligation(tmp_path):
    engine = open_engine(load_dataset([SMALL]), "oxigraph")
    assert "conditional" not in explain_request(engine, "http://example.org/q/r1").steps[0].text
    conditions = tmp_path / "conditions.ttl"
    conditions.write_text(
        "@prefix cg: <https://w3id.org/cstograph/ns#> .\n"
        "<http://example.org/q/art4> cg:hasCondition cg:SpecificAdversary, cg:NonProvocation .\n"
    )
    engine = open_engine(load_dataset([SMALL, conditions]), "oxigraph")
    explanation = explain_request(engine, "http://example.org/q/r1")
    text = explanation.steps[0].text
    assert "conditional (" in text and "specific adversary" in text and "non-provocation" in text
    assert "does not check conditions" in text
    assert explanation.verdict.status == "unmet"  # conditions are named, not applied


def test_explanation_of_a_request_not_triggered_names_the_failing_step():
    engine = open_engine(load_dataset([CASES / "classify" / "former-and-future-members.ttl"]), "oxigraph")
    steps = explain_request(engine, "http://example.org/t/rFormer").steps
    membership = [s for s in steps if s.kind == "membership"]
    assert [s.holds for s in membership] == [False] and "not a party on 2005-01-02" in membership[0].text


def test_every_bundled_request_has_a_sourced_explanation():
    engine = open_engine(load_dataset(), "oxigraph")
    from cstograph.engines.queries import run_named

    requests = [str(r["request"]) for r in run_named(engine, "request-labels").records()]
    assert len(requests) >= 5
    for request in requests:
        for step in explain_request(engine, request).steps:
            if step.node:
                assert step.sources, (request, step.kind, step.node)


def test_finding_requests():
    dataset = load_dataset([SMALL])
    engine = open_engine(dataset, "oxigraph")
    assert find_request(engine, "ex:r2", dataset.namespace_manager) == "http://example.org/q/r2"
    assert find_request(engine, "avalon asks", dataset.namespace_manager) == "http://example.org/q/r1"
    with pytest.raises(CstographError, match="matches 2 requests.*Corin asks the League.*Avalon asks the League"):
        find_request(engine, "asks the League", dataset.namespace_manager)
    with pytest.raises(CstographError, match="matches no request"):
        find_request(engine, "Ruritania", dataset.namespace_manager)


# ---------------------------------------------------------------- allies, reliability, selectivity


def test_ally_duties(engine_name):
    duties = ally_duties(open_engine(load_dataset([ALLIES]), engine_name))
    got = {(local(d.request), d.ally): (d.honoured, d.direct_fulfilment is not None, d.days_to_fulfilment, d.own_responses) for d in duties}
    assert got == {
        ("r1", "B"): (False, False, None, ""),
        ("r1", "C"): (True, True, 5, "military deployment"),
        ("r2", "A"): (True, False, 10, "diplomatic statement"),
        ("r2", "C"): (True, False, 10, ""),
        ("r2", "D"): (True, False, 10, ""),
        ("r3", "A"): (False, False, None, ""),
        ("r3", "B"): (False, False, None, ""),
        ("r3", "D"): (False, False, None, ""),
    }


def test_reliability_table():
    rows = {(r.level, r.name): (r.triggered, r.honoured, r.median_days) for r in reliability(ally_duties(open_engine(load_dataset([ALLIES]), "oxigraph")))}
    assert {r.obligation for r in reliability(ally_duties(open_engine(load_dataset([ALLIES]), "oxigraph")))} == {"defence"}
    assert rows == {
        ("alliance", "League"): (3, 2, 7.5),
        ("ally", "A"): (2, 1, 10),
        ("ally", "B"): (2, 0, None),
        ("ally", "C"): (2, 2, 7.5),
        ("ally", "D"): (2, 1, 10),
    }


CONSULTATION = """
@prefix cg: <https://w3id.org/cstograph/ns#> .
@prefix ex: <http://example.org/al/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:consult a cg:Obligation ; cg:inTreaty ex:T ; cg:article "Article 4" ; cg:obligationType cg:Consultation ;
    cg:triggerCondition cg:ThreatInTheOpinionOfAParty .
ex:e5 a cg:Event ; cg:startDate "2004-06-01"^^xsd:date ; dcterms:source ex:src .
ex:r5 a cg:AssistanceRequest ; cg:requester ex:A ; cg:addressee ex:L ; cg:invokes ex:consult ; cg:concerns ex:e5 ;
    cg:date "2004-06-02"^^xsd:date ; dcterms:source ex:src .
ex:x5 a cg:Response ; cg:respondsTo ex:r5 ; cg:responder ex:L ; cg:responseType cg:CouncilConsultation ;
    cg:date "2004-06-04"^^xsd:date ; dcterms:source ex:src .
"""


def test_reliability_never_pools_obligation_types(tmp_path, engine_name):
    """An ally obliged under a defence clause and a consultation clause of one alliance gets a row
    for each; the counts per type are those of its duties under clauses of that type."""
    extra = tmp_path / "consult.ttl"
    extra.write_text(CONSULTATION, encoding="utf-8")
    duties = ally_duties(open_engine(load_dataset([ALLIES, extra]), engine_name))
    assert {local(d.request): d.obligation for d in duties} == {
        "r1": "defence", "r2": "defence", "r3": "defence", "r5": "consultation"}
    rows = {(r.level, r.name, r.obligation): (r.triggered, r.honoured, r.median_days) for r in reliability(duties)}
    expected = {}
    for level, name_of in (("alliance", lambda d: d.alliance), ("ally", lambda d: d.ally)):
        for kind in ("defence", "consultation"):
            own = [d for d in duties if d.obligation == kind]
            for name in {name_of(d) for d in own}:
                mine = {d.request: d for d in own if name_of(d) == name}.values()
                honoured = [d for d in mine if (d.status == "met" if level == "alliance" else d.honoured)]
                expected[(level, name, kind)] = len(mine), len(honoured)
    assert {key: value[:2] for key, value in rows.items()} == expected
    assert rows[("ally", "B", "consultation")] == (1, 1, 2) and rows[("ally", "B", "defence")] == (2, 0, None)
    assert rows[("alliance", "League", "consultation")] == (1, 1, 2)


def test_selectivity(engine_name):
    cases = {(c.guarantor, c.case, local(c.request)) for c in selectivity(open_engine(load_dataset([ALLIES]), engine_name))}
    assert cases == {("A", "support without trigger", "r4"), ("League", "triggered, left unmet", "r3")}


def test_selectivity_on_the_bundled_graph_contrasts_kazakhstan_and_armenia():
    cases = selectivity(open_engine(load_dataset(), "oxigraph"))
    support = {(c.requester, c.request_date) for c in cases if c.case == "support without trigger"}
    unmet = {(c.requester, c.request_date) for c in cases if c.case == "triggered, left unmet"}
    assert ("Kazakhstan", "2022-01-05") in support
    assert ("Armenia", "2022-09-13") in unmet


# ---------------------------------------------------------------- CLI


def test_cli_explain(runner):
    result = runner.invoke(app, ["explain", "Avalon", str(SMALL)])
    assert result.exit_code == 0 and "Verdict: UNMET" in result.stdout and "source: Test fixture" in result.stdout
    as_json = json.loads(runner.invoke(app, ["explain", "ex:r2", str(SMALL), "-f", "json"]).stdout)
    assert as_json["verdict"]["status"] == "not-triggered" and as_json["steps"][0]["kind"] == "obligation"
    ambiguous = runner.invoke(app, ["explain", "League", str(SMALL)])
    assert ambiguous.exit_code == 2 and "matches 2 requests" in ambiguous.stderr and "Traceback" not in ambiguous.output
    # a contested request: explain says what each account holds, as report does
    contested = json.loads(runner.invoke(app, ["explain", "ex:r1", str(ACCOUNTS), "-f", "json"]).stdout)
    assert {(c["label"], c["status"]) for c in contested["verdict"]["contested"]} == {
        ("Arland's account", "unmet"), ("Borduria's account", "not-triggered")}
    text = runner.invoke(app, ["explain", "ex:r1", str(ACCOUNTS)]).stdout
    assert "contested: Arland's account: unmet" in text
    one = json.loads(runner.invoke(app, ["explain", "ex:r1", str(ACCOUNTS), "-f", "json", "--according-to", "Arland"]).stdout)
    assert one["verdict"]["status"] == "unmet" and one["verdict"]["contested"] == []


def test_cli_report_variants(runner):
    contested = runner.invoke(app, ["report", "--all", "-f", "json", str(ACCOUNTS)])
    r1 = next(r for r in json.loads(contested.stdout) if r["request"].endswith("/r1"))
    assert {c["status"] for c in r1["contested"]} == {"unmet", "not-triggered"}
    according = runner.invoke(app, ["report", "-f", "json", "--according-to", "Arland", str(ACCOUNTS)])
    assert {r["request"].rsplit("/", 1)[1] for r in json.loads(according.stdout)} == {"r1", "r2"}
    as_of = runner.invoke(app, ["report", "--all", "-f", "json", "--as-of", "2022-01-05", str(SMALL)])
    assert [r["request"].rsplit("/", 1)[1] for r in json.loads(as_of.stdout)] == ["r2"]
    bad_date = runner.invoke(app, ["report", "--as-of", "yesterday", str(SMALL)])
    assert bad_date.exit_code == 2
    allies = runner.invoke(app, ["report", "--by-ally", "-f", "markdown", str(ALLIES)])
    assert "| League | defence | 3 | 2 | 67% | 7.5 |" in allies.stdout
    as_json = json.loads(runner.invoke(app, ["report", "--by-ally", "-f", "json", str(ALLIES)]).stdout)
    assert len(as_json["allies"]) == 8 and {"level": "alliance", "name": "League", "obligation": "defence", "triggered": 3, "honoured": 2,
                                            "share honoured": 0.667, "median days to help": 7.5} in as_json["reliability"]
    both = runner.invoke(app, ["report", "--by-ally", "--selectivity", str(ALLIES)])
    assert both.exit_code == 2 and "choose one" in both.stderr
    selective = runner.invoke(app, ["report", "--selectivity", "-f", "csv", str(ALLIES)])
    assert selective.stdout.splitlines()[0].startswith("guarantor,case,date")
    # --fail-on-unmet holds for the other reports too; --all belongs to the request list only
    for report in ("--by-ally", "--selectivity"):
        assert runner.invoke(app, ["report", report, "-f", "csv", str(ALLIES)]).exit_code == 0
        assert runner.invoke(app, ["report", report, "--fail-on-unmet", "-f", "csv", str(ALLIES)]).exit_code == 1
        mixed = runner.invoke(app, ["report", report, "--all", str(ALLIES)])
        assert mixed.exit_code == 2 and "--all lists requests" in mixed.stderr
    no_unmet = CASES / "classify" / "user-extensions.ttl"  # one met, one not triggered
    for report in ("--by-ally", "--selectivity"):
        assert runner.invoke(app, ["report", report, "--fail-on-unmet", "-f", "csv", str(no_unmet)]).exit_code == 0


@pytest.mark.parametrize("seed", range(4))
def test_according_to_flips_exactly_the_requests_whose_deciding_fact_differs(seed, tmp_path):
    """On random graphs: an account that adds, for every request, a response of a type that
    fulfils its obligation changes exactly the unmet requests (to met), and nothing else."""
    from rdflib import Dataset, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

    from randomgraphs import random_graph

    cg = Namespace("https://w3id.org/cstograph/ns#")
    base = random_graph(seed)
    dataset = Dataset()
    for triple in base:
        dataset.add(triple)
    account = URIRef("http://example.org/random/account")
    dataset.add((account, RDF.type, cg.Account))
    dataset.add((account, RDFS.label, Literal("the helpers' account")))
    graph = dataset.graph(account)
    fulfilling = {cg.CollectiveDefence: cg.MilitaryDeployment, cg.Consultation: cg.Consultations}
    for n, request in enumerate(sorted(base.subjects(RDF.type, cg.AssistanceRequest))):
        obligation_type = base.value(base.value(request, cg.invokes), cg.obligationType)
        response = URIRef(f"http://example.org/random/help{n}")
        graph.add((response, RDF.type, cg.Response))
        graph.add((response, cg.respondsTo, request))
        graph.add((response, cg.responder, URIRef("http://example.org/random/S0")))
        graph.add((response, cg.responseType, fulfilling[obligation_type]))
        graph.add((response, cg.date, Literal(base.value(request, cg.date).toPython(), datatype=XSD.date)))
        graph.add((response, DCTERMS.source, URIRef("http://example.org/random/src")))
    path = tmp_path / "random.trig"
    path.write_text(dataset.serialize(format="trig"))
    loaded = load_dataset([path])
    base_view = {v.request: v for v in assess(loaded, "oxigraph")}
    helped = {v.request: v.status for v in assess(loaded, "oxigraph", according_to="helpers")}
    assert set(helped) == set(base_view)
    assert {"unmet", "not-triggered"} <= {v.status for v in base_view.values()}  # both cases occur
    for request, verdict in base_view.items():
        expected = "met" if verdict.status == "unmet" else verdict.status
        assert helped[request] == expected, request
        assert bool(verdict.contested) == (verdict.status == "unmet"), request


def test_selectivity_counts_only_delivered_support(engine_name, tmp_path):
    """Help announced, promised or offered is no support (coding manual, help stages): a promised
    deployment to a request that was not triggered is not 'support without trigger'; the same
    deployment with no stage, or delivered, is."""
    promised = tmp_path / "promised.ttl"
    text = ALLIES.read_text(encoding="utf-8")
    marked = "cg:responseType cg:MilitaryDeployment ; cg:date \"2005-01-03\"^^xsd:date ;"
    assert marked in text
    promised.write_text(text.replace(marked, marked + " cg:helpStage cg:HelpPromised ;"), encoding="utf-8")
    cases = {(c.guarantor, c.case, local(c.request)) for c in selectivity(open_engine(load_dataset([promised]), engine_name))}
    assert cases == {("League", "triggered, left unmet", "r3")}
    delivered = tmp_path / "delivered.ttl"
    delivered.write_text(text.replace(marked, marked + " cg:helpStage cg:HelpDelivered ;"), encoding="utf-8")
    cases = {(c.guarantor, c.case, local(c.request)) for c in selectivity(open_engine(load_dataset([delivered]), engine_name))}
    assert ("A", "support without trigger", "r4") in cases

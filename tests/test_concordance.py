"""Concordance with the published codings: the query, the rules' verdict beside them, the command,
the API and the bundled graph of published codings (regenerated from the .dta when it is beside
the checkout)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import RDF, Graph, Namespace

import cstograph
from cgtest import FIXTURES, REPO
from cstograph.cli import app
from cstograph.reading.resources import graphs_dir
from cstograph.rules.concordance import agreement

CG_NS = Namespace("https://w3id.org/cstograph/ns#")

FIXTURE = FIXTURES / "concordance.ttl"
EX = "http://example.org/concordance/"
CG = "https://w3id.org/cstograph/ns#"


@pytest.fixture(scope="module")
def kg():
    return cstograph.open(FIXTURE)


def test_query_matches_requests_with_observations_of_the_same_atop_id_and_war(kg):
    rows = [{k: str(v) if v is not None else None for k, v in r.items()}
            for r in kg.query("concordance").records()]
    assert [(r["request"], r["atopId"], r["occasion"]) for r in rows] == [
        (EX + "rUnmet", "9001", EX + "obs1"),  # the treaty's own ATOP id
        (EX + "rMet", "9002", EX + "obs2"),  # both treaties of the League's alliance
        (EX + "rMet", "9003", EX + "obs3"),
    ]  # rOther: no observation of 9001 in war 502; rNoWar: no war number; obs4: no request of 9002 in war 502
    first = rows[0]
    assert (first["cowWar"], first["warLabel"], first["sourceRecord"]) == ("501", "Falken War 1939-45", "fixture.dta:row 1")
    assert (first["llm"], first["bf"], first["llmLenient"], first["bfLenient"]) == (
        CG + "Honoured", CG + "Violated", CG + "Honoured", CG + "Violated")
    assert rows[1]["llmLenient"] is None and rows[0]["status"] is None  # not coded; verdicts not materialised
    only = kg.query("concordance", request=EX + "rMet", atopId="9003").records()
    assert [str(r["occasion"]) for r in only] == [EX + "obs3"]


def test_the_rules_verdict_stands_beside_the_published_ones(kg):
    rows = kg.concordance()
    assert [(r.request.rsplit("/", 1)[1], r.status, r.llm, r.bf) for r in rows] == [
        ("rUnmet", "unmet", "honoured", "violated"),  # a declaration of war fulfils nothing here
        ("rMet", "met", "honoured", "honoured"),
        ("rMet", "met", "does-not-apply", "honoured"),
    ]
    assert [(r.agrees_with_llm, r.agrees_with_bf) for r in rows] == [(False, True), (True, True), (False, True)]
    assert agreement(rows) == {"rows": 3, "agreeWithLLM": 1, "comparedWithLLM": 3, "agreeWithBF": 3, "comparedWithBF": 3}
    frame_row = rows.to_pandas().iloc[0] if _has_pandas() else None
    if frame_row is not None:
        assert frame_row["atop_id"] == 9001


def _has_pandas() -> bool:
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def test_command_prints_every_format(runner):
    result = runner.invoke(app, ["concordance", str(FIXTURE), "-f", "markdown"])
    assert result.exit_code == 0, result.output
    assert ("| 1939-09-01 | Aurelia → Borduria | 9001 | Falken War 1939-45 (COW 501) | unmet "
            "| honoured * | violated | honoured * | violated | entering the war honours a defence pact (the LLM and B-F rule) |"
            ) in result.stdout
    assert "agrees with the LLM coding in 1 of 3 and with the BF coding in 3 of 3" in result.stdout
    assert "docs/concordance.md" in result.stdout
    result = runner.invoke(app, ["concordance", str(FIXTURE), "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["atopId"], r["status"], r["llm"], r["agreesWithLLM"]) for r in rows] == [
        ("9001", "unmet", "honoured", "false"), ("9002", "met", "honoured", "true"),
        ("9003", "met", "does-not-apply", "false")]
    document = json.loads(runner.invoke(app, ["concordance", str(FIXTURE), "-f", "json"]).stdout)
    assert document["agreement"]["agreeWithLLM"] == 1 and len(document["rows"]) == 3
    assert document["rows"][0]["sourceRecord"] == "fixture.dta:row 1"
    # the declaration of war fulfils the pact under the published rule's reading: LLM's verdict, not BF's
    assert document["rows"][0]["readingsGivingLLM"] == ["entering the war honours a defence pact (the LLM and B-F rule)"]
    assert document["rows"][0]["readingsGivingBF"] == [] and document["rows"][1]["readingsGivingLLM"] == []
    # a wide table, whatever terminal (or none) the test runs under: the words must not wrap
    table = runner.invoke(app, ["concordance", str(FIXTURE), "-f", "table"], env={"COLUMNS": "200"}).stdout
    assert "published codings" in table and "Falken War" in table and " *" in table


def test_command_without_matches_says_what_is_missing(runner, tmp_path):
    lone = tmp_path / "lone.ttl"
    lone.write_text(FIXTURE.read_text(encoding="utf-8").replace("cg:cowWarNumber 501 ;", ""), encoding="utf-8")
    result = runner.invoke(app, ["concordance", str(lone)])
    assert result.exit_code == 2
    assert "no request matches" in result.stderr and "cg:cowWarNumber" in result.stderr
    assert "Traceback" not in result.output


def bundled_atop_ids() -> list[int]:
    """The ATOP ids of the bundled requests' treaties and of the alliances founded on them."""
    kg = cstograph.open()
    text = """PREFIX cg: <https://w3id.org/cstograph/ns#>
    SELECT DISTINCT ?id WHERE {
      ?r a cg:AssistanceRequest ; cg:invokes/cg:inTreaty ?t .
      { ?t cg:atopId ?id } UNION { ?a cg:foundedOn ?t ; cg:foundedOn?/cg:atopId ?id }
    }"""
    return sorted(int(r["id"].toPython()) for r in kg.query(text).records())


def test_published_codings_cite_the_published_data_on_every_node():
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS, RDF

    from cstograph.namespaces import CG as CGNS

    graph = Graph().parse(graphs_dir() / "published-codings.ttl")
    bf = URIRef("https://w3id.org/cstograph/data/source-bf2018")
    llm = URIRef("https://w3id.org/cstograph/data/source-llm2000")
    nodes = [n for kind in (CGNS.WarOccasion, CGNS.War, CGNS.FulfilmentAssessment) for n in graph.subjects(RDF.type, kind)]
    assert len(nodes) > 30
    for node in nodes:
        assert bf in set(graph.objects(node, DCTERMS.source)), node
        assert str(graph.value(node, CGNS.sourceRecord)).startswith("BerkemeierFuhrmannRAP2018_0303.dta:row "), node
    for assessment in graph.subjects(RDF.type, CGNS.FulfilmentAssessment):
        coding = graph.value(assessment, CGNS.codingRules)
        assert (llm in set(graph.objects(assessment, DCTERMS.source))) == str(coding).split("#")[1].startswith("LLM")
    assert {int(v) for v in graph.objects(None, CGNS.atopId)} <= set(bundled_atop_ids())
    assert "2053168018769375" in str(graph.value(bf, URIRef("http://xmlns.com/foaf/0.1/page")))


# ---------------------------------------------------------------- the bundled concordance in README and docs

README = REPO / "README.md"
EXPLAINED = REPO / "docs" / "concordance.md"
BEGIN, END = "<!-- concordance: generated by tests/test_concordance.py -->", "<!-- /concordance -->"


@pytest.fixture(scope="module")
def bundled_concordance():
    """The concordance of the bundled graphs, computed once for the tests that read it."""
    return cstograph.open().concordance()


def readme_block(rows) -> str:
    """What the README shows between the markers: `cstograph concordance --format markdown` on the bundled graphs."""
    from cstograph.output.concordance_table import render_concordance
    from cstograph.rules.concordance import summary_text

    if not rows:
        return "No bundled request matches a published observation of the same alliance and war.\n"
    return render_concordance(rows, "markdown") + "\n" + summary_text(rows) + "\n"


def test_readme_shows_the_bundled_concordance(bundled_concordance):
    import os
    import re

    text = README.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    expected = f"{BEGIN}\n{readme_block(bundled_concordance)}{END}"
    current = re.search(re.escape(BEGIN) + r".*?" + re.escape(END), text, re.S).group(0)
    if os.environ.get("CSTOGRAPH_REGENERATE") == "1":
        README.write_text(text.replace(current, expected), encoding="utf-8")
        current = expected
    assert current == expected, "README's concordance table is stale; regenerate it with: " \
                                "CSTOGRAPH_REGENERATE=1 pytest -q tests/test_concordance.py"


def test_every_bundled_disagreement_is_explained(bundled_concordance):
    text = EXPLAINED.read_text(encoding="utf-8")
    for row in bundled_concordance:
        if row.agrees_with_llm is False or row.agrees_with_bf is False:
            heading = f"### {row.request.rsplit('/', 1)[1]}, ATOP {row.atop_id}"
            assert heading in text, f"docs/concordance.md does not explain the row {heading[4:]}"


def test_explained_rows_name_bundled_requests_and_published_observations():
    import re

    requests = {v.request.rsplit("/", 1)[1] for v in cstograph.open().verdicts()}
    published = (graphs_dir() / "published-codings.ttl").read_text(encoding="utf-8")
    headings = re.findall(r"^### (\S+), ATOP (\d+)$", EXPLAINED.read_text(encoding="utf-8"), re.M)
    assert headings
    for request, atop in headings:
        assert request in requests, request
        assert f'cg:atopId "{atop}"^^xsd:integer' in published, atop


def test_reliability_on_the_bundled_graphs_says_they_hold_only_the_bundled_alliances(runner):
    bundled = runner.invoke(app, ["reliability", "-f", "markdown"])
    observations = len(set(Graph().parse(graphs_dir() / "published-codings.ttl").subjects(RDF.type, CG_NS.WarOccasion)))
    assert observations > 0
    assert bundled.exit_code == 0 and f"| All cases | LLM | {observations} |" in bundled.stdout
    assert "hold only the observations of the bundled alliances" in bundled.stdout
    imported = runner.invoke(app, ["reliability", str(FIXTURE), "-f", "markdown"])
    assert imported.exit_code == 0 and "bundled alliances" not in imported.stdout


def test_site_has_a_concordance_page(kg):
    from cstograph.output.site import gather, render_site
    from cstograph.output.site.__init__ import ontology_files

    files = render_site(gather(kg), ontology_files())
    page = files["concordance.html"].decode("utf-8")
    assert "agrees with the LLM coding in 1 of 3 and with the BF coding in 3 of 3" in page
    assert page.count("<tr>") == 4 and "fixture.dta:row 1" in page and "differs" in page
    assert 'href="concordance.html"' in files["index.html"].decode("utf-8")

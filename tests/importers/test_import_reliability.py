"""`cstograph import reliability` on small .dta files written by the fixture helpers."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import URIRef

from cstograph.cli import app
from cstograph.namespaces import CG
from cstograph.reading.importers.atop import ImportDataError
from cstograph.reading.importers.reliability import import_reliability, war_label, war_years
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.validate import validate_dataset
from fixture_files import BF_COLUMNS, bf_row, write_dta

D = "https://w3id.org/cstograph/data/"


@pytest.fixture
def dta(tmp_path):
    rows = [
        bf_row(83, "Azeri-Armenian_1993-94", 4220, sample=0, multilateral=1, llm="violate", bf="violate",
               types=("defense", "nonagg", "consul"), cowwarid=216.0),
        bf_row(5, "Crimean1853-1856", 1020, sample=1, multilateral=1, llm="violate", bf="honor", lenient_llm=1.0,
               lenient_bf=1.0, types=("offense",)),
        bf_row(5, "Crimean1853-1856", 1030, sample=1, multilateral=0, llm="dna", bf="dna", types=("neutral",)),
        bf_row(9, "WorldWarII", 1030, sample=1, multilateral=0, llm="honor", bf="honor", lenient_llm=1.0,
               lenient_bf=1.0, types=("neutral",)),
    ]
    return write_dta(tmp_path / "bf.dta", BF_COLUMNS, rows)


def verdicts(graph, number):
    occasion = URIRef(f"{D}bf2018-obs-{number}")
    found = {}
    for assessment in graph.objects(occasion, CG.assessment):
        found[graph.value(assessment, CG.codingRules)] = graph.value(assessment, CG.verdict)
    return found


def test_observations_become_war_occasions_with_all_codings(dta):
    result = import_reliability(dta)
    graph = rdflib.Graph().parse(data=result.text, format="turtle")
    assert result.counts == {"observations": 4, "wars": 3, "alliances": 3}
    occasion = URIRef(f"{D}bf2018-obs-1")
    assert graph.value(occasion, CG.occasionAlliance) == URIRef(f"{D}atop-4220")
    assert graph.value(occasion, CG.period) == CG.Period1945to2003
    assert graph.value(occasion, CG.allianceForm) == CG.Multilateral
    assert set(graph.objects(occasion, CG.engagesObligationType)) == {CG.CollectiveDefence, CG.NonAggression, CG.Consultation}
    assert str(graph.value(occasion, CG.sourceRecord)) == "bf.dta:row 1"
    assert verdicts(graph, 1) == {CG.LLMCoding: CG.Violated, CG.BFCoding: CG.Violated,
                                  CG.LLMLenientCoding: CG.Violated, CG.BFLenientCoding: CG.Violated}
    # one ally helping: violated in the strict coding, honoured in the lenient one
    assert verdicts(graph, 2) == {CG.LLMCoding: CG.Violated, CG.BFCoding: CG.Honoured,
                                  CG.LLMLenientCoding: CG.Honoured, CG.BFLenientCoding: CG.Honoured}
    assert verdicts(graph, 3)[CG.LLMCoding] == CG.DoesNotApply
    war = graph.value(occasion, CG.war)
    assert (str(graph.value(war, CG.startDate)), str(graph.value(war, CG.endDate))) == ("1993-01-01", "1994-12-31")
    assert str(graph.value(war, rdflib.RDFS.label)) == "Azeri-Armenian 1993-94"
    # the two Crimean observations share one war
    assert graph.value(URIRef(f"{D}bf2018-obs-2"), CG.war) == graph.value(URIRef(f"{D}bf2018-obs-3"), CG.war)


def test_imported_graph_validates(dta, tmp_path):
    out = tmp_path / "bf.ttl"
    out.write_text(import_reliability(dta).text, encoding="utf-8")
    report = validate_dataset(load_dataset([out]))
    assert report.conforms, [(i.focus, i.message) for i in report.violations]


@pytest.mark.parametrize(
    "name, years, label",
    [
        ("Azeri-Armenian_1993-94", (1993, 1994), "Azeri-Armenian 1993-94"),
        ("Badme_1998-2001", (1998, 2001), "Badme 1998-2001"),
        ("China-Vietnam 1987", (1987, 1987), "China-Vietnam 1987"),
        ("Vietnam1965-75", (1965, 1975), "Vietnam 1965-75"),
        ("WorldWarI", (1914, 1918), "World War I"),
        ("SixDay_1967", (1967, 1967), "Six Day 1967"),
    ],
)
def test_war_names(name, years, label):
    assert war_years(name) == years
    assert war_label(name) == label


def test_inconsistent_coding_names_the_row(tmp_path):
    row = bf_row(1, "Crimean1853-1856", 1020, sample=1, multilateral=0, llm="honor", bf="honor")
    row["violateLLM"] = 1.0
    path = write_dta(tmp_path / "bad.dta", BF_COLUMNS, [bf_row(1, "Crimean1853-1856", 1020, sample=1, multilateral=0,
                                                               llm="dna", bf="dna"), row])
    with pytest.raises(ImportDataError, match="bad.dta: row 2: the LLM coding is not exactly one of"):
        import_reliability(path)


def test_wrong_file_layout(tmp_path):
    path = write_dta(tmp_path / "other.dta", [("x", "byte")], [{"x": 1}])
    with pytest.raises(ImportDataError, match="other.dta: missing variable"):
        import_reliability(path)


def test_cli(runner, dta, tmp_path):
    out = tmp_path / "bf.ttl"
    result = runner.invoke(app, ["import", "reliability", str(dta), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 observations, 3 wars, 3 alliances" in result.stderr
    assert len(rdflib.Graph().parse(out)) > 40
    not_stata = tmp_path / "x.dta"
    not_stata.write_text("nope")
    result = runner.invoke(app, ["import", "reliability", str(not_stata), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "x.dta" in result.stderr
    assert len(rdflib.Graph().parse(out)) > 40  # the earlier import is intact


def test_links_only_to_known_atop_alliances(dta, tmp_path):
    alliances = tmp_path / "alliances.csv"
    alliances.write_text("atopid,begyr\n4220,1992\n1030,1900\n")
    result = import_reliability(dta, atop_alliance_csv=alliances)
    graph = rdflib.Graph().parse(data=result.text, format="turtle")
    linked = {str(o).rsplit("-", 1)[1] for o in graph.objects(None, CG.occasionAlliance)}
    assert linked == {"4220", "1030"}
    assert result.counts["alliances linked to ATOP"] == 2
    assert graph.value(URIRef(f"{D}bf2018-obs-2"), CG.atopId) is not None  # the id stays as data

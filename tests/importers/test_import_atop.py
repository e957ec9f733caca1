"""`cstograph import atop` on small ATOP-shaped CSV files written by the fixture helpers."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from cgtest import ENGINES
from cstograph.cli import app
from cstograph.namespaces import CG
from cstograph.reading.importers.atop import ImportDataError, import_atop
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.validate import validate_dataset
from fixture_files import member, write_atop

D = "https://w3id.org/cstograph/data/"


def d(local: str) -> URIRef:
    return URIRef(D + local)


@pytest.fixture
def atop_files(tmp_path):
    alliances = [
        {"atopid": 4220, "begyr": 1992, "begmo": 5, "begday": 15, "bilat": 0},
        {"atopid": 4890, "begyr": 1997, "begmo": 8, "begday": 29, "bilat": 1},
    ]
    obligations = {"defense": 1, "nonagg": 1, "consul": 1}
    members = [
        # Russia: phase 1 and 2 with the same obligations, contiguous -> one membership
        member(4220, 365, (1992, 5, 15), (2002, 10, 7), phase=1, **obligations),
        member(4220, 365, (2002, 10, 7), None, phase=2, **obligations),
        # Uzbekistan leaves in 1999 and rejoins in 2006 -> two memberships
        member(4220, 704, (1992, 5, 15), (1999, 4, 20), phase=1, **obligations),
        member(4220, 704, (2006, 8, 17), (2012, 6, 28), phase=2, **obligations),
        # Armenia: in phase 2 the defence obligation becomes conditional -> a new membership
        member(4220, 371, (1992, 5, 15), (2002, 10, 7), phase=1, **obligations),
        member(4220, 371, (2002, 10, 7), None, phase=2, defcoadv=1, defcoloc=1, defcon=1, **obligations),
        # bilateral treaty; Armenia's consultation only on request; an unknown state code
        member(4890, 365, (1997, 8, 29), None, defense=1, consul=1),
        member(4890, 371, (1997, 8, 29), None, defense=1, consul=1, concoreq=1, concon=1),
        member(4890, 8152, (1997, 8, 29), (1998, 1, 1), neutral=1, offense=1, neucoatt=1, neucon=1),
    ]
    return write_atop(tmp_path, alliances, members)


@pytest.fixture
def atop_graph(atop_files):
    result = import_atop(*atop_files)
    graph = rdflib.Graph().parse(data=result.text, format="turtle")
    return result, graph


def memberships(graph, atopid, code):
    found = []
    for m in graph.subjects(CG.alliance, d(f"atop-{atopid}")):
        if graph.value(m, CG.member) == d(f"cow-{code}"):
            end = graph.value(m, CG.endDate)
            found.append((str(graph.value(m, CG.startDate)), None if end is None else str(end), m))
    return sorted(found, key=lambda f: f[0])


def test_contiguous_phases_with_the_same_obligations_merge(atop_graph):
    _, graph = atop_graph
    [(start, end, node)] = memberships(graph, 4220, 365)
    assert (start, end) == ("1992-05-15", None)
    assert set(graph.objects(node, CG.phase)) == {Literal(1, datatype=XSD.integer), Literal(2, datatype=XSD.integer)}
    assert len(set(graph.objects(node, CG.sourceRecord))) == 2
    assert set(graph.objects(node, CG.undertakes)) == {d("atop-4220-defense"), d("atop-4220-nonagg"), d("atop-4220-consul")}


def test_a_gap_starts_a_new_membership(atop_graph):
    _, graph = atop_graph
    spans = [(s, e) for s, e, _ in memberships(graph, 4220, 704)]
    assert spans == [("1992-05-15", "1999-04-20"), ("2006-08-17", "2012-06-28")]


def test_changed_obligations_keep_the_phases_apart(atop_graph):
    _, graph = atop_graph
    first, second = memberships(graph, 4220, 371)
    assert (first[0], first[1], second[0], second[1]) == ("1992-05-15", "2002-10-07", "2002-10-07", None)
    conditional = d("atop-4220-defense-coadv-coloc")
    assert conditional in set(graph.objects(second[2], CG.undertakes))
    assert d("atop-4220-defense") in set(graph.objects(first[2], CG.undertakes))
    assert set(graph.objects(conditional, CG.hasCondition)) == {CG.SpecificAdversary, CG.SpecificLocation}
    assert graph.value(d("atop-4220-defense"), CG.hasCondition) is None


def test_obligations_are_typed_from_the_flags(atop_graph):
    _, graph = atop_graph
    expected = {
        "atop-4220-defense": (CG.CollectiveDefence, CG.ArmedAttackOnMemberTerritory),
        "atop-4220-consul": (CG.Consultation, CG.ThreatToMember),
        "atop-4220-nonagg": (CG.NonAggression, CG.ConflictBetweenMembers),
        "atop-4890-offense": (CG.OffensiveSupport, CG.MemberAtWar),
        "atop-4890-neutral-coatt": (CG.Neutrality, CG.MemberAtWar),
    }
    for local, (kind, trigger) in expected.items():
        assert graph.value(d(local), CG.obligationType) == kind, local
        assert graph.value(d(local), CG.triggerCondition) == trigger, local
        assert graph.value(d(local), CG.inTreaty) == d(local.split("-")[0] + "-" + local.split("-")[1] + "-treaty")
    assert set(graph.objects(d("atop-4890-consul-coreq"), CG.hasCondition)) == {CG.OnlyOnRequest}


def test_alliances_states_and_provenance(atop_graph, atop_files):
    result, graph = atop_graph
    alliance = d("atop-4890")
    assert graph.value(alliance, CG.atopId) == Literal(4890, datatype=XSD.integer)
    assert graph.value(alliance, CG.allianceForm) == CG.Bilateral
    assert graph.value(d("atop-4220"), CG.allianceForm) == CG.Multilateral
    assert graph.value(alliance, CG.foundedOn) == d("atop-4890-treaty")
    assert str(graph.value(alliance, CG.sourceRecord)) == f"{atop_files[0].name}:3"
    assert str(graph.value(d("cow-371"), RDFS.label)) == "Armenia"
    assert graph.value(d("cow-371"), CG.wikidata) == URIRef("http://www.wikidata.org/entity/Q399")
    assert str(graph.value(d("cow-8152"), RDFS.label)) == "state with COW code 8152"
    assert graph.value(d("cow-8152"), CG.wikidata) is None
    source = graph.value(d("atop-4220-member-365-1"), URIRef("http://purl.org/dc/terms/source"))
    assert "ATOP" in str(graph.value(source, URIRef("http://purl.org/dc/terms/title")))
    assert result.counts == {"alliances": 2, "memberships": 8, "member rows": 9, "obligations": 9, "states": 4}
    assert result.triples == len(graph)


def test_imported_graph_validates(atop_files, tmp_path):
    out = tmp_path / "atop.ttl"
    out.write_text(import_atop(*atop_files).text, encoding="utf-8")
    report = validate_dataset(load_dataset([out]))
    assert report.conforms, [(i.focus, i.message) for i in report.violations]
    assert not [i for i in report.issues if i.severity == "Warning"]


def test_missing_column_names_the_file_and_line(tmp_path, atop_files):
    bad = tmp_path / "bad.csv"
    bad.write_text("atopid,begyr\n1,1900\n")
    with pytest.raises(ImportDataError, match=r"bad.csv: line 1: missing column\(s\) begmo, begday, bilat"):
        import_atop(bad, atop_files[1])


def test_bad_number_names_the_line(tmp_path, atop_files):
    text = atop_files[1].read_text().splitlines()
    text[3] = text[3].replace("1992", "19x2", 1)
    atop_files[1].write_text("\n".join(text) + "\n")
    with pytest.raises(ImportDataError, match=r"members.csv: line 4: column yrent: '19x2' is not a number"):
        import_atop(*atop_files)


def test_an_empty_atopid_is_blamed_on_the_alliance_file(tmp_path):
    alliances, members = write_atop(tmp_path, [{"atopid": 1, "begyr": 1900, "begmo": 1, "begday": 1}],
                                    [member(1, 2, (1900, 2, 3))])
    lines = alliances.read_text().splitlines()
    lines[1] = lines[1].replace("1", "", 1)  # the first cell is atopid
    alliances.write_text("\n".join(lines) + "\n")
    with pytest.raises(ImportDataError, match=r"alliances.csv: line 2: column atopid: '' is not an ATOP id"):
        import_atop(alliances, members)


def test_impossible_date_and_unknown_alliance(tmp_path):
    alliances, members = write_atop(tmp_path, [{"atopid": 1, "begyr": 1900, "begmo": 1, "begday": 1}],
                                    [member(1, 2, (1900, 2, 30))])
    with pytest.raises(ImportDataError, match="line 2: entry date 1900-2-30 is not a valid date"):
        import_atop(alliances, members)
    alliances, members = write_atop(tmp_path, [{"atopid": 1, "begyr": 1900, "begmo": 1, "begday": 1}],
                                    [member(2, 2, (1900, 2, 3))])
    with pytest.raises(ImportDataError, match="line 2: atopid 2 is not in alliances.csv"):
        import_atop(alliances, members)


def test_cli_writes_the_file_and_a_summary(runner, atop_files, tmp_path):
    out = tmp_path / "atop.ttl"
    result = runner.invoke(app, ["import", "atop", str(atop_files[0]), str(atop_files[1]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Imported ATOP: 2 alliances, 8 memberships" in result.stderr
    assert result.stdout == ""
    assert len(rdflib.Graph().parse(out)) > 50


def test_cli_without_output_prints_turtle(runner, atop_files):
    result = runner.invoke(app, ["import", "atop", str(atop_files[0]), str(atop_files[1]), "-q"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert len(rdflib.Graph().parse(data=result.stdout, format="turtle")) > 50


def test_cli_bad_input_exits_2_and_keeps_the_existing_output(runner, atop_files, tmp_path):
    out = tmp_path / "atop.ttl"
    out.write_text("# previous import\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("atopid\n1\n")
    result = runner.invoke(app, ["import", "atop", str(bad), str(atop_files[1]), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "bad.csv: line 1" in result.stderr
    assert "Traceback" not in result.output
    assert out.read_text() == "# previous import\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".atop.ttl")] == []


def test_cli_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(app, ["import", "atop", str(tmp_path / "no.csv"), str(tmp_path / "no2.csv")])
    assert result.exit_code == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_undertaken_obligations_query_reads_the_conditions(atop_files, tmp_path, engine):
    from cstograph.engines.engine import make_engine
    from cstograph.engines.queries import run_named

    out = tmp_path / "atop.ttl"
    out.write_text(import_atop(*atop_files).text, encoding="utf-8")
    bindings = {"onDate": Literal("2003-01-01", datatype=XSD.date), "member": d("cow-371")}
    result = run_named(make_engine(engine, load_dataset([out])), "undertaken-obligations", bindings)
    # GROUP_CONCAT's order is the engine's choice: compare the conditions sorted
    rows = [(str(r["alliance"]).rsplit("/", 1)[1], str(r["type"]), ", ".join(sorted(str(r["conditions"]).split(", "))))
            for r in result.records()]
    assert rows == [
        ("atop-4220", "collective defence", "location, specific adversary"),
        ("atop-4220", "consultation", "unconditional"),
        ("atop-4220", "non-aggression", "unconditional"),
        ("atop-4890", "collective defence", "unconditional"),
        ("atop-4890", "consultation", "consultation only on request"),
    ]
    # before phase 2 the defence obligation was unconditional
    bindings["onDate"] = Literal("1995-01-01", datatype=XSD.date)
    result = run_named(make_engine(engine, load_dataset([out])), "undertaken-obligations", bindings)
    assert ("atop-4220", "collective defence", "unconditional") in [
        (str(r["alliance"]).rsplit("/", 1)[1], str(r["type"]), str(r["conditions"])) for r in result.records()]

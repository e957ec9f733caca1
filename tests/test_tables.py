"""The dataset's tables as a whole: the bundled graphs exported and imported with nothing but the
ontology give the same report and the same triples; formula cells are neutralised and read back;
bad ids and dates are refused (issue 22 item 5); the worked example of docs/import.md imports."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Dataset, URIRef

from cgtest import CASES
from cstograph.cli import app
from cstograph.namespaces import CG
from cstograph.reading.resources import graphs_dir

SMALL = CASES / "queries" / "small.ttl"
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "new-crisis"
IMPORT_DOC = Path(__file__).resolve().parents[1] / "docs" / "import.md"


def documented(pattern: str) -> tuple[int, ...]:
    """The figures docs/import.md gives where ``pattern`` (a regex with one group per number) matches."""
    match = re.search(pattern, IMPORT_DOC.read_text(encoding="utf-8"))
    assert match, f"docs/import.md no longer says {pattern!r}"
    return tuple(int(group.replace(",", "")) for group in match.groups())


def quads(*paths) -> set:
    dataset = Dataset()
    for path in paths:
        dataset.parse(path, format="trig" if Path(path).suffix == ".trig" else "turtle")
    return {(s, p, o, str(g)) for s, p, o, g in dataset.quads()}


@pytest.fixture(scope="module")
def round_trip(runner, tmp_path_factory):
    """The bundled graphs exported to tables and imported back: the folder and the imported file."""
    folder = tmp_path_factory.mktemp("tables")
    exported = folder / "cases.csv"
    result = runner.invoke(app, ["export", "-q", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    imported = folder / "all.trig"
    result = runner.invoke(app, ["import", "cases", str(exported), "--ontology-only", "-o", str(imported)])
    assert result.exit_code == 0, result.output
    return folder, imported


def test_the_tables_carry_the_whole_report(runner, round_trip, bundled_report):
    _, imported = round_trip
    original = bundled_report
    again = runner.invoke(app, ["report", "--all", "--format", "json", str(imported)]).stdout
    assert json.loads(original) and again == original


def test_the_tables_carry_every_triple_of_every_graph(round_trip):
    _, imported = round_trip
    bundled = sorted(p for p in graphs_dir().iterdir() if p.suffix in (".ttl", ".trig"))
    original, again = quads(*bundled), quads(imported)
    assert len(original) > 4000
    # The published codings (graphs/published-codings.ttl: alliance-war observations and their
    # assessments) are research data with an importer of their own (`import reliability`), not
    # cases: no table carries them, and the export's concordance table shows what they say.
    observations = {q[0] for q in original if q[1] == RDF.type and q[2] in (CG.WarOccasion, CG.FulfilmentAssessment)}
    assert observations and not observations & {q[0] for q in again}
    assert again == {q for q in original if q[0] not in observations}  # languages, datatypes, several values, accounts' named graphs
    (stated,) = documented(r"([\d,]+) quads \(every bundled quad but the published codings'")
    assert stated == len(again), (
        f"docs/import.md says the round trip carries {stated:,} quads; it carries {len(again):,}: write that figure there")


def test_the_figures_docs_give_for_the_published_codings_are_those_of_the_bundled_file():
    graph = Dataset()
    graph.parse(graphs_dir() / "published-codings.ttl", format="turtle")
    occasions = set(graph.subjects(RDF.type, CG.WarOccasion))
    measured = (len(occasions), len({graph.value(o, CG.atopId) for o in occasions}),
                len({graph.value(o, CG.war) for o in occasions}))
    stated = documented(r"\n(\d+) observations of (\d+) alliances in (\d+) wars")
    assert stated == measured, (
        f"docs/import.md says {stated[0]} observations of {stated[1]} alliances in {stated[2]} wars; "
        f"graphs/published-codings.ttl holds {measured[0]} of {measured[1]} in {measured[2]}: write those figures there")
    assert documented(r"counts these (\d+) observations only") == (len(occasions),)



def test_the_figures_docs_give_for_the_shipped_state_table_are_counted():
    from cstograph.reading.importers import atop

    path = Path(atop.__file__).with_name("cow_states.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    measured = (len(rows), sum(1 for row in rows if row["wikidata"].strip()))
    stated = documented(r"holds the (\d+)\s+Correlates of War codes[^;]*?for (\d+) of them")
    assert stated == measured, f"docs/import.md says {stated}; {path.name} has {measured[0]} codes, {measured[1]} with Wikidata"

def test_every_kind_has_its_table(round_trip):
    folder, _ = round_trip
    for name in ("states", "alliances", "memberships", "treaties", "clauses", "events", "changes", "accounts",
                 "sources", "responses"):
        with open(folder / f"cases-{name}.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, name
    with open(folder / "cases-clauses.csv", encoding="utf-8") as handle:
        clauses = list(csv.DictReader(handle))
    assert {"trigger_text", "undertaking_text", "condition_adversary"} <= set(clauses[0])
    assert any(row["trigger_text"] for row in clauses)
    with open(folder / "cases-events.csv", encoding="utf-8") as handle:
        accounts = {row["in_account"] for row in csv.DictReader(handle)}
    assert "https://w3id.org/cstograph/data/account-Armenia" in accounts


def test_formula_cells_are_neutralised_and_read_back(runner, tmp_path):
    hostile = '=HYPERLINK("http://evil.example","x")'
    data = tmp_path / "hostile.ttl"
    data.write_text(SMALL.read_text(encoding="utf-8").replace('rdfs:label "Avalon asks the League"@en',
                                                              f'rdfs:label "{hostile.replace(chr(34), chr(92) + chr(34))}"@en'),
                    encoding="utf-8")
    out = tmp_path / "x.csv"
    result = runner.invoke(app, ["export", "-q", "-o", str(out), str(data)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    with open(out, encoding="utf-8") as handle:
        labels = [row["request_label"] for row in csv.DictReader(handle)]
    assert "'" + hostile in labels and hostile not in labels
    package = tmp_path / "package"
    assert runner.invoke(app, ["export", "-q", "-o", str(package), str(data)]).exit_code == 0
    assert "'=HYPERLINK" in (package / "requests.csv").read_text(encoding="utf-8")
    assert text.count("'=HYPERLINK") == 1
    back = tmp_path / "back.ttl"
    result = runner.invoke(app, ["import", "cases", str(out), "--ontology-only", "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert f'"{hostile}"' in back.read_text(encoding="utf-8").replace('\\"', '"')


REQUEST = {"request": "ex:r9", "date": "2022-09-14", "requester": "Avalon", "addressee": "Tor League",
           "clause": "ex:art4", "events": "Attack on Avalon", "sources": "ex:src"}

REFUSED = [
    # (column, value, expected words)
    ("request", "http://example.org/%zz", "'http://example.org/%zz' is not a valid IRI"),
    ("request", "http://example.org/a\x7f", "is not a valid IRI"),
    ("request", "http://example.org/\ufffe", "is not a valid IRI"),
    ("request", "http://[::1", "'http://[::1' is not a valid IRI"),
    ("request", "http://example.org/a#b#c", "'http://example.org/a#b#c' is not a valid IRI"),
    ("request", "ex:A", "'ex:A' is already a state, not a request"),
    ("request", "cg:AssistanceRequest", "'cg:AssistanceRequest' is a term of the vocabulary, not an id for a request"),
    ("request", "rdf:type", "'rdf:type' is a term of the vocabulary, not an id for a request"),
    ("date", "2022-13-45", "'2022-13-45' is not a date"),
    ("date", "2022-02-30", "'2022-02-30' is not a date"),
    ("date", "٢٠٢٢-٠٩-١٤", "'٢٠٢٢-٠٩-١٤' is not a date"),
]


@pytest.mark.parametrize("column, value, words", REFUSED, ids=[f"{c}-{v.encode('unicode_escape').decode()}" for c, v, _ in REFUSED])
def test_unreadable_ids_other_kinds_and_impossible_dates_are_refused(runner, tmp_path, column, value, words):
    path = tmp_path / "cases.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(REQUEST))
        writer.writeheader()
        writer.writerow(dict(REQUEST, **{column: value}))
    out = tmp_path / "out.ttl"
    result = runner.invoke(app, ["import", "cases", str(path), "--data", str(SMALL), "-o", str(out)])
    assert result.exit_code == 2, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"Error: {path}: row 2, column {column}: ") and words in first, first
    assert "Traceback" not in result.output and not out.exists()


@pytest.mark.parametrize("issued", ["2022-13-45", "2022-02-30", "2022-13", "٢٠٢٢"])
def test_impossible_issued_dates_are_refused(runner, tmp_path, issued):
    path = tmp_path / "cases.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write("request,date,requester,addressee,clause,events,sources\n"
                     "ex:r9,2022-09-14,Avalon,Tor League,ex:art4,Attack on Avalon,ex:new\n")
    (tmp_path / "cases-sources.csv").write_text(f"source,title,issued\nex:new,A title,{issued}\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "cases", str(path), "--data", str(SMALL)])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0].startswith(f"Error: {tmp_path / 'cases-sources.csv'}: row 2, column issued: ")


def test_accounts_need_trig(runner, round_trip, tmp_path):
    folder, _ = round_trip
    result = runner.invoke(app, ["import", "cases", str(folder / "cases.csv"), "--ontology-only",
                                 "-o", str(tmp_path / "all.ttl")])
    assert result.exit_code == 2 and "name the output FILE.trig" in result.output
    assert not (tmp_path / "all.ttl").exists()


def test_the_worked_example_imports_a_new_crisis_from_tables(runner, tmp_path):
    out = tmp_path / "crisis.ttl"
    result = runner.invoke(app, ["import", "cases", str(EXAMPLE / "crisis.csv"), "--ontology-only", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 requests, 2 responses, 2 sources" in result.output
    stated = re.search(r"# (Imported cases: .*? triples\)) to crisis\.ttl", IMPORT_DOC.read_text(encoding="utf-8"), re.S)
    summary = " ".join(stated.group(1).replace("#", " ").split())
    assert summary in " ".join(result.output.split()), f"docs/import.md shows {summary!r}; the import says {result.output!r}"
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0
    report = json.loads(runner.invoke(app, ["report", "--all", "--format", "json", str(out)]).stdout)
    statuses = {row["request"].rsplit("/", 1)[-1]: row["status"] for row in report}
    assert statuses == {"request-2031-03-02-Avalon-TorLeague": "met",
                        "request-2031-03-20-Corin-TorLeague": "not-triggered"}


def test_vocabulary_terms_query(engine_for):
    from cstograph.engines.queries import run_named

    rows = run_named(engine_for(SMALL), "vocabulary-terms").records()
    supers: dict[str, set[str]] = {}
    for r in rows:
        supers.setdefault(str(r["term"]), set()).add(str(r["super"]) if r["super"] is not None else "")
    cg = "https://w3id.org/cstograph/ns#"
    assert {cg + "ArmedAttack", cg + "Event"} <= supers[cg + "ArmedAttack"]
    assert cg + "requester" in supers and "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" in supers
    assert "http://example.org/q/A" not in supers  # a state is no term


def test_account_nodes_query(engine_for, tmp_path):
    from cstograph.engines.queries import run_named

    account = tmp_path / "account.trig"
    account.write_text("<http://example.org/q/acc> { <http://example.org/q/e1> "
                       "<https://w3id.org/cstograph/ns#attacker> <http://example.org/q/C> . }\n", encoding="utf-8")
    rows = run_named(engine_for(SMALL, account), "account-nodes").records()
    assert {(str(r["g"]), str(r["node"])) for r in rows} == {("http://example.org/q/acc", "http://example.org/q/e1")}


def test_a_property_without_a_column_gets_one_and_comes_back(runner, tmp_path):
    data = tmp_path / "extra.ttl"
    data.write_text(SMALL.read_text(encoding="utf-8") + "\n<http://example.org/q/A> <http://example.org/q/colour> "
                    '"blue"@en, <http://example.org/q/Blue> ; rdfs:label "\'=quoted"@en ;'
                    ' <http://example.org/q/note> _:b .\n_:b rdfs:label "a blank node" .\n', encoding="utf-8")
    out = tmp_path / "x.csv"
    result = runner.invoke(app, ["export", "-o", str(out), str(data)])
    assert result.exit_code == 0, result.output
    assert "1 triples whose object is a blank node are not in the tables" in result.output
    with open(tmp_path / "x-states.csv", encoding="utf-8") as handle:
        avalon = next(row for row in csv.DictReader(handle) if row["state"] == "http://example.org/q/A")
    assert avalon["<http://example.org/q/colour>"] == '"blue"@en\n<http://example.org/q/Blue>'
    assert '"\'=quoted"@en' in avalon["state_label"].split("\n")
    back = tmp_path / "back.trig"
    result = runner.invoke(app, ["import", "cases", str(out), "--ontology-only", "-o", str(back)])
    assert result.exit_code == 0, result.output
    expected = {q for q in quads(data) if not isinstance(q[2], BNode) and not isinstance(q[0], BNode)}
    source = (URIRef("http://example.org/q/src"), RDF.type, URIRef("https://w3id.org/cstograph/ns#Source"),
              "urn:x-rdflib:default")
    assert source not in expected  # the fixture cites a source it does not type: the import states its class
    assert quads(back) == expected | {source}


def test_rows_the_reference_data_holds_are_not_written_again(runner, tmp_path):
    out = tmp_path / "x.csv"
    assert runner.invoke(app, ["export", "-q", "-o", str(out), str(SMALL)]).exit_code == 0
    result = runner.invoke(app, ["import", "cases", str(out), "--data", str(SMALL), "-o", str(tmp_path / "again.trig")])
    assert result.exit_code == 0, result.output
    assert "0 requests, 0 responses, 0 sources" in result.output and "rows already in the reference data" in result.output
    assert quads(tmp_path / "again.trig") == set()


@pytest.mark.parametrize("value", ['=HYPERLINK("http://evil.example","x")', "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)",
                                   "+1+1", "\t=1+1", "\r=1+1"])
def test_every_csv_table_neutralises_formula_starts(value):
    from cstograph.base.table_schema import STATES
    from cstograph.output.dataset_files import csv_bytes

    text = csv_bytes(STATES, [{"state": "http://example.org/s", "description": value, "cow_code": -5}]).decode()
    import io

    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["description"] == "'" + value and row["cow_code"] == "-5"  # numbers stay numbers


NEW_TABLES_BROKEN = [
    # (table, row index, column, bad value, expected first line's words, expected hint words)
    ("events", 0, "attacker", "Brll", "unknown state 'Brll'", "did you mean 'Brill'?"),
    ("events", 0, "types", "cg:Membership", "a row of the events table is an event", ""),
    ("events", 1, "start_date", "2031-02-30", "'2031-02-30' is not a date", "YYYY-MM-DD"),
    ("memberships", 0, "alliance", "Tor Leage", "unknown alliance 'Tor Leage'", "did you mean 'Tor League'?"),
    ("clauses", 0, "obligation_type", "cg:CollectiveDefense", "unknown obligation type 'cg:CollectiveDefense'", ""),
    ("states", 0, "state", "cg:State", "'cg:State' is a term of the vocabulary", ""),
    ("states", 1, "state", "cgd:Avalon", "'cgd:Avalon' appears on an earlier row", ""),
    ("treaties", 0, "treaty", "cgd:Avalon", "'cgd:Avalon' is already a state, not a treaty", ""),
    ("alliances", 0, "colour", "blue", "unknown column for the alliances table", ""),
    ("sources", 0, "title", "", "empty: a new source needs a title", ""),
    ("responses", 0, "request", "Avalon asks the League", "unknown request 'Avalon asks the League'",
     "did you mean 'Avalon asks the Tor League'"),
]


@pytest.mark.parametrize("table, index, column, value, words, hint", NEW_TABLES_BROKEN,
                         ids=[f"{b[0]}-{b[2]}-{b[3] or 'empty'}" for b in NEW_TABLES_BROKEN])
def test_errors_in_the_new_tables_name_file_row_and_column(runner, tmp_path, table, index, column, value, words, hint):
    for path in EXAMPLE.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if path.name == ("crisis.csv" if table == "requests" else f"crisis-{table}.csv"):
            rows[index][column] = value
        with open(tmp_path / path.name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    out = tmp_path / "crisis.ttl"
    result = runner.invoke(app, ["import", "cases", str(tmp_path / "crisis.csv"), "--ontology-only", "-o", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    row = 1 if column == "colour" else index + 2
    assert lines[0].startswith(f"Error: {tmp_path / f'crisis-{table}.csv'}: row {row}, column {column}: ") and words in lines[0], lines[0]
    assert hint in result.output and "Traceback" not in result.output and not out.exists()


def test_a_data_package_imports_as_its_folder(runner, tmp_path):
    package = tmp_path / "package"
    assert runner.invoke(app, ["export", "-q", "-o", str(package), str(SMALL)]).exit_code == 0
    out = tmp_path / "back.trig"
    result = runner.invoke(app, ["import", "cases", str(package / "datapackage.json"), "--ontology-only", "-o", str(out)])
    assert result.exit_code == 0, result.output
    original = runner.invoke(app, ["report", "--all", "--format", "json", str(SMALL)]).stdout
    assert runner.invoke(app, ["report", "--all", "--format", "json", str(out)]).stdout == original


@pytest.mark.parametrize("day", ["2022-13-45", "2022-02-30", "٢٠٢٢-٠٩-١٤"])
def test_validation_rejects_impossible_dates_written_by_hand(runner, tmp_path, day):
    data = tmp_path / "bad-date.ttl"
    data.write_text(SMALL.read_text(encoding="utf-8").replace('cg:date "2022-09-13"^^xsd:date ; dcterms:source ex:src .',
                                                              f'cg:date "{day}"^^xsd:date ; dcterms:source ex:src .', 1),
                    encoding="utf-8")
    assert day in data.read_text(encoding="utf-8")
    result = runner.invoke(app, ["validate", str(data)])
    assert result.exit_code == 1 and "must be a valid xsd:date" in result.output, result.output


FAMILY_BROKEN = [
    # (family, table, row index, column, bad value, expected first line's words, expected hint words)
    ("warsaw-pact-1968", "accounts", 0, "account_of", "Soviet Unon", "unknown state or alliance 'Soviet Unon'",
     "did you mean 'Soviet Union'?"),
    ("warsaw-pact-1968", "accounts", 0, "in_account", "cgd:account-SovietUnion",
     "an account is declared in the undisputed data: leave it empty", ""),
    ("warsaw-pact-1968", "events", 1, "in_account", "Soviet governments account (TASS, 21 August 1968)",
     "unknown account 'Soviet governments account (TASS, 21 August 1968)'",
     "did you mean \"Soviet government's account (TASS, 21 August 1968)\"?"),
    ("warsaw-pact-1968", "requests", 0, "clause", "cgd:WarsawTreaty-Article5", "unknown clause 'cgd:WarsawTreaty-Article5'",
     "name it by its label"),
    ("warsaw-pact-1968", "responses", 0, "in_account", "cgd:SovietUnion", "unknown account 'cgd:SovietUnion'", ""),
    ("csto-russia-2020-2024", "changes", 0, "changed_by", "Armenai", "unknown state 'Armenai'", "did you mean 'Armenia'"),
    ("csto-russia-2020-2024", "changes", 0, "of_membership", "cgd:membership-Armenia-CSTX",
     "unknown membership 'cgd:membership-Armenia-CSTX'", ""),
    ("csto-russia-2020-2024", "changes", 0, "start_date", "2024-06-31", "'2024-06-31' is not a date", "YYYY-MM-DD"),
]


@pytest.mark.parametrize("family, table, index, column, value, words, hint", FAMILY_BROKEN,
                         ids=[f"{b[0]}-{b[1]}-{b[3]}" for b in FAMILY_BROKEN])
def test_errors_in_the_tables_of_accounts_and_changes_name_file_row_and_column(runner, tmp_path, family, table, index,
                                                                              column, value, words, hint):
    """A bundled family's tables with one bad cell, imported as the family test imports them (every
    other bundled graph as reference): one line naming file, row and column, a hint, nothing written."""
    folder = graphs_dir() / "tables" / family
    for path in folder.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
            columns = list(rows[0]) if rows else []
        if path.name == ("requests.csv" if table == "requests" else f"requests-{table}.csv"):
            rows[index][column] = value
            columns += [column] if column not in columns else []
        with open(tmp_path / path.name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    others = [p for p in graphs_dir().iterdir() if p.suffix in (".ttl", ".trig") and p.stem != family]
    out = tmp_path / "out.trig"
    result = runner.invoke(app, ["import", "cases", str(tmp_path / "requests.csv"),
                                 *[arg for p in sorted(others) for arg in ("--data", str(p))], "-o", str(out)])
    assert result.exit_code == 2, result.output
    first = result.output.splitlines()[0]
    path = tmp_path / ("requests.csv" if table == "requests" else f"requests-{table}.csv")
    assert first.startswith(f"Error: {path}: row {index + 2}, column {column}: ") and words in first, first
    assert hint in result.output and "Traceback" not in result.output and not out.exists()

"""cstograph import cases: the spreadsheet template to sourced RDF, its errors, and the round trip
export -> import -> report on the bundled graphs."""

from __future__ import annotations

import csv
import json

import pytest
from rdflib import RDF, Dataset, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS

from cgtest import CASES
from cstograph.cli import app
from cstograph.reading.resources import graphs_dir

CG = Namespace("https://w3id.org/cstograph/ns#")
SMALL = CASES / "queries" / "small.ttl"
EX = "http://example.org/q/"
MINTED = "https://w3id.org/cstograph/data/request-2022-01-06-C-L"

REQUESTS = [
    {"request": "ex:r9", "request_label": "Avalon asks again", "date": "2022-09-14", "requester": "Avalon",
     "addressee": "Tor League", "clause": "ex:art4", "events": "Attack on Avalon", "sources": "ex:press"},
    {"request": "", "date": "2022-01-06", "requester": "", "requester_label": "corin", "addressee": f"{EX}L",
     "clause": "ex:art2", "events": "ex:e2; ex:e3", "sources": "ex:src"},
]
RESPONSES = [
    {"response": "ex:y1", "request": "ex:r9", "responder": "tor league", "type": "military deployment",
     "date": "2022-09-20", "sources": "ex:src; ex:press"},
    {"response": "", "request": MINTED, "responder": "ex:L", "type": "", "type_label": "Consultations",
     "date": "2022-01-08", "sources": "ex:press"},
]
SOURCES = [{"source": "ex:press", "title": "League press release", "publisher": "Tor League", "issued": "2022-09",
            "url": "https://league.example/press"}]

# The same facts written by hand: the import must give the verdicts these give.
BY_HAND = f"""
@prefix cg: <https://w3id.org/cstograph/ns#> . @prefix ex: <{EX}> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:press dcterms:title "League press release" .
ex:r9 a cg:AssistanceRequest ; cg:requester ex:A ; cg:addressee ex:L ; cg:invokes ex:art4 ; cg:concerns ex:e1 ;
  cg:date "2022-09-14"^^xsd:date ; dcterms:source ex:press .
<{MINTED}> a cg:AssistanceRequest ; cg:requester ex:C ; cg:addressee ex:L ; cg:invokes ex:art2 ;
  cg:concerns ex:e2, ex:e3 ; cg:date "2022-01-06"^^xsd:date ; dcterms:source ex:src .
ex:y1 a cg:Response ; cg:respondsTo ex:r9 ; cg:responder ex:L ; cg:responseType cg:MilitaryDeployment ;
  cg:date "2022-09-20"^^xsd:date ; dcterms:source ex:src, ex:press .
ex:y2 a cg:Response ; cg:respondsTo <{MINTED}> ; cg:responder ex:L ; cg:responseType cg:Consultations ;
  cg:date "2022-01-08"^^xsd:date ; dcterms:source ex:press .
"""


def write_csv(path, rows, columns=None):
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def template(folder, requests=REQUESTS, responses=RESPONSES, sources=SOURCES):
    write_csv(folder / "cases-responses.csv", responses)
    write_csv(folder / "cases-sources.csv", sources)
    return write_csv(folder / "cases.csv", requests)


def verdicts(runner, *paths) -> dict[str, tuple[str, str]]:
    result = runner.invoke(app, ["report", "--all", "--format", "json", *map(str, paths)])
    assert result.exit_code == 0, result.output
    return {row["request"]: (row["status"], row["reason"]) for row in json.loads(result.stdout)}


def test_the_template_imports_as_the_same_facts_written_by_hand(runner, tmp_path):
    requests = template(tmp_path)
    out = tmp_path / "cases.ttl"
    result = runner.invoke(app, ["import", "cases", str(requests), "--data", str(SMALL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 requests, 2 responses, 1 sources" in result.output
    graph = Graph().parse(out)
    facts = set(graph.subjects(RDF.type, CG.AssistanceRequest)) | set(graph.subjects(RDF.type, CG.Response))
    assert len(facts) == 4 and all(graph.value(node, DCTERMS.source) is not None for node in facts)
    assert URIRef(MINTED) in facts
    by_hand = tmp_path / "by-hand.ttl"
    by_hand.write_text(BY_HAND, encoding="utf-8")
    imported, expected = verdicts(runner, SMALL, out), verdicts(runner, SMALL, by_hand)
    assert imported == expected
    assert {imported[EX + "r9"][0], imported[MINTED][0]} == {"met"}  # the template exercises both responses
    result = runner.invoke(app, ["validate", str(SMALL), str(out)])
    assert result.exit_code == 0, result.output



def test_a_request_row_typed_only_as_a_collective_invocation_is_still_a_request(runner, tmp_path):
    """A row of the requests table is a request: typed cg:CollectiveInvocation alone (a subclass),
    the import adds cg:AssistanceRequest, so the rules (which do not reason over subclasses)
    classify it like the same row without types."""
    row = dict(REQUESTS[0], types="cg:CollectiveInvocation", invoked_by="Tor League")
    typed = template(tmp_path, requests=[row], responses=[RESPONSES[0]])
    out = tmp_path / "cases.ttl"
    result = runner.invoke(app, ["import", "cases", str(typed), "--data", str(SMALL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out)
    request = URIRef(EX + "r9")
    assert {CG.CollectiveInvocation, CG.AssistanceRequest} <= set(graph.objects(request, RDF.type))
    (tmp_path / "plain").mkdir()
    untyped = template(tmp_path / "plain", requests=[REQUESTS[0]], responses=[RESPONSES[0]])
    plain = tmp_path / "plain.ttl"
    assert runner.invoke(app, ["import", "cases", str(untyped), "--data", str(SMALL), "-o", str(plain)]).exit_code == 0
    assert verdicts(runner, SMALL, out)[EX + "r9"] == verdicts(runner, SMALL, plain)[EX + "r9"]
    assert verdicts(runner, SMALL, out)[EX + "r9"][0] == "met"



def test_a_request_only_an_account_makes_is_typed_in_that_account(runner, tmp_path):
    """Rows of an account about a node no row and no reference data types, with an empty types cell:
    the node is typed with its table's class in the account's graph, so the account's view classifies it."""
    requests = template(tmp_path, requests=[dict(REQUESTS[0], in_account="ex:acc")],
                        responses=[dict(RESPONSES[0], in_account="ex:acc")])
    write_csv(tmp_path / "cases-accounts.csv", [{"account": "ex:acc", "account_label": "Avalon's account",
                                                "account_of": "Avalon", "sources": "ex:src"}])
    out = tmp_path / "cases.trig"
    result = runner.invoke(app, ["import", "cases", str(requests), "--data", str(SMALL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    dataset = Dataset()
    dataset.parse(out, format="trig")
    account = URIRef(EX + "acc")
    assert (URIRef(EX + "r9"), RDF.type, CG.AssistanceRequest, account) in dataset
    assert (URIRef(EX + "y1"), RDF.type, CG.Response, account) in dataset
    assert (URIRef(EX + "r9"), RDF.type, CG.AssistanceRequest) not in dataset.default_graph
    assert EX + "r9" not in verdicts(runner, SMALL, out)
    view = runner.invoke(app, ["report", "--all", "--format", "json", "--according-to", EX + "acc", str(SMALL), str(out)])
    assert view.exit_code == 0, view.output
    assert {row["request"]: row["status"] for row in json.loads(view.stdout)}.get(EX + "r9") == "met"


BROKEN = [
    # (table, row index, column, bad value, expected words, column named in the error)
    ("requests", 1, "date", "2022-13-01", "'2022-13-01' is not a date", "date"),
    ("requests", 1, "date", "14/09/2022", "'14/09/2022' is not a date", "date"),
    ("requests", 0, "requester", "Narnia", "unknown state 'Narnia'", "requester"),
    ("requests", 0, "requester", "ex:L", "unknown state 'ex:L'", "requester"),
    ("requests", 0, "addressee", "Pact of Pell", "unknown alliance or state 'Pact of Pell'", "addressee"),
    ("requests", 0, "clause", "ex:nothing", "unknown clause 'ex:nothing'", "clause"),
    ("requests", 1, "events", "ex:e2; Battle of Nowhere", "unknown event 'Battle of Nowhere'", "events"),
    ("requests", 1, "sources", "", "empty: every request needs a source", "sources"),
    ("requests", 0, "sources", "ex:unlisted", "unknown source 'ex:unlisted'", "sources"),
    ("responses", 0, "sources", "", "empty: every response needs a source", "sources"),
    ("responses", 1, "request", "ex:r404", "unknown request 'ex:r404'", "request"),
    ("responses", 0, "type", "parade", "unknown response type 'parade'", "type"),
    ("sources", 0, "title", "", "empty: a new source needs a title", "title"),
    ("sources", 0, "issued", "September 2022", "'September 2022' is not a date", "issued"),
]


@pytest.mark.parametrize("table, index, column, value, words, named", BROKEN,
                         ids=[f"{b[0]}-{b[2]}-{b[3] or 'empty'}" for b in BROKEN])
def test_a_broken_cell_is_named_by_file_row_and_column(runner, tmp_path, table, index, column, value, words, named):
    tables = {"requests": [dict(r) for r in REQUESTS], "responses": [dict(r) for r in RESPONSES],
              "sources": [dict(r) for r in SOURCES]}
    tables[table][index][column] = value
    requests = template(tmp_path, tables["requests"], tables["responses"], tables["sources"])
    out = tmp_path / "cases.ttl"
    out.write_text("# the previous import\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "cases", str(requests), "--data", str(SMALL), "-o", str(out)])
    assert result.exit_code == 2, result.output
    path = requests if table == "requests" else tmp_path / f"cases-{table}.csv"
    first = result.output.splitlines()[0]
    assert first == f"Error: {path}: row {index + 2}, column {named}: {words}", first
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "# the previous import\n"  # left untouched


def test_an_unknown_column_is_named(runner, tmp_path):
    rows = [dict(REQUESTS[0], colour="red")]
    requests = template(tmp_path, requests=rows)
    result = runner.invoke(app, ["import", "cases", str(requests), "--data", str(SMALL)])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == f"Error: {requests}: row 1, column colour: unknown column for the requests table"


def test_a_spreadsheet_file_is_refused_with_a_hint(runner, tmp_path):
    sheet = tmp_path / "cases.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    result = runner.invoke(app, ["import", "cases", str(sheet), "--data", str(SMALL)])
    assert result.exit_code == 2 and "reads CSV files" in result.output and "CSV UTF-8" in result.output


@pytest.fixture(scope="module")
def base_data(tmp_path_factory):
    """The bundled graphs without their requests and responses (the treaties, memberships, events,
    sources and accounts stay): what an analyst's rows are entered against."""
    dataset = Dataset()
    for path in sorted(graphs_dir().iterdir()):
        if path.suffix in (".ttl", ".trig"):
            dataset.parse(path, format="trig" if path.suffix == ".trig" else "turtle")
    default = dataset.default_graph
    cases = {s for kind in (CG.AssistanceRequest, CG.Response) for s in default.subjects(RDF.type, kind)}
    for triple in list(default):
        if triple[0] in cases:
            default.remove(triple)
    path = tmp_path_factory.mktemp("base") / "base.trig"
    dataset.serialize(path, format="trig")
    return path, len(cases)


def test_export_import_round_trip_gives_the_same_verdicts(runner, tmp_path, base_data, bundled_report):
    base, removed = base_data
    exported = tmp_path / "cases.csv"
    assert runner.invoke(app, ["export", "-o", str(exported)]).exit_code == 0
    imported = tmp_path / "cases.ttl"
    result = runner.invoke(app, ["import", "cases", str(exported), "--data", str(base), "-o", str(imported)])
    assert result.exit_code == 0, result.output
    assert removed > 0 and verdicts(runner, base) == {}
    original = json.loads(bundled_report)
    again = json.loads(runner.invoke(app, ["report", "--all", "--format", "json", str(base), str(imported)]).stdout)
    assert again == original  # statuses, reasons, responses, delays, sources and contested accounts

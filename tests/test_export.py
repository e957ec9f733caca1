"""cstograph export: every format read back (pandas, the Stata reader, Frictionless) against the report.

The codebook docs/codebook.md is generated from the export's schema; regenerate it after a
deliberate change with:

    CSTOGRAPH_REGENERATE=1 pytest -q tests/test_export.py
"""

from __future__ import annotations

import json
import os

import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, OWL, RDF

from cgtest import CASES, REPO
from cstograph import __version__
from cstograph.base.table_schema import TABLES
from cstograph.base.version import BUNDLED_DATA_VERSION
from cstograph.cli import app
from cstograph.engines.queries import run_named
from cstograph.output.dataset import codebook_markdown
from cstograph.reading.importers.stata import read_dta
from cstograph.reading.resources import graphs_dir

pandas = pytest.importorskip("pandas")

CG = Namespace("https://w3id.org/cstograph/ns#")
SMALL = CASES / "queries" / "small.ttl"
EX = "http://example.org/q/"
CONTESTED = CASES / "accounts" / "contested.trig"
CODEBOOK = REPO / "docs" / "codebook.md"


def invoke(runner, *args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


@pytest.fixture(scope="module")
def exported(runner, tmp_path_factory, bundled_report):
    """The bundled graphs exported in every format, and the report they must agree with.

    ``cstograph export -o cases.csv`` writes the CSV files; the other formats are written from one
    dataset of the API by the writer the command calls (``write_dataset``, which picks the format
    from the suffix): computing the dataset (about 2 s) once instead of once per format."""
    import cstograph
    from cstograph.output.dataset_files import write_dataset

    folder = tmp_path_factory.mktemp("export")
    invoke(runner, "export", "-o", str(folder / "cases.csv"))
    dataset = cstograph.open().dataset()
    for name in ("cases.dta", "cases.json", "package"):
        write_dataset(dataset, folder / name)
    return folder, json.loads(bundled_report)


def _s(value) -> str:
    """A cell as text whatever the reader made of it (NaN and None are empty)."""
    if value is None or (isinstance(value, float) and value != value) or value is pandas.NA or value is pandas.NaT:
        return ""
    if isinstance(value, pandas.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (bool,)) or str(value) in ("True", "False"):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def expected_requests(report: list[dict]) -> list[dict[str, str]]:
    """The request rows the report implies, as text cells."""
    return [{
        "request": r["request"], "date": r["date"], "requester": r["requester"], "requester_label": r["requesterLabel"],
        "addressee": r["addressee"], "addressee_label": r["addresseeLabel"], "clause": r["obligation"],
        "clause_label": r["obligationLabel"], "alliance": r["alliance"] or "", "status": r["status"], "reason": r["reason"],
        "triggered": str(r["status"] != "not-triggered").lower(), "responses": str(len(r["responses"])),
        "days_to_first_response": _s(r["daysToFirstResponse"]), "days_to_fulfilment": _s(r["daysToFulfilment"]),
        "contested": str(bool(r["contested"])).lower(),
        "contested_statuses": "; ".join(f"{c['label']}: {c['status']}" for c in r["contested"] or []),
        "robust": str(r["robust"]).lower(),
        "readings": "; ".join(f"{x['label']}: {x['status']}" for x in r["readings"]),
        "sources": "; ".join(sorted({s["source"] for s in r["sources"]})),
        "dataset_version": BUNDLED_DATA_VERSION, "cstograph_version": __version__,
    } for r in report]


def expected_responses(report: list[dict]) -> list[dict[str, str]]:
    import datetime as dt

    rows = []
    for r in report:
        for x in sorted(r["responses"], key=lambda x: (x["date"], x["response"])):
            rows.append({"response": x["response"], "request": r["request"], "responder": x["responder"],
                         "responder_label": x["responderLabel"], "type": x["type"], "type_label": x["typeLabel"],
                         "date": x["date"], "fulfils": str(x["fulfils"]).lower(),
                         "days_after_request": str((dt.date.fromisoformat(x["date"]) - dt.date.fromisoformat(r["date"])).days)})
    return rows


def project(frame, columns) -> list[dict[str, str]]:
    """The rows of the undisputed data (not those of accounts), restricted to ``columns``."""
    return [{c: _s(row[c]) for c in columns} for row in frame.to_dict("records") if not _s(row.get("in_account"))]


def frames(folder, reader, suffix: str) -> dict:
    return {spec.name: reader(folder / (f"cases{suffix}" if spec.name == "requests" else f"cases-{spec.name}{suffix}"))
            for spec in TABLES}


def read_csv(path):
    return pandas.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("fmt", ["csv", "dta", "json", "package"])
def test_every_format_reads_back_with_the_report_rows(exported, fmt):
    folder, report = exported
    if fmt == "csv":
        tables = frames(folder, read_csv, ".csv")
    elif fmt == "dta":
        tables = frames(folder, pandas.read_stata, ".dta")
        for spec in TABLES:  # Stata has no booleans: 1 and 0
            for f in spec.fields:
                if f.type == "boolean":
                    tables[spec.name][f.name] = [_s(v) if v != v else str(bool(v)).lower() for v in tables[spec.name][f.name]]
    elif fmt == "json":
        document = json.loads((folder / "cases.json").read_text(encoding="utf-8"))
        tables = {name: pandas.DataFrame(rows) for name, rows in document["tables"].items()}
    else:
        tables = {spec.name: read_csv(folder / "package" / f"{spec.name}.csv") for spec in TABLES}
    want = expected_requests(report)
    assert project(tables["requests"], want[0].keys()) == want
    want = expected_responses(report)
    assert project(tables["responses"], want[0].keys()) == want
    for spec in TABLES:
        if fmt == "json" and tables[spec.name].empty:  # an empty JSON table has no rows to carry the columns
            continue
        columns = list(tables[spec.name].columns)
        assert columns[:len(spec.names)] == list(spec.names)
        # then only the columns of properties the schema has no column for (prefixed names or <IRI>;
        # Stata names them x_PREFIX_NAME)
        assert all(":" in extra or extra.startswith(("<", "x_")) for extra in columns[len(spec.names):]), columns[len(spec.names):]


def test_dataset_to_pandas_is_typed_by_the_schema():
    import cstograph

    data = cstograph.open(CONTESTED).dataset()
    frames = data.to_pandas()
    for spec in TABLES:
        frame = frames[spec.name]
        assert list(frame.columns) == list(spec.names) and len(frame) == len(data.tables[spec.name])
        for f in spec.fields:
            kind = str(frame[f.name].dtype)
            assert {"date": kind.startswith("datetime64"), "integer": kind == "Int64", "boolean": kind == "boolean",
                    "string": kind == "string"}[f.type], (spec.name, f.name, kind)
    requests = frames["requests"]
    assert list(requests["status"]) == [v.status for v in cstograph.open(CONTESTED).verdicts()]


def test_the_allies_table_is_the_apis_allies(exported):
    import cstograph

    folder, _ = exported
    duties = cstograph.open().allies()
    got = sorted(project(read_csv(folder / "cases-allies.csv"),
                         ["request", "ally_label", "alliance_label", "status", "honoured", "days_to_fulfilment"]),
                 key=lambda r: (r["request"], r["ally_label"]))
    want = sorted(({"request": d.request, "ally_label": d.ally, "alliance_label": d.alliance, "status": d.status,
                    "honoured": str(d.honoured).lower(), "days_to_fulfilment": _s(d.days_to_fulfilment)} for d in duties),
                  key=lambda r: (r["request"], r["ally_label"]))
    assert got == want and len(got) > 0


def test_identifiers_are_the_graphs(exported):
    """COW codes and Wikidata items of requesters and addressees, ATOP ids of treaties, as the graph files state them."""
    folder, _ = exported
    graph = Graph()  # the undisputed data: every Turtle file and the default graph of every TriG file
    for path in sorted(graphs_dir().glob("*.ttl")):
        graph.parse(path)
    for path in sorted(graphs_dir().glob("*.trig")):
        dataset = Dataset()
        dataset.parse(path, format="trig")
        graph += dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    requests = [r for r in read_csv(folder / "cases.csv").to_dict("records") if not r["in_account"]]

    def one(node, prop):
        values = sorted(str(v) for v in graph.objects(URIRef(node), prop)) if node else []
        return values[0] if values else ""

    def wikidata(node):
        values = [str(v) for v in graph.objects(URIRef(node), CG.wikidata)] + [
            str(v) for v in graph.objects(URIRef(node), OWL.sameAs) if str(v).startswith("http://www.wikidata.org/entity/")]
        return min(values) if values else ""

    for row in requests:
        for role in ("requester", "addressee"):
            assert row[f"{role}_cow"] == one(row[role], CG.cowCode)
            assert row[f"{role}_wikidata"] == wikidata(row[role])
        assert row["treaty"] == one(row["clause"], CG.inTreaty)
        assert row["treaty_atop"] == one(row["treaty"], CG.atopId)
        assert row["events"] == "; ".join(sorted(str(e) for e in graph.objects(URIRef(row["request"]), CG.concerns)))
    assert any(row["requester_cow"] for row in requests) and any(row["treaty_atop"] for row in requests)


def test_sources_table_lists_every_cited_source(exported):
    folder, report = exported
    sources = read_csv(folder / "cases-sources.csv")
    cited = {s for r in report for s in (x["source"] for x in r["sources"])}
    listed = set(sources["source"])
    assert cited <= listed and all(sources["title"])
    responses = read_csv(folder / "cases-responses.csv")
    assert all(responses["sources"])
    assert {s for cell in responses["sources"] for s in cell.split("; ")} <= listed


def test_stata_files_are_format_118_with_labels(exported):
    folder, _ = exported
    table = read_dta(folder / "cases.dta")
    assert table.release == 118
    assert table.variables == REQUESTS_NAMES
    assert table.labels["status"].startswith("The verdict")
    csv_rows = read_csv(folder / "cases.csv").to_dict("records")
    assert [r["reason"] for r in table.rows] == [r["reason"] for r in csv_rows]
    dta_rows = [r for r in table.rows if not r["in_account"]]  # the verdicts' rows, not those of accounts
    csv_rows = [r for r in csv_rows if not r["in_account"]]
    assert [r["triggered"] for r in dta_rows] == [int(r["triggered"] == "true") for r in csv_rows]
    # dates are Stata %td: days since 1960-01-01
    import datetime as dt

    assert [dt.date(1960, 1, 1) + dt.timedelta(days=r["date"]) for r in dta_rows] == [
        dt.date.fromisoformat(r["date"]) for r in csv_rows]


REQUESTS_NAMES = TABLES[0].names


def test_long_texts_go_to_strls_and_read_back(tmp_path):
    """Strings longer than 2045 bytes become strLs; pandas and the reader get them whole."""
    from cstograph.output.stata import StataColumn, write_dta

    long = "é" * 1500  # 3000 bytes
    rows = [{"t": long, "n": 7, "b": True, "d": "2022-09-13"}, {"t": None, "n": None, "b": None, "d": None}]
    path = tmp_path / "x.dta"
    path.write_bytes(write_dta([StataColumn("t", "string"), StataColumn("n", "integer"), StataColumn("b", "boolean"),
                                StataColumn("d", "date")], rows, label="test"))
    frame = pandas.read_stata(path)
    assert frame["t"][0] == long and frame["n"][0] == 7 and frame["b"][0] == 1
    assert frame["d"][0] == pandas.Timestamp("2022-09-13") and pandas.isna(frame["n"][1]) and pandas.isna(frame["d"][1])
    assert read_dta(path).rows[0]["t"] == long


def test_data_package_validates_and_describes_every_field(exported):
    frictionless = pytest.importorskip("frictionless")
    folder, _ = exported
    descriptor = folder / "package" / "datapackage.json"
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    assert package["version"] == BUNDLED_DATA_VERSION
    assert [r["name"] for r in package["resources"]] == [spec.name for spec in TABLES]
    for resource, spec in zip(package["resources"], TABLES):
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert names[:len(spec.names)] == list(spec.names)
        assert all(":" in extra or extra.startswith("<") for extra in names[len(spec.names):])  # unmapped properties
        assert all(f["description"] for f in resource["schema"]["fields"])


def test_every_export_carries_the_versions(exported):
    folder, _ = exported
    document = json.loads((folder / "cases.json").read_text(encoding="utf-8"))
    assert (document["cstograph_version"], document["dataset_version"]) == (__version__, BUNDLED_DATA_VERSION)
    with pandas.io.stata.StataReader(folder / "cases-allies.dta") as reader:
        assert reader.data_label == f"cstograph allies (cstograph {__version__}, dataset {BUNDLED_DATA_VERSION})"


def test_citation_file_names_this_version():
    text = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert text.startswith("cff-version: 1.2.0\n")
    assert f'\nversion: "{__version__}"\n' in text and '- name: "cstograph developers"' in text
    assert "doi" not in text.lower()


def test_every_bundled_source_states_its_terms():
    """A licence or a rights statement on every source of the bundled graphs (graphs/sources.ttl)."""
    graph = Graph()
    for path in sorted(graphs_dir().glob("*.ttl")):
        graph.parse(path)
    sources = set(graph.subjects(RDF.type, CG.Source)) | set(graph.objects(None, DCTERMS.source))
    silent = sorted(str(s) for s in sources if graph.value(s, DCTERMS.rights) is None)
    assert not silent, f"add dcterms:rights (and dcterms:license where certain) in graphs/sources.ttl for {silent}"
    licensed = set(graph.subjects(DCTERMS.license, None))
    assert licensed and all(str(graph.value(s, DCTERMS.license)).startswith("https://creativecommons.org/") for s in licensed)


def test_codebook_is_generated_from_the_schema():
    expected = codebook_markdown()
    if os.environ.get("CSTOGRAPH_REGENERATE") == "1":
        CODEBOOK.write_text(expected, encoding="utf-8")
    assert CODEBOOK.read_text(encoding="utf-8") == expected, (
        "docs/codebook.md is stale; regenerate it with: CSTOGRAPH_REGENERATE=1 pytest -q tests/test_export.py")
    for spec in TABLES:
        for f in spec.fields:
            assert f"| `{f.name}` |" in expected


def test_viewpoint_options_are_the_reports(runner, tmp_path):
    """On the fixture of two accounts: Arland's account triggers r1, and on 3 Jan 2023 r3's
    consultation (5 Jan) had not come, so both options change the verdicts."""
    out = tmp_path / "arland.json"
    viewpoint = ("--according-to", "Arland", "--as-of", "2023-01-03")
    invoke(runner, "export", "-o", str(out), str(CONTESTED), *viewpoint)
    report = json.loads(invoke(runner, "report", "--all", "--format", "json", str(CONTESTED), *viewpoint).stdout)
    plain = json.loads(invoke(runner, "report", "--all", "--format", "json", str(CONTESTED)).stdout)
    document = json.loads(out.read_text(encoding="utf-8"))
    rows = document["tables"]["requests"]
    assert [(r["request"], r["status"], r["days_to_first_response"]) for r in rows] == [
        (r["request"], r["status"], r["daysToFirstResponse"]) for r in report]
    assert [r["status"] for r in report] != [r["status"] for r in plain]  # the options reached the verdicts
    assert {r["as_of"] for r in rows} == {"2023-01-03"} and document["as_of"] == "2023-01-03"
    assert document["according_to"] == rows[0]["according_to"] and "Arland" in rows[0]["according_to"]


def test_other_data_carries_no_dataset_version(runner, tmp_path):
    out = tmp_path / "small.csv"
    invoke(runner, "export", "-o", str(out), str(SMALL))
    rows = read_csv(out).to_dict("records")
    assert {r["dataset_version"] for r in rows} == {""}
    assert {r["cstograph_version"] for r in rows} == {__version__}


def test_bad_suffix_is_refused_before_anything_is_written(runner, tmp_path):
    result = invoke(runner, "export", "-o", str(tmp_path / "cases.xlsx"), code=2)
    assert "cases.xlsx" in result.output and "'.xlsx'" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_error_leaves_no_file(runner, tmp_path):
    """The third file cannot be written (its name is a folder): no file of the export appears."""
    (tmp_path / "cases-allies.csv").mkdir()
    result = invoke(runner, "export", "-o", str(tmp_path / "cases.csv"), str(SMALL), code=2)
    assert "cases-allies.csv" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases-allies.csv"]


def test_violating_data_exports_nothing(runner, tmp_path):
    text = SMALL.read_text(encoding="utf-8")
    unsourced = text.replace('cg:date "2022-09-13"^^xsd:date ; dcterms:source ex:src .\nex:r2',
                             'cg:date "2022-09-13"^^xsd:date .\nex:r2')  # r1 loses its source
    assert unsourced != text
    bad = tmp_path / "bad.ttl"
    bad.write_text(unsourced, encoding="utf-8")
    out = tmp_path / "out.json"
    invoke(runner, "export", "-o", str(out), str(bad), code=1)
    assert not out.exists()


# ---------------------------------------------------------------- the export's queries on the fixture graph


def local(term) -> str:
    return "" if term is None else str(term).replace(EX, "")


def test_request_details_query(engine_for):
    rows = run_named(engine_for(SMALL), "request-details").records()
    assert sorted((local(r["request"]), local(r["treaty"]), local(r["event"])) for r in rows) == [
        ("r1", "T", "e1"), ("r2", "T", "e2")]


def test_identifiers_query(engine_for, tmp_path):
    extra = tmp_path / "ids.ttl"
    extra.write_text("@prefix cg: <https://w3id.org/cstograph/ns#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                     f"<{EX}A> cg:cowCode 371 ; owl:sameAs <http://www.wikidata.org/entity/Q399>, <http://dbpedia.org/x> .\n"
                     f"<{EX}T> cg:atopId 4220 .\n", encoding="utf-8")
    rows = {local(r["node"]): r for r in run_named(engine_for(SMALL, extra), "identifiers").records()}
    assert {"A", "B", "C", "L", "BP", "T", "P"} <= set(rows)
    assert (str(rows["A"]["label"]), int(rows["A"]["cowCode"].toPython()), str(rows["A"]["wikidata"])) == (
        "Avalon", 371, "http://www.wikidata.org/entity/Q399")
    assert int(rows["T"]["atopId"].toPython()) == 4220 and rows["T"]["cowCode"] is None and rows["B"]["wikidata"] is None


def test_case_texts_query(engine_for):
    rows = {local(r["node"]): str(r["label"]) for r in run_named(engine_for(SMALL), "case-texts").records()}
    assert rows == {"r1": "Avalon asks the League", "r2": "Corin asks the League", "x1": "Statement",
                    "x2": "Mission", "x3": "Deployment"}


def test_referable_nodes_query(engine_for, tmp_path):
    extra = tmp_path / "alt.ttl"
    extra.write_text(f"<{EX}L> <http://www.w3.org/2004/02/skos/core#altLabel> 'TL'@en .\n", encoding="utf-8")
    rows = run_named(engine_for(SMALL, extra), "referable-nodes").records()
    assert {str(r["label"]) for r in rows if local(r["node"]) == "L"} == {"Tor League", "TL"}
    by_class: dict[str, set[str]] = {}
    for r in rows:
        by_class.setdefault(str(r["class"]).rsplit("#", 1)[1], set()).add(local(r["node"]))
    assert {"A", "B", "C"} == by_class["State"] and {"L", "BP"} == by_class["Alliance"]
    assert {"e1", "e2", "e3"} == by_class["Event"]  # an ArmedAttack, an InternalUnrest and a Summit: subclasses count
    assert {"r1", "r2"} == by_class["AssistanceRequest"] and "src" in by_class["Source"]
    assert "https://w3id.org/cstograph/ns#MilitaryDeployment" in by_class["ResponseType"]

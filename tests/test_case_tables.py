"""The families of cases entered as tables (graphs/tables/FAMILY/) and their Turtle beside the
other graphs (graphs/FAMILY.ttl): each Turtle file is the family's header.txt followed by what
`cstograph import cases` makes of its tables against the other bundled graphs, so a stale file
fails; and every fact node of these files carries dcterms:source.

Regenerate after editing a table:

    CSTOGRAPH_REGENERATE=1 pytest -q tests/test_case_tables.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS
from typer.testing import CliRunner

from cstograph.cli import app
from cstograph.namespaces import CG

GRAPHS = Path(__file__).resolve().parents[1] / "graphs"
TABLES = GRAPHS / "tables"
FAMILIES = sorted(p.name for p in TABLES.iterdir() if (p / "requests.csv").is_file())


def regenerate() -> bool:
    return os.environ.get("CSTOGRAPH_REGENERATE") == "1"


def generated(family: str, tmp_path: Path) -> str:
    """The header and the import of the family's tables, with every other graph as reference."""
    others = sorted(
        p for p in GRAPHS.iterdir() if p.suffix in (".ttl", ".trig") and p.name != f"{family}.ttl"
    )
    data = [arg for p in others for arg in ("--data", str(p))]
    out = tmp_path / f"{family}.ttl"
    result = CliRunner().invoke(
        app, ["import", "cases", str(TABLES / family / "requests.csv"), *data, "-q", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    header = (TABLES / family / "header.txt").read_text(encoding="utf-8")
    return header + out.read_text(encoding="utf-8")


def test_there_are_families_of_tables():
    assert FAMILIES, "no graphs/tables/*/requests.csv found"


@pytest.mark.parametrize("family", FAMILIES)
def test_the_turtle_is_the_import_of_the_tables(family, tmp_path):
    text = generated(family, tmp_path)
    committed = GRAPHS / f"{family}.ttl"
    if regenerate():
        committed.write_text(text, encoding="utf-8")
    assert committed.is_file(), f"graphs/{family}.ttl missing: CSTOGRAPH_REGENERATE=1 pytest -q {__file__}"
    assert committed.read_text(encoding="utf-8") == text, (
        f"graphs/{family}.ttl is stale: CSTOGRAPH_REGENERATE=1 pytest -q tests/test_case_tables.py"
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_every_fact_node_carries_a_source(family):
    graph = Graph().parse(GRAPHS / f"{family}.ttl", format="turtle")
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    facts = {s for s in subjects if (s, RDF.type, CG.Source) not in graph}
    assert facts, f"graphs/{family}.ttl holds no fact nodes"
    unsourced = sorted(str(s) for s in facts if (s, DCTERMS.source, None) not in graph)
    assert not unsourced, f"graphs/{family}.ttl: nodes without dcterms:source: {unsourced}"
    cited = set(graph.objects(None, DCTERMS.source))
    titled = {s for s in cited if (s, DCTERMS.title, None) in graph}
    # a source cited here is described here or in another bundled graph
    elsewhere = Graph()
    for path in GRAPHS.iterdir():
        if path.suffix == ".ttl" and path.name != f"{family}.ttl":
            elsewhere.parse(path, format="turtle")
    missing = sorted(str(s) for s in cited - titled if (s, DCTERMS.title, None) not in elsewhere)
    assert not missing, f"graphs/{family}.ttl cites sources described nowhere: {missing}"


@pytest.mark.parametrize("family", FAMILIES)
def test_every_request_and_response_of_the_family_is_sourced_by_a_titled_source(family):
    graph = Graph().parse(GRAPHS / f"{family}.ttl", format="turtle")
    kinds = (CG.AssistanceRequest, CG.CollectiveInvocation, CG.Response)
    nodes = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    assert nodes, f"graphs/{family}.ttl holds no requests or responses"
    for node in nodes:
        sources = set(graph.objects(node, DCTERMS.source))
        assert any((s, DCTERMS.title, None) in graph for s in sources), node

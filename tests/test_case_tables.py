"""The families of cases entered as tables (graphs/tables/FAMILY/) and their RDF beside the
other graphs: each file is the family's header.txt followed by what `cstograph import cases`
makes of its tables against the other bundled graphs, so a stale file fails; and every fact
node of these files carries dcterms:source. A family is Turtle (graphs/FAMILY.ttl) unless rows of
an account put facts in a named graph: then the importer writes TriG (graphs/FAMILY.trig).

Regenerate after editing a table:

    CSTOGRAPH_REGENERATE=1 pytest -q tests/test_case_tables.py
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS

from cstograph.cli import app
from cstograph.namespaces import CG

GRAPHS = Path(__file__).resolve().parents[1] / "graphs"
TABLES = GRAPHS / "tables"
FAMILIES = sorted(p.name for p in TABLES.iterdir() if (p / "requests.csv").is_file())


def regenerate() -> bool:
    return os.environ.get("CSTOGRAPH_REGENERATE") == "1"


def family_files(family: str) -> set[str]:
    return {f"{family}.ttl", f"{family}.trig"}


@functools.cache
def read(path: Path) -> Dataset:
    """Every quad of a bundled graph (TriG or Turtle) in one dataset, parsed once per run: the
    source checks of each family read every other graph, and no test changes one."""
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="trig" if path.suffix == ".trig" else "turtle")
    return dataset


def has_named_graphs(path: Path) -> bool:
    dataset = Dataset()
    dataset.parse(path, format="trig")
    return any(g != DATASET_DEFAULT_GRAPH_ID for _, _, _, g in dataset.quads())


def generated(runner, family: str, tmp_path: Path) -> tuple[str, str]:
    """The file name (FAMILY.ttl, or FAMILY.trig when the import has named graphs) and its text:
    the header and the import of the family's tables, with every other graph as reference."""
    others = sorted(p for p in GRAPHS.iterdir() if p.suffix in (".ttl", ".trig") and p.name not in family_files(family))
    data = [arg for p in others for arg in ("--data", str(p))]
    out = tmp_path / f"{family}.trig"  # TriG holds Turtle too: the suffix is chosen from what was written
    result = runner.invoke(
        app, ["import", "cases", str(TABLES / family / "requests.csv"), *data, "-q", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    name = f"{family}.trig" if has_named_graphs(out) else f"{family}.ttl"
    header = (TABLES / family / "header.txt").read_text(encoding="utf-8")
    return name, header + out.read_text(encoding="utf-8")


def committed(family: str) -> Path:
    """The family's bundled file (the test of the generated text names a missing or doubled one)."""
    found = [GRAPHS / name for name in sorted(family_files(family)) if (GRAPHS / name).is_file()]
    assert len(found) == 1, f"graphs/{family}.ttl or .trig: found {len(found)} files"
    return found[0]


def test_there_are_families_of_tables():
    assert FAMILIES, "no graphs/tables/*/requests.csv found"


@pytest.mark.parametrize("family", FAMILIES)
def test_the_file_is_the_import_of_the_tables(runner, family, tmp_path):
    name, text = generated(runner, family, tmp_path)
    path = GRAPHS / name
    other = GRAPHS / (family_files(family) - {name}).pop()
    command = "CSTOGRAPH_REGENERATE=1 pytest -q tests/test_case_tables.py"
    if regenerate():
        path.write_text(text, encoding="utf-8")
        other.unlink(missing_ok=True)
    assert not other.exists(), f"graphs/{other.name} is left over: the import writes graphs/{name} ({command})"
    assert path.is_file(), f"graphs/{name} missing: {command}"
    assert path.read_text(encoding="utf-8") == text, f"graphs/{name} is stale: {command}"


@pytest.mark.parametrize("family", FAMILIES)
def test_every_fact_node_carries_a_source(family):
    path = committed(family)
    graph = read(path)
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    facts = {s for s in subjects if (s, RDF.type, CG.Source) not in graph}
    assert facts, f"graphs/{path.name} holds no fact nodes"
    unsourced = sorted(str(s) for s in facts if (s, DCTERMS.source, None) not in graph)
    assert not unsourced, f"graphs/{path.name}: nodes without dcterms:source: {unsourced}"
    cited = set(graph.objects(None, DCTERMS.source))
    titled = {s for s in cited if (s, DCTERMS.title, None) in graph}
    # a source cited here is described here or in another bundled graph
    elsewhere = [
        read(other)
        for other in GRAPHS.iterdir()
        if other.suffix in (".ttl", ".trig") and other.name not in family_files(family)
    ]
    missing = sorted(str(s) for s in cited - titled if not any((s, DCTERMS.title, None) in g for g in elsewhere))
    assert not missing, f"graphs/{path.name} cites sources described nowhere: {missing}"


@pytest.mark.parametrize("family", FAMILIES)
def test_every_request_and_response_of_the_family_is_sourced_by_a_titled_source(family):
    path = committed(family)
    graph = read(path)
    kinds = (CG.AssistanceRequest, CG.CollectiveInvocation, CG.Response)
    nodes = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    assert nodes, f"graphs/{path.name} holds no requests or responses"
    for node in nodes:
        sources = set(graph.objects(node, DCTERMS.source))
        assert any((s, DCTERMS.title, None) in graph for s in sources), node


@pytest.mark.parametrize(
    "family, pattern",
    [
        ("eu-2015", r"with the (\d+) Member\s+States bound by it"),
        ("arab-league-1990", r"with the treaty's (\d+) parties"),
    ],
    ids=["eu-2015", "arab-league-1990"],
)
def test_the_members_docs_count_in_a_family_are_its_memberships(family, pattern):
    """docs/import.md names how many memberships these families hold; the figure is counted here."""
    doc = (GRAPHS.parent / "docs" / "import.md").read_text(encoding="utf-8")
    match = re.search(pattern, doc)
    assert match, f"docs/import.md no longer matches {pattern!r}"
    graph = read(committed(family))
    members = {graph.value(m, CG.member) for m in graph.subjects(RDF.type, CG.Membership)}
    assert int(match.group(1)) == len(members), (
        f"docs/import.md says {match.group(1)} members for {family}; graphs/{committed(family).name} holds {len(members)}"
    )

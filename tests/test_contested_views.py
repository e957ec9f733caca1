"""Contested requests in every picture and export: the fixture tests/cases/accounts/contested.trig,
where two accounts disagree on r1 (unmet in Arland's, not triggered in Borduria's) and on
nothing that decides r2 or r3."""

import html
import io
import json
import xml.dom.minidom
from pathlib import Path

import networkx as nx
import pytest

import cstograph
from cgtest import ENGINES
from cstograph.cli import app
from cstograph.pictures.export import export_bytes
from cstograph.pictures.graph_model import account_verdicts, build_graph
from cstograph.pictures.html import page_data
from cstograph.pictures.layout import graphviz_available
from cstograph.pictures.timeline import timeline_lanes, timeline_svg

CONTESTED = Path(__file__).parent / "cases" / "accounts" / "contested.trig"
ACC = "http://example.org/acc/"
R1_TEXT = "contested: unmet according to Arland's account; not-triggered according to Borduria's account"
ACCOUNT_LINES = ("Arland's account: unmet", "Borduria's account: not-triggered")
# figures name the accounts whose verdict differs and count those that agree with the undisputed one
FIGURE_LINES = ("Arland's account: unmet", "1 other account: not-triggered")
needs_graphviz = pytest.mark.skipif(not graphviz_available("dot"), reason="Graphviz (dot) is not installed")


@pytest.fixture(scope="module")
def graph():
    return cstograph.open([CONTESTED]).graph("requests")


def test_contested_request_carries_each_accounts_verdict(graph):
    r1 = graph.nodes[ACC + "r1"]
    assert r1["status"] == "not-triggered"  # the undisputed data
    assert r1["contested"] == R1_TEXT
    assert r1["contestedBy"] == ACC + "accountX"  # Borduria's account agrees with the undisputed status
    assert account_verdicts(r1) == [("Arland's account", "unmet"), ("Borduria's account", "not-triggered")]
    for request in ("r2", "r3"):
        assert (graph.nodes[ACC + request]["contested"], graph.nodes[ACC + request]["contestedBy"]) == ("", "")
        assert account_verdicts(graph.nodes[ACC + request]) == []


def test_without_verdicts_nothing_is_contested():
    kg = cstograph.open([CONTESTED])
    plain = build_graph(None, kg.engine(), "requests")
    assert plain.nodes[ACC + "r1"]["status"] == "not-triggered"
    assert all(d["contested"] == "" and d["contestedBy"] == "" for _, d in plain.nodes(data=True))


def viz(runner, tmp_path, name, *args):
    out = tmp_path / name
    result = runner.invoke(app, ["viz", str(CONTESTED), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


@needs_graphviz
def test_graphviz_figure_marks_the_contested_request(runner, tmp_path):
    svg = viz(runner, tmp_path, "figure.svg").read_text()
    xml.dom.minidom.parseString(svg)
    svg = html.unescape(svg)  # Graphviz writes ' as &#39;
    assert svg.count("CONTESTED") == 1  # r1's box, and no other
    for line in FIGURE_LINES:
        assert line in svg
    assert svg.count('stroke="#5b2a86"') >= 3  # the double border (two outlines) and the legend's swatch
    assert "contested request (double border)" in svg


def test_fallback_figure_marks_the_contested_request(runner, tmp_path):
    svg = viz(runner, tmp_path, "figure.svg", "--layout", "columns").read_text()
    xml.dom.minidom.parseString(svg)
    assert svg.count(">CONTESTED<") == 1
    assert "contested request: each account says" in svg
    for line in FIGURE_LINES:
        assert f">{line}<" in svg
    assert svg.count('rx="11" fill="none" stroke="#5b2a86"') == 1  # the second border, on r1 only


def test_page_data_lists_each_account_for_the_contested_request_only(runner, tmp_path):
    page = viz(runner, tmp_path, "view.html").read_text()
    data = json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    nodes = {n["iri"]: n for n in data["nodes"]}
    assert nodes[ACC + "r1"]["contested"] == R1_TEXT
    assert nodes[ACC + "r1"]["accounts"] == [{"account": "Arland's account", "status": "unmet"},
                                            {"account": "Borduria's account", "status": "not-triggered"}]
    assert nodes[ACC + "r1"]["caption"][3] == "CONTESTED"
    for request in ("r2", "r3"):
        assert (nodes[ACC + request]["contested"], nodes[ACC + request]["accounts"]) == ("", [])
        assert "CONTESTED" not in nodes[ACC + request]["caption"]
    assert any(entry.get("double") for entry in data["legend"])


def test_page_legend_has_no_contested_entry_when_nothing_is(graph):
    plain = graph.subgraph([ACC + "r2", ACC + "r3"])
    assert not any(entry.get("double") for entry in page_data(plain, {}, "t")["legend"])


def test_timeline_row_of_the_contested_request(runner, graph, tmp_path):
    (lane,) = timeline_lanes(graph)
    assert {row.node: row.contested for row in lane.rows} == {
        ACC + "r1": (("Arland's account", "unmet"), ("Borduria's account", "not-triggered")),
        ACC + "r2": (), ACC + "r3": ()}
    svg = timeline_svg(graph)
    xml.dom.minidom.parseString(svg)
    assert svg.count(">CONTESTED</tspan>") == 1
    for line in FIGURE_LINES:
        assert f">{line}</text>" in svg
    assert "CONTESTED: accounts differ" in svg  # the legend
    out = tmp_path / "timeline.html"
    result = runner.invoke(app, ["timeline", str(CONTESTED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.count(">CONTESTED</tspan>") == 1 and page.count('<div class="contested">CONTESTED<br>') == 1
    for line in ACCOUNT_LINES:
        assert line in page


def read_back(path: Path) -> nx.MultiDiGraph:
    if path.suffix == ".graphml":
        return nx.read_graphml(path)
    if path.suffix == ".gexf":
        return nx.read_gexf(path)
    return nx.node_link_graph(json.loads(path.read_text()))


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json"])
def test_exports_carry_the_contested_attributes(runner, tmp_path, suffix):
    back = read_back(viz(runner, tmp_path, "graph" + suffix))
    assert back.nodes[ACC + "r1"]["contested"] == R1_TEXT
    assert back.nodes[ACC + "r1"]["contestedBy"] == ACC + "accountX"
    for request in ("r2", "r3"):
        assert (back.nodes[ACC + request]["contested"], back.nodes[ACC + request]["contestedBy"]) == ("", "")


@pytest.mark.parametrize("engine", ENGINES)
def test_full_view_exports_carry_them_too(engine):
    every = cstograph.open([CONTESTED], engine=engine).graph("full")
    back = nx.read_graphml(io.BytesIO(export_bytes(every, "graphml")))
    assert back.nodes[ACC + "r1"]["contested"] == R1_TEXT and back.nodes[ACC + "r2"]["contested"] == ""

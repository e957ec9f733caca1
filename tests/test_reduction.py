"""One rule for what a reduced figure keeps (``telling_order``): the contested, the unmet and help
without a trigger before routine requests. The same requests are drawn whatever draws the figure:
Graphviz (system or WebAssembly), the column layout, or no Graphviz at all."""

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest

import cstograph.pictures.layout as layout
from cstograph.cli import app
from cstograph.pictures.graph_model import (
    REDUCTION_RULE,
    build_graph,
    help_without_trigger,
    reduce_graph,
    telling_order,
)
from cstograph.pictures.static import STATIC_MAX_NODES
from helpers import kg_of

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def drawn_requests(svg: str) -> set[str]:
    found = set()
    for group in ET.fromstring(svg).iter(SVG + "g"):
        if "request" in (group.get("class") or "").split():
            iri = group.get("data-iri") or next(group.iter(SVG + "a")).get(XLINK + "title")
            found.add(unescape(iri))
    return found


def figure(runner, tmp_path, name, *args) -> str:
    out = tmp_path / name
    result = runner.invoke(app, ["viz", "--no-split", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text()


@pytest.fixture(scope="module")
def telling():
    kg = kg_of(None)
    graph = build_graph(None, kg.engine(), "requests", list(kg.verdicts()))
    requests = [n for n, d in graph.nodes(data=True) if d["kind"] == "request"]
    return {n for n in requests if graph.nodes[n]["contested"] or graph.nodes[n]["status"] == "unmet"
            or help_without_trigger(graph, n)}, {n for n in requests if graph.nodes[n]["contested"]}, requests, graph


def test_the_reduced_figure_is_the_same_with_and_without_graphviz(runner, tmp_path, monkeypatch, telling):
    every_telling, contested, requests, graph = telling
    with_graphviz = figure(runner, tmp_path, "graphviz.svg")
    columns = figure(runner, tmp_path, "columns.svg", "--layout", "columns")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(layout, "wasm_graphviz", lambda: False)
    without = figure(runner, tmp_path, "without.svg")
    kept = drawn_requests(with_graphviz)
    assert kept == drawn_requests(columns) == drawn_requests(without)
    assert contested and contested <= kept
    # the figure holds STATIC_MAX_NODES nodes: the requests whose stories fit there, in telling order
    # (with 65 requests not every unmet one fits); the telling ones come before any routine one
    reduced = reduce_graph(graph, STATIC_MAX_NODES).graph  # the graph of the fixture: reduce_graph leaves it as it is
    assert kept == {n for n, d in reduced.nodes(data=True) if d["kind"] == "request"}
    assert len(kept) < len(requests) and kept & every_telling
    order = telling_order(graph)
    first_left_out = next(n for n in order if n not in kept)
    assert first_left_out in every_telling  # no routine request is drawn until a telling one is left out
    # the note states the rule
    for svg in (with_graphviz, columns, without):
        text = "".join(unescape(t) for t in re.findall(r">([^<>]+)</text>", svg))
        assert REDUCTION_RULE.replace(" ", "") in text.replace(" ", "")


def test_help_without_a_trigger_is_kept(telling):
    every_telling, _, _, _ = telling
    names = " ".join(every_telling)
    assert "Kyrgyzstan" in names and "Bahrain" in names, names
    assert "help-without-trigger" in REDUCTION_RULE

"""RDF -> networkx (graph_model): counts, attributes, focus, reduction and export round trips."""

import io
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from cgtest import ENGINES
from cstograph.errors import ViewError
from cstograph.pictures.export import export_bytes
from cstograph.pictures.graph_model import build_graph, focus_graph, reduce_graph
from cstograph.pictures.layout import graphviz_available
from views_support import CONFORMANCE, EX, graph_of, loaded


def test_requests_view_counts_and_kinds():
    graph = graph_of("requests")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (15, 27)
    kinds = sorted(d["kind"] for _, d in graph.nodes(data=True))
    assert kinds.count("request") == 3 and kinds.count("response") == 3 and kinds.count("state") == 3
    assert "membership" not in kinds  # memberships are collapsed into memberOf edges


def test_full_view_has_every_data_triple():
    graph = graph_of("full")
    # 15 story nodes + 2 memberships + the source + its page + 4 vocabulary concepts
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (23, 47)
    relations = [d["relation"] for _, _, d in graph.edges(data=True)]
    assert relations.count("source") == 12 and "memberOf" not in relations
    assert "title: Fixture chronicle" in graph.nodes[EX + "src"]["properties"]
    assert graph.nodes["https://w3id.org/cstograph/ns#MilitaryDeployment"]["label"] == "military deployment"


@pytest.mark.slow  # an rdflib-engine run; the quick subset checks the oxigraph graph (the tests above)
def test_rdflib_and_oxigraph_give_the_same_graph():
    a, b = graph_of("requests", engine="oxigraph"), graph_of("requests", engine="rdflib")
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted((s, t, d["relation"]) for s, t, d in a.edges(data=True)) == sorted(
        (s, t, d["relation"]) for s, t, d in b.edges(data=True))


def test_request_status_answer_and_help():
    nodes = graph_of().nodes
    assert (nodes[EX + "r1"]["status"], nodes[EX + "r1"]["answer"]) == ("unmet", "no help delivered (responses: diplomatic statement)")
    assert (nodes[EX + "r2"]["status"], nodes[EX + "r2"]["answer"]) == ("met", "help delivered: military deployment")
    assert nodes[EX + "r3"]["status"] == "not-triggered"
    assert nodes[EX + "r3"]["answer"] == "help delivered: military deployment"
    assert [nodes[EX + p]["deliversHelp"] for p in ("p1", "p2", "p3")] == [False, True, True]
    assert nodes[EX + "r1"]["sources"] == "Fixture chronicle <http://example.org/chronicle>"
    assert nodes[EX + "League"]["shortLabel"] == "NPO"


def test_every_node_is_tagged_with_its_alliance():
    graph = graph_of()
    league = EX + "League"
    assert all(d["alliances"] == league for _, d in graph.nodes(data=True)), [
        (n, d["alliances"]) for n, d in graph.nodes(data=True) if d["alliances"] != league]


def test_membership_edge_keeps_period_and_sources():
    graph = graph_of()
    (data,) = graph.get_edge_data(EX + "Borova", EX + "League").values()
    assert (data["relation"], data["start"], data["end"], data["predicate"]) == ("memberOf", "2000-01-01", "2030-01-01", EX + "m2")
    assert data["sources"].startswith("Fixture chronicle")


def test_focus_by_label_and_by_iri():
    graph = graph_of()
    assert set(focus_graph(graph, "Cazan", hops=1)) == {EX + "Cazan", EX + "e1", EX + "e2"}
    assert set(focus_graph(graph, f"<{EX}e1>", hops=0)) == {EX + "e1"}
    two = focus_graph(graph, "riots in borova", hops=1)  # case-insensitive exact label
    assert set(two) == {EX + "e3", EX + "r3", EX + "Borova"}


ONE_CASE = {EX + n for n in ("r1", "Ardia", "League", "art5", "Pact", "e1", "Cazan", "p1")}


@pytest.mark.parametrize("query", ["Ardia asks the League", f"<{EX}p1>"])
def test_focus_on_a_request_or_its_response_draws_exactly_that_case(query):
    """Not the other requests of the same requester or alliance, whatever --hops says."""
    for hops in (1, 2, 5):
        focused = focus_graph(graph_of(), query, hops=hops)
        assert set(focused) == ONE_CASE
        assert focused.graph["focus"] in ONE_CASE and focused.graph["case"]


def test_alliance_graph_is_its_cases():
    from cstograph.pictures.graph_model import alliance_graph

    part = alliance_graph(graph_of(), "npo")
    assert {n for n, d in part.nodes(data=True) if d["kind"] == "request"} == {EX + "r1", EX + "r2", EX + "r3"}
    with pytest.raises(ViewError, match="no alliance matches"):
        alliance_graph(graph_of(), "Warsaw Pact")


@pytest.mark.parametrize("query, message", [("Zembla", "no node matches"), ("asks", "matches 3 nodes")])
def test_focus_errors_name_the_problem(query, message):
    with pytest.raises(ViewError, match=message):
        focus_graph(graph_of(), query)


def test_reduced_view_keeps_unmet_story_first_and_says_so():
    reduced = reduce_graph(graph_of(), 8)
    assert reduced.graph.number_of_nodes() <= 8 and reduced.total_nodes == 15
    assert EX + "r1" in reduced.graph and EX + "p1" in reduced.graph
    assert "reduced view: 8 of 15 nodes" in reduced.note and "--focus" in reduced.note
    assert reduce_graph(graph_of(), 15).note == ""


def test_graphml_round_trip_keeps_counts_and_types():
    graph = graph_of()
    back = nx.read_graphml(io.BytesIO(export_bytes(graph, "graphml", {n: (1.5, 2.0) for n in graph})))
    assert (back.number_of_nodes(), back.number_of_edges()) == (15, 27)
    r1 = back.nodes[EX + "r1"]
    assert r1["status"] == "unmet" and r1["x"] == 1.5 and back.nodes[EX + "p2"]["deliversHelp"] is True
    assert {d["relation"] for _, _, d in back.edges(data=True)} >= {"memberOf", "respondsTo", "invokes"}


def test_gexf_and_json_round_trips():
    graph = graph_of("full")
    gexf = nx.read_gexf(io.BytesIO(export_bytes(graph, "gexf", {n: (0.0, 0.0) for n in graph})))
    assert (gexf.number_of_nodes(), gexf.number_of_edges()) == (23, 47)
    assert gexf.nodes[EX + "r1"]["status"] == "unmet"
    data = json.loads(export_bytes(graph, "json"))
    back = nx.node_link_graph(data)
    assert (back.number_of_nodes(), back.number_of_edges()) == (23, 47)


def test_unknown_view_is_an_error():
    dataset, engine = loaded()
    with pytest.raises(ViewError, match="unknown view"):
        build_graph(dataset, engine, "everything")


def test_conformance_graph_statuses_reach_the_nodes():
    graph = graph_of("requests", path=CONFORMANCE / "cases.ttl")
    expected = json.loads((CONFORMANCE / "expected.json").read_text())
    statuses = {n: d["status"] for n, d in graph.nodes(data=True) if d["kind"] == "request"}
    assert len(statuses) == 9
    want = {row["request"]: row["status"] for row in expected} if isinstance(expected, list) else {
        k: (v["status"] if isinstance(v, dict) else v) for k, v in expected.items()}
    assert statuses == want


def _crossed_boxes(route, boxes):
    """Which boxes (rows x0, y0, x1, y1) a route (a polyline) passes through, sampled finely:
    21 points along each segment (numpy looks at every point and box at once)."""
    route = np.asarray(route, dtype=float)
    steps = np.linspace(0, 1, 21)[None, :, None]
    points = (route[:-1, None, :] + (route[1:, None, :] - route[:-1, None, :]) * steps).reshape(-1, 2)
    x, y = points[:, 0:1], points[:, 1:2]
    inside = (boxes[None, :, 0] < x) & (x < boxes[None, :, 2]) & (boxes[None, :, 1] < y) & (y < boxes[None, :, 3])
    return np.flatnonzero(inside.any(axis=0))


@pytest.mark.skipif(not graphviz_available("dot"), reason="Graphviz (dot) is not installed")
@pytest.mark.parametrize("which", ["fixture", "bundled"])
def test_page_edges_are_routed_around_unrelated_boxes(request, which):
    """The page draws Graphviz's routes: no edge passes through a box other than its own two ends
    (boxes are sized by their kind: the module's graph of the bundled requests view serves)."""
    from cstograph.pictures.layout import DEFAULT_SIZE_IN, NODE_SIZE_IN, layout_with_routes

    graph = graph_of() if which == "fixture" else request.getfixturevalue("bundled")[2]
    positions, method, routes = layout_with_routes(graph, "auto")
    assert method == "dot" and len(routes) == graph.number_of_edges()
    nodes, boxes = [], []
    for node, data in graph.nodes(data=True):
        w, h = (v * 72 for v in NODE_SIZE_IN.get(data["kind"], DEFAULT_SIZE_IN))
        x, y = positions[node]
        nodes.append(node)
        boxes.append((x - w / 2 + 3, y - h / 2 + 3, x + w / 2 - 3, y + h / 2 - 3))
    boxes = np.asarray(boxes, dtype=float)
    crossings = []
    for index, (source, target) in enumerate(graph.edges()):
        for crossed in _crossed_boxes(routes[index], boxes):
            if nodes[crossed] not in (source, target):
                crossings.append((source, target, nodes[crossed]))
    assert crossings == []


@pytest.mark.parametrize("engine", ENGINES)
def test_one_case_is_built_from_its_own_nodes_alone(engine):
    """--focus REQUEST on a large graph asks the engine about that case only: the same nodes,
    edges and attributes as cutting the case out of the whole graph (bar the alliances a state
    belongs to outside the case)."""
    from cstograph.pictures.graph_model import build_graph, case_of
    from views_support import loaded

    dataset, eng = loaded(engine=engine)
    case = case_of(eng, EX + "r1")
    assert case == ONE_CASE
    assert case_of(eng, EX + "Ardia") is None
    small = build_graph(dataset, eng, "requests", only=case)
    whole = focus_graph(graph_of(engine=engine), f"<{EX}r1>")
    assert set(small) == set(whole)
    assert sorted((s, t, d["relation"], d["sources"]) for s, t, d in small.edges(data=True)) == sorted(
        (s, t, d["relation"], d["sources"]) for s, t, d in whole.edges(data=True))
    for node in small:
        mine = {k: v for k, v in small.nodes[node].items() if k != "alliances"}
        assert mine == {k: v for k, v in whole.nodes[node].items() if k != "alliances"}, node


def _same_graph(small, whole):
    """The same nodes, edges and attributes (bar the alliances a state belongs to outside the part)."""
    assert set(small) == set(whole)
    assert sorted((s, t, d["relation"], d["sources"]) for s, t, d in small.edges(data=True)) == sorted(
        (s, t, d["relation"], d["sources"]) for s, t, d in whole.edges(data=True))
    for node in small:
        mine = {k: v for k, v in small.nodes[node].items() if k != "alliances"}
        assert mine == {k: v for k, v in whole.nodes[node].items() if k != "alliances"}, node


@pytest.fixture(scope="module")
def bundled():
    from pathlib import Path

    from cstograph.engines.engine import make_engine
    from cstograph.reading.rdf_files import load_dataset

    dataset = load_dataset(sorted((Path(__file__).parents[1] / "graphs").glob("*.t*")))
    engine = make_engine("oxigraph", dataset)
    return dataset, engine, build_graph(dataset, engine, "requests")


@pytest.mark.parametrize("name", ["CSTO", "North Atlantic Treaty Organization", "ANZUS", "Rio"])
def test_one_alliance_is_built_from_its_own_nodes_alone(bundled, name):
    """--alliance NAME asks the engine for that alliance's cases only: the same graph as cutting
    them out of the whole network."""
    from cstograph.pictures.graph_model import alliance_graph, alliance_nodes

    dataset, engine, whole = bundled
    chosen, nodes = alliance_nodes(engine, name)
    cut = alliance_graph(whole, name)
    assert cut.graph["alliance"] == chosen and len(nodes) < whole.number_of_nodes()
    _same_graph(alliance_graph(build_graph(dataset, engine, "requests", only=nodes), name), cut)


@pytest.mark.parametrize("query, hops", [("Kazakhstan asks", 2), ("Armenia", 1), ("Armenia", 2), ("CSTO", 2),
                                         ("Unrest in Kazakhstan", 2), ("Unrest in Kazakhstan", 0)])
def test_focus_by_label_is_built_from_its_own_nodes_alone(bundled, query, hops):
    """--focus LABEL finds the node by its names on the engine, then its case or its
    neighbourhood (view-edges.rq restricted to the nodes reached): the same graph as cutting it
    out of the whole network."""
    from cstograph.pictures.graph_model import focus_nodes

    dataset, engine, whole = bundled
    nodes = focus_nodes(engine, query, hops)
    assert nodes is not None and len(nodes) < whole.number_of_nodes()
    _same_graph(focus_graph(build_graph(dataset, engine, "requests", only=nodes), query, hops),
                focus_graph(whole, query, hops))


def test_names_matching_several_nodes_or_none_build_the_whole_network(bundled):
    from cstograph.pictures.graph_model import alliance_nodes, focus_nodes

    _, engine, _ = bundled
    assert focus_nodes(engine, "asks") is None and focus_nodes(engine, "no such node anywhere") is None
    assert alliance_nodes(engine, "no such alliance") is None


# the bundled graphs of the CSTO's and Armenia's cases: a whole network where each option picks a part
CSTO_FILES = [str(Path(__file__).parents[1] / "graphs" / name) for name in (
    "csto.ttl", "csto-kyrgyzstan.ttl", "armenia-azerbaijan.ttl", "russia-armenia-1997.ttl", "kazakhstan-2022.ttl",
    "sources.ttl", "accounts.trig", "links.ttl")]


@pytest.mark.parametrize("option", [["--alliance", "CSTO"], ["--focus", "Kazakhstan asks"], ["--focus", "Armenia", "--hops", "1"]])
def test_viz_asks_the_engine_for_the_part_it_draws(runner, tmp_path, monkeypatch, option):
    """The CLI builds only the part (build_graph gets ``only``), and draws the same figure as before."""
    from cstograph.cli import app
    from cstograph.pictures import viz as viz_module

    calls = []
    real = viz_module.build_graph

    def recording(*args, **kwargs):
        calls.append(kwargs.get("only"))
        return real(*args, **kwargs)

    monkeypatch.setattr(viz_module, "build_graph", recording)
    result = runner.invoke(app, ["viz", *option, *CSTO_FILES, "-o", str(tmp_path / "part.json")])
    assert result.exit_code == 0, result.output
    assert len(calls) == 1 and calls[0] is not None
    drawn = json.loads((tmp_path / "part.json").read_text())
    assert {n["id"] for n in drawn["nodes"]} <= set(calls[0])

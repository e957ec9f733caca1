"""Views of the bundled graphs (graphs/), when the checkout has them: exports round-trip, and the
figure carries the story (some request unmet with no help delivered, some answered with help)."""

import html
import io
import json

import networkx as nx
import pytest

import cstograph
from cstograph.pictures.export import export_bytes
from cstograph.pictures.html import page_data
from cstograph.pictures.static import fallback_svg, figure_dot
from cstograph.pictures.timeline import timeline_svg
from cstograph.reading.resources import graphs_dir

DATA = "https://w3id.org/cstograph/data/"


@pytest.fixture(scope="module")
def verdicts():
    """The report's verdicts: the pictures must show the same contested requests and statuses."""
    return cstograph.open(None).verdicts()


def contested_of(verdicts) -> dict[str, list[tuple[str, str]]]:
    return {v.request: [(a.label, a.status) for a in v.contested] for v in verdicts if v.contested}


@pytest.fixture(scope="module")
def bundled():
    folder = graphs_dir()
    if not folder.is_dir() or not any(folder.glob("*.ttl")):
        pytest.skip(f"no bundled graphs in {folder}")
    return cstograph.open(None).graph("requests")


def test_bundled_graphml_and_gexf_round_trip(bundled):
    counts = (bundled.number_of_nodes(), bundled.number_of_edges())
    assert counts[0] > 10
    graphml = nx.read_graphml(io.BytesIO(export_bytes(bundled, "graphml")))
    gexf = nx.read_gexf(io.BytesIO(export_bytes(bundled, "gexf")))
    assert (graphml.number_of_nodes(), graphml.number_of_edges()) == counts
    assert (gexf.number_of_nodes(), gexf.number_of_edges()) == counts


def test_bundled_story_has_unmet_and_answered_requests(bundled):
    requests = [d for _, d in bundled.nodes(data=True) if d["kind"] == "request"]
    assert any(d["status"] == "unmet" and d["answer"].startswith("no help delivered") for d in requests)
    assert any(d["answer"].startswith("help delivered") for d in requests)


def _said(accounts) -> list[str]:
    return [f"{label}: {status}" for label, status in accounts]


def test_bundled_contested_requests_carry_each_accounts_verdict(bundled, verdicts):
    expected = contested_of(verdicts)
    assert expected, "the bundled graphs hold contested requests"
    contested = {n: d for n, d in bundled.nodes(data=True) if d["contested"]}
    assert set(contested) == set(expected)
    by_request = {v.request: v for v in verdicts}
    for node, accounts in expected.items():
        data = contested[node]
        assert data["status"] == by_request[node].status
        assert data["contested"] == "contested: " + "; ".join(f"{status} according to {label}" for label, status in accounts)
        differ = [a.account for a in by_request[node].contested if a.status != by_request[node].status]
        assert data["contestedBy"].split(";") == differ
    others = [d for _, d in bundled.nodes(data=True) if d["kind"] == "request" and not d["contested"]]
    assert len(others) == len(verdicts) - len(expected) and all(d["contestedBy"] == "" for d in others)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_bundled_exports_carry_contested(bundled, verdicts, fmt):
    data = export_bytes(bundled, fmt)
    if fmt == "graphml":
        back = nx.read_graphml(io.BytesIO(data))
    elif fmt == "gexf":
        back = nx.read_gexf(io.BytesIO(data))
    else:
        back = nx.node_link_graph(json.loads(data))
    for node, attrs in bundled.nodes(data=True):
        assert (back.nodes[node]["contested"], back.nodes[node]["contestedBy"]) == (attrs["contested"], attrs["contestedBy"])
    assert sum(1 for _, d in back.nodes(data=True) if d["contested"]) == len(contested_of(verdicts))


def test_bundled_pictures_name_each_accounts_verdict(bundled, verdicts):
    expected = contested_of(verdicts)
    dot = figure_dot(bundled)
    assert dot.count("peripheries=2") == len(expected) and dot.count("\\nCONTESTED\\n") == len(expected)
    fallback = html.unescape(fallback_svg(bundled))
    assert fallback.count(">CONTESTED<") == len(expected)
    timeline = timeline_svg(bundled)
    nodes = {n["iri"]: n for n in page_data(bundled, {}, "t")["nodes"]}
    by_request = {v.request: v for v in verdicts}
    for node, accounts in expected.items():
        # the figures name the accounts that differ and count the ones that agree
        for label, status in accounts:
            if status != by_request[node].status:
                assert f"{label}: {status}" in dot.replace("\\n", " ") and f"{label}: {status}" in fallback.replace("\n", ""), label
        agree = sum(1 for _, status in accounts if status == by_request[node].status)
        assert not agree or f"{agree} other account" in dot
        # the page's detail panel lists every account
        assert [f"{a['account']}: {a['status']}" for a in nodes[node]["accounts"]] == _said(accounts)
    assert sum(1 for n in nodes.values() if n["accounts"]) == len(expected)
    assert timeline.count(">CONTESTED</tspan>") == min(len(expected), 60)  # the timeline shows 60 requests at most


def test_bundled_cli_pictures_show_contested(runner, bundled, verdicts, tmp_path):

    from cstograph.cli import app

    expected = contested_of(verdicts)
    page, timeline = tmp_path / "view.html", tmp_path / "timeline.svg"
    assert runner.invoke(app, ["viz", "-o", str(page)]).exit_code == 0
    assert runner.invoke(app, ["timeline", "-o", str(timeline), "--max-requests", "0", "--no-split"]).exit_code == 0
    data = json.loads(page.read_text().split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    assert {n["iri"] for n in data["nodes"] if n["contested"]} == set(expected)
    svg = html.unescape(timeline.read_text())
    assert svg.count(">CONTESTED</tspan>") == len(expected)
    for accounts in expected.values():
        for label, status in accounts:
            if status != "not-triggered":  # the timeline names the accounts whose verdict differs
                assert label in svg

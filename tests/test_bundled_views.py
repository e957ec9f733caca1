"""Views of the bundled graphs (graphs/), when the checkout has them: exports round-trip, and the
figure carries the story (some request unmet with no help delivered, some answered with help)."""

import io

import networkx as nx
import pytest

from cstograph.engine import make_engine
from cstograph.graph_model import build_graph
from cstograph.load import load_dataset
from cstograph.resources import graphs_dir
from cstograph.views.export import export_bytes


@pytest.fixture(scope="module")
def bundled():
    folder = graphs_dir()
    if not folder.is_dir() or not any(folder.glob("*.ttl")):
        pytest.skip(f"no bundled graphs in {folder}")
    dataset = load_dataset(None)
    return build_graph(dataset, make_engine("oxigraph", dataset), "requests")


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

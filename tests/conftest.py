"""Shared fixtures: the conformance graph, the bundled graphs, and small synthetic graphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cstograph.resources import graphs_dir
from cstograph.synth import synthesize

REPO = Path(__file__).resolve().parent.parent
CONFORMANCE_CASES = REPO.parent / "shared" / "conformance" / "report" / "cases.ttl"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def conformance_cases() -> Path:
    if not CONFORMANCE_CASES.is_file():
        pytest.skip(f"the public conformance graph is not beside this checkout ({CONFORMANCE_CASES.name} absent)")
    return CONFORMANCE_CASES


@pytest.fixture(scope="session")
def bundled_graphs() -> Path:
    folder = graphs_dir()
    if not folder.is_dir() or not any(folder.glob("*.ttl")):
        pytest.skip("the bundled graphs/ folder is absent from this checkout")
    return folder


@pytest.fixture(scope="session")
def synth_small(tmp_path_factory):
    """A 60-request synthetic graph (about 2k triples) and its expected verdicts."""
    graph = synthesize(60, seed=11)
    path = tmp_path_factory.mktemp("synth") / "synth-60.ttl"
    path.write_text(graph.turtle, encoding="utf-8")
    return path, graph


def graph_sets(request, names):
    return [request.getfixturevalue(name) for name in names]

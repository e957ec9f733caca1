"""Shared helpers for the view tests: fixture paths and a loaded fixture graph."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cstograph.engines.engine import make_engine
from cstograph.pictures.graph_model import build_graph
from cstograph.reading.rdf_files import load_dataset

FIXTURES = Path(__file__).parent / "fixtures" / "views"
THREE = FIXTURES / "three-requests.ttl"
EX = "http://example.org/views/"
CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "report"


@cache
def loaded(path: Path = THREE, engine: str = "oxigraph"):
    dataset = load_dataset([path])
    return dataset, make_engine(engine, dataset)


@cache
def graph_of(view: str = "requests", path: Path = THREE, engine: str = "oxigraph"):
    """Built once per arguments: tests must not change it (focus/reduce/export return copies)."""
    dataset, eng = loaded(path, engine)
    return build_graph(dataset, eng, view)

"""Shared helpers for the view tests: fixture paths and a loaded fixture graph."""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

import pytest

from cstograph.engines.engine import make_engine
from cstograph.pictures.graph_model import build_graph
from cstograph.reading.rdf_files import load_dataset

FIXTURES = Path(__file__).parent / "fixtures" / "views"
THREE = FIXTURES / "three-requests.ttl"
EX = "http://example.org/views/"
CONFORMANCE = Path(__file__).resolve().parent / "fixtures" / "conformance" / "report"


@cache
def loaded(path: Path = THREE, engine: str = "oxigraph"):
    dataset = load_dataset([path])
    return dataset, make_engine(engine, dataset)


@cache
def graph_of(view: str = "requests", path: Path = THREE, engine: str = "oxigraph"):
    """Built once per arguments: tests must not change it (focus/reduce/export return copies)."""
    dataset, eng = loaded(path, engine)
    return build_graph(dataset, eng, view)


A4_TEXT_WIDTH_PT = 453.0  # 16 cm: the text width of an A4 page with ordinary margins


def _points(length: str) -> float:
    """An SVG width in points (Graphviz writes pt; a bare number or px is 0.75 pt)."""
    length = length.strip()
    if length.endswith("pt"):
        return float(length[:-2])
    return float(length.removesuffix("px")) * 0.75


def placed_font_sizes(svg_text: str, width_pt: float = A4_TEXT_WIDTH_PT) -> list[tuple[float, str]]:
    """(font size in points, text) of every text once the figure is scaled to ``width_pt`` wide.

    Follows the root's width and viewBox and each ancestor's ``scale(...)`` transform (Graphviz
    puts one on its top group); a text without a font-size inherits its ancestors' (SVG's 16 default).
    """
    import re
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg_text)
    view = [float(v) for v in root.get("viewBox").replace(",", " ").split()]
    user_to_pt = _points(root.get("width")) / view[2]
    placed = width_pt / _points(root.get("width"))
    found = []

    def walk(element, scale, size):
        transform = element.get("transform") or ""
        match = re.search(r"scale\(([\d.]+)", transform)
        if match:
            scale *= float(match.group(1))
        if element.get("font-size"):
            size = float(element.get("font-size").removesuffix("px").removesuffix("pt"))
        if element.tag.endswith("}text") or element.tag == "text":
            words = "".join(element.itertext()).strip()
            if words:
                found.append((size * scale * user_to_pt * placed, words))
        for child in element:
            walk(child, scale, size)

    walk(root, 1.0, 16.0)
    return found


CHROMIUM = os.environ.get("CSTOGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the module's tests (skips when playwright or Chromium is missing)."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        except Exception as exc:  # a browser that cannot start here is an environment problem, not a bug
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {str(exc).splitlines()[0]}")
        yield launched
        launched.close()

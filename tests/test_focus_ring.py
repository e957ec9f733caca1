"""The node a picture is drawn around (--focus) has a ring of its own colour, one no status or
kind uses, and the legend says what it is: in the figure and in the interactive page."""

import json
import re

import pytest

from cstograph.cli import app
from cstograph.pictures.layout import graphviz_available
from cstograph.pictures.style import FOCUS_RING, HELP_FILL, KIND_FILL, NO_HELP_FILL, STATUS_FILL

REQUEST = "https://w3id.org/cstograph/data/request-2022-09-13-Armenia-CSTO"


def test_the_ring_colour_is_no_status_or_kind_colour():
    used = {c.lower() for c in [*STATUS_FILL.values(), *KIND_FILL.values(), HELP_FILL, NO_HELP_FILL]}
    assert FOCUS_RING.lower() not in used


@pytest.mark.skipif(not graphviz_available("dot"), reason="Graphviz (dot) is not installed")
def test_the_figure_rings_the_focus_and_its_legend_says_so(runner, tmp_path):
    out = tmp_path / "case.svg"
    assert runner.invoke(app, ["viz", "--focus", REQUEST, "-o", str(out)]).exit_code == 0
    svg = out.read_text()
    words = " ".join(re.findall(r">([^<>]+)</text>", svg))
    assert svg.count(f'stroke="{FOCUS_RING}"') >= 2 and "the node this figure is drawn around" in words


def test_the_page_rings_the_focus_and_its_legend_says_so(runner, tmp_path):
    out = tmp_path / "case.html"
    assert runner.invoke(app, ["viz", "--focus", REQUEST, "-o", str(out)]).exit_code == 0
    page = out.read_text()
    data = json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    assert data["focusRing"] == FOCUS_RING and data["nodes"][data["focus"]]["iri"] == REQUEST
    assert any(entry.get("ring") and entry["border"] == FOCUS_RING for entry in data["legend"])
    assert re.search(r"strokeStyle = data\.focusRing", page)

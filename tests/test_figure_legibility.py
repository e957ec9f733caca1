"""Figures for a paper: placed at an A4 text width (453 pt), no text is under 7 pt, and every
line of a box's caption fits inside the box (Graphviz draws them; needs Graphviz)."""

import re
import xml.etree.ElementTree as ET

import pytest

from cstograph.cli import app
from cstograph.pictures.layout import graphviz_available
from views_support import THREE, placed_font_sizes

pytestmark = pytest.mark.skipif(not graphviz_available("dot"), reason="Graphviz (dot) is not installed")
SVG = "{http://www.w3.org/2000/svg}"
CSTO_FILES = ["graphs/csto.ttl", "graphs/csto-kyrgyzstan.ttl", "graphs/armenia-azerbaijan.ttl",
              "graphs/russia-armenia-1997.ttl", "graphs/kazakhstan-2022.ttl", "graphs/sources.ttl",
              "graphs/accounts.trig", "graphs/links.ttl"]
ROOT = THREE.parents[3]


def figure(runner, tmp_path, *args) -> str:
    """The single figure (--no-split: one tall figure when it does not fit a page)."""
    out = tmp_path / "single.svg"
    result = runner.invoke(app, ["viz", *map(str, args), "--no-split", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text()


class Drawn:
    """Each figure drawn once for the tests of this module, which only read its text."""

    def __init__(self, runner, folders):
        self.runner, self.folders, self._single, self._pages = runner, folders, {}, {}

    def single(self, *args) -> str:
        return self.single_in(*args)[1]

    def single_in(self, *args) -> tuple[list[str], str]:
        """(the names of the files in the folder it was written to, its SVG text)."""
        key = tuple(map(str, args))
        if key not in self._single:
            folder = self.folders.mktemp("single")
            text = figure(self.runner, folder, *args)
            self._single[key] = (sorted(p.name for p in folder.iterdir()), text)
        return self._single[key]

    def pages(self, *args) -> list[tuple[str, str]]:
        """(file name, SVG text) of each page written."""
        key = tuple(map(str, args))
        if key not in self._pages:
            self._pages[key] = [(path.name, path.read_text()) for path in pages(self.runner, self.folders.mktemp("pages"), *args)]
        return list(self._pages[key])


@pytest.fixture(scope="module")
def drawn(runner, tmp_path_factory) -> Drawn:
    return Drawn(runner, tmp_path_factory)


CASES = {
    "three requests": [THREE],
    "the CSTO and Russia cases": [ROOT / f for f in CSTO_FILES],
    "every bundled graph": [],
    "one case": ["--focus", "Ardia asks the League", THREE],
    "Kazakhstan's case (a long title)": ["--focus", "Kazakhstan asks"],
}


@pytest.mark.parametrize("case", CASES)
def test_no_text_under_7_pt_at_a4_text_width(drawn, case):
    sizes = placed_font_sizes(drawn.single(*CASES[case]))
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
def test_captions_fit_inside_their_boxes(drawn, case):
    root = ET.fromstring(drawn.single(*CASES[case]))
    checked = 0
    for node in root.iter(SVG + "g"):
        if "node" not in (node.get("class") or "").split():
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


# ---------------------------------------------------------------- figures that fit a page

A4_TEXT_HEIGHT_PT = 680.0


@pytest.fixture(scope="module")
def synth_graph(runner, tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "synth.ttl"
    result = runner.invoke(app, ["synth", "--requests", "30", "--seed", "3", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


PAGED = {
    "every bundled graph": lambda synth: [],
    "the CSTO and Russia cases": lambda synth: [ROOT / f for f in CSTO_FILES],
    "30 synthetic requests": lambda synth: [synth],
    "three requests": lambda synth: [THREE],
}


def pages(runner, tmp_path, *args) -> list:
    """The files one figure was written to: figure.svg, or figure-1.svg, figure-2.svg, ..."""
    out = tmp_path / "figure.svg"
    result = runner.invoke(app, ["viz", *map(str, args), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob("figure*.svg"), key=lambda p: int(p.stem.partition("-")[2] or 0))
    for path in written:
        assert str(path) in result.output  # stderr names every file written
    return written


def placed_height(svg_text: str, width_pt: float = 453.0) -> float:
    root = ET.fromstring(svg_text)
    width, height = (float(root.get(a).removesuffix("pt")) for a in ("width", "height"))
    return height * width_pt / width


# the pages of every bundled graph (30 pages, 160 Graphviz runs to find where each page ends) are
# a whole bundled output checked against the report: slow; the quick subset checks the same on the
# pages of the CSTO and Russia cases and of 30 synthetic requests
PAGED_CASES = [pytest.param(case, marks=pytest.mark.slow) if case == "every bundled graph" else case for case in PAGED]


@pytest.mark.parametrize("case", PAGED_CASES)
def test_every_figure_fits_an_a4_text_block_at_7_pt(drawn, case, synth_graph):
    written = drawn.pages(*PAGED[case](synth_graph))
    for name, text in written:
        assert placed_height(text) <= A4_TEXT_HEIGHT_PT + 0.5, (name, placed_height(text))
        sizes = placed_font_sizes(text)
        small = sorted((round(size, 2), words) for size, words in sizes if size < 7.0)
        assert not small, (name, small[:5])


def request_iris(svg_text: str) -> list[str]:
    """The IRI (tooltip) of every request box in a Graphviz figure."""
    root = ET.fromstring(svg_text)
    found = []
    for group in root.iter(SVG + "g"):
        if "request" in (group.get("class") or "").split():
            link = next(e for e in group.iter(SVG + "a"))
            found.append(link.get("{http://www.w3.org/1999/xlink}title"))
    return found


@pytest.mark.parametrize("case", [c for c in PAGED_CASES if c != "three requests"])
def test_the_pages_show_every_request_exactly_once(runner, drawn, case, synth_graph, request):
    """Pages are not reduced like one figure (120 nodes): together they show every request of
    the report once (a few dozen at most; above 40 requests the summary is drawn instead)."""
    import json

    args = PAGED[case](synth_graph)
    written = drawn.pages(*args)
    assert len(written) > 1  # these figures are taller than a page
    shown = [iri for _, text in written for iri in request_iris(text)]
    if args:
        report = runner.invoke(app, ["report", "--all", "--format", "json", *map(str, args)])
        assert report.exit_code == 0, report.output
        text = report.stdout
    else:
        text = request.getfixturevalue("bundled_report")  # the bundled_report fixture (run once)
    requests = [row["request"] for row in json.loads(text)]
    assert len(requests) > 3 and sorted(shown) == sorted(requests)
    single = request_iris(drawn.single(*args))  # one figure: reduced past 120 nodes
    assert set(single) <= set(requests)


def test_no_split_keeps_one_tall_figure(drawn):
    """``viz --no-split -o single.svg`` (the module's drawing of it) writes that file alone."""
    names, text = drawn.single_in(*PAGED["the CSTO and Russia cases"](None))
    assert names == ["single.svg"]
    assert placed_height(text) > A4_TEXT_HEIGHT_PT


def test_a_pdf_gets_one_page_per_figure(runner, drawn, tmp_path):
    out = tmp_path / "figure.pdf"
    result = runner.invoke(app, ["viz", *map(str, PAGED["the CSTO and Russia cases"](None)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    boxes = [tuple(float(v) for v in box.split()) for box in re.findall(rb"/MediaBox \[([^\]]*)\]", data)]
    svgs = drawn.pages(*PAGED["the CSTO and Russia cases"](None))
    assert len(boxes) == len(svgs) > 1
    for _, _, width, height in boxes:
        assert height * 453.0 / width <= A4_TEXT_HEIGHT_PT + 0.5


def test_a_page_that_cannot_be_written_leaves_no_page_behind(runner, tmp_path):
    (tmp_path / "figure-2.svg").mkdir()  # the second page cannot be written
    result = runner.invoke(app, ["viz", *map(str, PAGED["the CSTO and Russia cases"](None)), "-o",
                                 str(tmp_path / "figure.svg")])
    assert result.exit_code != 0 and "figure-2.svg" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure-2.svg"]


def test_a_single_case_too_tall_for_a_page_is_laid_out_again(runner, tmp_path):
    """A request with fifteen responses: one column of responses is taller than a page, so
    they are set in columns; the figure fits and shows every response."""
    many = tmp_path / "many-responses.ttl"
    many.write_text(THREE.read_text() + "\n" + "\n".join(
        f'ex:q{i} a cg:Response ; rdfs:label "League note {i}" ; cg:respondsTo ex:r1 ; cg:responder ex:League ; '
        f'cg:responseType cg:DiplomaticStatement ; cg:date "2010-04-{i + 1:02d}"^^xsd:date ; dcterms:source ex:src .'
        for i in range(14)) + "\n")
    tall = figure(runner, tmp_path, "--focus", "Ardia asks the League", many)
    assert placed_height(tall) > A4_TEXT_HEIGHT_PT  # as one column
    out = tmp_path / "case.svg"
    result = runner.invoke(app, ["viz", str(many), "--focus", "Ardia asks the League", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "columns to fit an A4 page" in result.output and not list(tmp_path.glob("case-*.svg"))
    text = out.read_text()
    assert placed_height(text) <= A4_TEXT_HEIGHT_PT + 0.5
    assert min(size for size, _ in placed_font_sizes(text)) >= 7.0
    root = ET.fromstring(text)
    responses = [g for g in root.iter(SVG + "g") if "response" in (g.get("class") or "").split()]
    assert len(responses) == 15


def test_a_device_gets_one_figure_never_pages_beside_it(tmp_path):
    from pathlib import Path

    from cstograph.cli.viz_command import splittable

    assert not splittable(Path("/dev/null")) and not splittable(Path("/dev/stdout"))
    assert splittable(tmp_path / "figure.svg")
    (tmp_path / "folder.svg").mkdir()
    assert not splittable(tmp_path / "folder.svg")


def test_pages_of_an_earlier_figure_are_named_not_deleted(runner, tmp_path):
    for number in (4, 5):
        (tmp_path / f"figure-{number}.svg").write_text("earlier")
    result = runner.invoke(app, ["viz", *map(str, PAGED["the CSTO and Russia cases"](None)), "-o",
                                 str(tmp_path / "figure.svg")])
    assert result.exit_code == 0, result.output
    assert "left figure-4.svg, figure-5.svg (pages of an earlier figure)" in result.output
    assert (tmp_path / "figure-4.svg").read_text() == "earlier" and (tmp_path / "figure-3.svg").read_text() != "earlier"

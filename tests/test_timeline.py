"""cstograph timeline: lanes, waits and the unanswered mark, on fixture graphs."""

import xml.dom.minidom

import pytest

from cstograph.cli import app
from cstograph.pictures.timeline import timeline_lanes, timeline_svg
from views_support import FIXTURES, THREE, graph_of


def test_lanes_rows_and_waits():
    (lane,) = timeline_lanes(graph_of())
    assert lane.alliance == "NPO"
    assert [(r.title, r.status, r.date.isoformat()) for r in lane.rows] == [
        ("Ardia → NPO (Article 5)", "unmet", "2010-03-02"),
        ("Borova → NPO (Article 5)", "met", "2015-06-02"),
        ("Borova → NPO (Article 5)", "not-triggered", "2020-01-05"),
    ]
    assert [(a.type, a.days, a.helps) for r in lane.rows for a in r.answers] == [
        ("diplomatic statement", 18, False), ("military deployment", 2, True), ("military deployment", 1, True)]
    assert [e[2] for e in lane.rows[0].events] == ["Cazan shells Ardia"]


def test_unanswered_request_is_marked():
    graph = graph_of(path=FIXTURES / "unanswered.ttl")
    (lane,) = timeline_lanes(graph)
    assert [(r.status, r.answers) for r in lane.rows] == [("unmet", ())]
    svg = timeline_svg(graph)
    xml.dom.minidom.parseString(svg)
    assert "no response" in svg and "UNMET" in svg


@pytest.mark.parametrize("suffix, check", [
    (".svg", lambda b: b"<svg" in b[:200] and b"+18d" in b),
    (".html", lambda b: b"<table>" in b and b"default-src 'none'" in b and b"no help" not in b[:0]),
])
def test_timeline_cli(runner, tmp_path, suffix, check):
    out = tmp_path / f"timeline{suffix}"
    result = runner.invoke(app, ["timeline", str(THREE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert check(out.read_bytes())
    assert "3 requests" in result.output


def test_timeline_png(runner, tmp_path):
    out = tmp_path / "timeline.png"
    assert runner.invoke(app, ["timeline", str(THREE), "-o", str(out)]).exit_code == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_timeline_focus_and_bad_suffix(runner, tmp_path):
    out = tmp_path / "t.svg"
    result = runner.invoke(app, ["timeline", str(THREE), "-o", str(out), "--focus", "Riots in Borova", "--hops", "1"])
    assert result.exit_code == 0 and "1 requests" in result.output
    bad = runner.invoke(app, ["timeline", str(THREE), "-o", str(tmp_path / "t.gexf")])
    assert bad.exit_code == 2 and bad.output.startswith("Error: ") and "timeline format" in bad.output


def test_reduced_timeline_keeps_the_telling_requests_and_says_so(runner, tmp_path):
    out = tmp_path / "t.svg"
    result = runner.invoke(app, ["timeline", str(THREE), "-o", str(out), "--max-requests", "2"])
    assert result.exit_code == 0, result.output
    assert "reduced timeline: 2 of 3 requests" in result.output and "2 requests" in result.output
    svg = out.read_text()
    # the unmet request (2010) and help without a trigger (2020) stay; the routine met one (2015) goes
    assert "reduced timeline" in svg and "Ardia → NPO" in svg and "5 Jan 2020" in svg and "2 Jun 2015" not in svg


# ------------------------------------------------------------ no label collides with another

def text_boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """(left, top, right, bottom, text) of every text, its width estimated generously (0.6 em a character)."""
    import xml.etree.ElementTree as ET

    boxes = []
    for element in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"):
        words = "".join(element.itertext())
        if not words.strip():
            continue
        size, x, y = float(element.get("font-size")), float(element.get("x")), float(element.get("y"))
        width = len(words) * size * 0.6
        left = {"middle": x - width / 2, "end": x - width}.get(element.get("text-anchor"), x)
        boxes.append((left, y - size * 0.8, left + width, y + size * 0.2, words))
    return boxes


def overlapping(boxes):
    boxes = sorted(boxes, key=lambda b: b[1])
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b[1] >= a[3]:
                break
            if a[0] < b[2] and b[0] < a[2]:
                found.append((a[4], b[4]))
    return found


def test_text_boxes_see_a_collision():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><text x="10" y="20" font-size="10">diplomatic statement +0d</text>'
           '<text x="80" y="22" font-size="10">consultations +6d</text></svg>')
    assert overlapping(text_boxes(svg)) == [("diplomatic statement +0d", "consultations +6d")]


@pytest.mark.slow
@pytest.mark.parametrize("source", ["bundled", "synthetic 300"])
def test_no_two_texts_of_the_timeline_overlap(runner, tmp_path, source):
    out = tmp_path / "timeline.svg"
    args = ["timeline", "-o", str(out), "--max-requests", "0", "--no-split"]
    if source != "bundled":
        data = tmp_path / "s300.ttl"
        assert runner.invoke(app, ["synth", "--requests", "300", "--seed", "3", "-o", str(data)]).exit_code == 0
        args += [str(data), "--cases"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    boxes = text_boxes(out.read_text())
    assert len(boxes) > 100
    assert overlapping(boxes) == []


def test_legend_names_every_mark():
    svg = timeline_svg(graph_of(path=FIXTURES / "unanswered.ttl"))
    for words in ("wait until the last response", "no helpful response (unmet)", "no helpful response (not unmet)",
                  "other events: concerned by no request", "event the request concerns"):
        assert words in svg, words


def test_red_marks_unmet_requests_only():
    """The legend keeps red for unmet: a request that is not unmet never gets the red dashed line
    or a red "no response" (Kyrgyzstan's of October 2022, not triggered and unanswered, is grey)."""
    from cstograph.pictures.graph_model import build_graph
    from cstograph.pictures.style import STATUS_FILL
    from helpers import kg_of

    kg = kg_of(None)
    graph = build_graph(None, kg.engine(), "requests", list(kg.verdicts()))
    svg = timeline_svg(graph)
    red = STATUS_FILL["unmet"]
    unmet = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "request" and d["status"] == "unmet")
    dashed_red = svg.count(f'stroke="{red}" stroke-width="2" stroke-dasharray="6,4"')
    assert dashed_red == unmet + 1  # one per unmet request, and the legend's
    # each unanswered request says "no response": red when it is unmet, grey otherwise
    answered = {t for _, t, d in graph.edges(data=True) if d.get("relation") == "respondsTo"}
    unanswered = [d["status"] for n, d in graph.nodes(data=True) if d["kind"] == "request" and n not in answered]
    grey = sum(1 for status in unanswered if status != "unmet")
    assert grey >= 1  # Kyrgyzstan's of October 2022 at least
    assert svg.count(">no response</text>") == len(unanswered)
    assert svg.count(f'fill="{red}" font-weight="bold">no response') == len(unanswered) - grey
    assert svg.count('fill="#555555" font-weight="bold">no response') == grey

"""Above a few dozen requests viz and timeline draw the summary (alliance by period), on synthetic graphs."""

import re

import pytest

from cstograph.cli import app
from cstograph.pictures.style import natural_key
from views_support import placed_font_sizes


@pytest.fixture(scope="module")
def synth300(runner, tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "s300.ttl"
    result = runner.invoke(app, ["synth", "--requests", "300", "--seed", "3", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def synth3000(runner, tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "s3000.ttl"
    assert runner.invoke(app, ["synth", "--requests", "3000", "--seed", "3", "-o", str(path)]).exit_code == 0
    return path


def test_natural_key_orders_numbers_by_value():
    assert sorted(["Alliance 10", "Alliance 2", "Alliance 1", "alliance 3"], key=natural_key) == [
        "Alliance 1", "Alliance 2", "alliance 3", "Alliance 10"]


@pytest.mark.parametrize("command", ["viz", "timeline"])
def test_many_requests_draw_the_summary_that_says_how_to_reach_the_cases(runner, synth300, tmp_path, command):
    out = tmp_path / "summary.svg"
    result = runner.invoke(app, [command, str(synth300), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "drew the summary" in result.output and "--cases" in result.output
    svg = out.read_text()
    assert "--alliance NAME" in svg and "300 requests" in svg


@pytest.mark.slow
def test_summary_rows_are_in_natural_order_and_count_every_request(runner, synth3000, tmp_path):
    out = tmp_path / "summary.html"
    assert runner.invoke(app, ["viz", str(synth3000), "-o", str(out)]).exit_code == 0
    page = out.read_text()
    names = re.findall(r"<tr><td>([^<]+)</td>", page)
    alliances = [n for n in names if n.startswith("Alliance")]
    assert len(alliances) == 20 and alliances == sorted(alliances, key=natural_key)
    assert alliances[:3] == ["Alliance 0", "Alliance 1", "Alliance 2"]
    totals = [int(t) for t in re.findall(r"<td>(\d+)</td></tr>", page)]
    assert sum(totals) == 3000


def test_summary_text_is_at_least_7_pt_at_a4_text_width(runner, synth300, tmp_path):
    out = tmp_path / "summary.svg"
    assert runner.invoke(app, ["viz", str(synth300), "-o", str(out)]).exit_code == 0
    sizes = placed_font_sizes(out.read_text())
    assert len(sizes) > 20
    small = [(round(s, 1), t) for s, t in sizes if s < 7.0]
    assert not small, small[:5]


def test_cases_alliance_and_focus_reach_the_cases(runner, synth300, tmp_path):
    # pages (.html) take the same summary-or-cases decision as figures (.svg) and skip Graphviz's
    # layout of hundreds of boxes (5 s of CPU a figure)
    cases = tmp_path / "cases.json"
    result = runner.invoke(app, ["viz", str(synth300), "-o", str(tmp_path / "cases.html"), "--cases"])
    assert result.exit_code == 0 and "summary" not in result.output, result.output
    one = runner.invoke(app, ["viz", str(synth300), "-o", str(tmp_path / "one.html"), "--alliance", "Alliance 1"])
    assert one.exit_code == 0 and "summary" not in one.output, one.output
    focus = runner.invoke(app, ["viz", str(synth300), "-o", str(cases), "--focus", "sy:req17"])
    assert focus.exit_code == 0, focus.output
    import json

    nodes = json.loads(cases.read_text())["nodes"]
    assert sum(1 for n in nodes if n["kind"] == "request") == 1


def test_alliance_list_of_the_page_is_in_natural_order(runner, synth300, tmp_path):
    import json

    out = tmp_path / "page.html"
    assert runner.invoke(app, ["viz", str(synth300), "-o", str(out), "--cases", "--max-nodes", "300"]).exit_code == 0
    data = json.loads(out.read_text().split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    labels = [a["label"] for a in data["alliances"]]
    assert labels == sorted(labels, key=natural_key) and len(labels) >= 2


def test_the_bundled_case_base_is_drawn_case_by_case():
    """docs/views.md: the bundled case base stays below the summary threshold, so the README's
    `viz -o cases.html` draws its cases."""
    import cstograph
    from cstograph.pictures.summary import SUMMARY_ABOVE

    assert 0 < len(cstograph.open().verdicts()) <= SUMMARY_ABOVE

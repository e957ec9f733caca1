"""The interactive page in a real headless Chromium (Debian's /usr/bin/chromium via playwright).

Checks that the nodes are drawn (the page's own count and non-blank canvas pixels), that the
filters, the tooltip and the details panel work (a contested request lists each account's
verdict), and that opening the page makes no network request.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cstograph
from cstograph.engines.engine import make_engine
from cstograph.pictures.html import LARGE_GRAPH
from cstograph.pictures.viz import render_viz
from cstograph.reading.rdf_files import load_dataset
from views_support import THREE, browser  # noqa: F401  (browser: the Chromium fixture)

pytestmark = pytest.mark.slow

LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    dataset = load_dataset([THREE])
    rendered = render_viz(dataset, make_engine("oxigraph", dataset), "html")
    path = tmp_path_factory.mktemp("html") / "view.html"
    path.write_bytes(rendered.data)
    return path


def open_page(browser, path):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_function("document.documentElement.getAttribute('data-rendered-nodes') !== null", timeout=10_000)
    return page, requests, errors


def non_white_pixels(page) -> int:
    return page.evaluate("""() => {
        const c = document.getElementById('canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) n++;
        return n; }""")


def test_page_draws_every_node_and_makes_no_network_request(browser, page_file):
    page, requests, errors = open_page(browser, page_file)
    assert errors == []
    state = page.evaluate("window.cstographView")
    assert (state["nodes"], state["edges"], state["drawnNodes"], state["drawnEdges"]) == (15, 27, 15, 27)
    assert non_white_pixels(page) > 5_000  # the canvas is not blank
    red = page.evaluate("""() => {
        const c = document.getElementById('canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === 0xc0 && d[i + 1] === 0x26 && d[i + 2] === 0x2d) n++;
        return n; }""")
    assert red > 100  # the unmet request is drawn in its colour
    assert page.inner_text("#count") == "15 of 15 nodes, 27 edges shown"
    assert [url for url in requests if not url.startswith(LOCAL_SCHEMES)] == []
    page.close()


def test_filters_by_period_and_alliance(browser, page_file):
    page, requests, _ = open_page(browser, page_file)
    page.fill("#from", "2019")
    page.dispatch_event("#from", "change")
    # the 2020 story: riots, request, response; Borova, the League, Article 5 and the Pact;
    # and Ardia, the League's other member that year (reached through its membership)
    assert page.inner_text("#count").startswith("8 of 15 nodes")
    assert page.evaluate("window.cstographView.locate('Ardia asks the League').visible") is False
    page.fill("#from", "2010")
    page.dispatch_event("#from", "change")
    page.select_option("#alliance", label="NPO")
    assert page.inner_text("#count").startswith("15 of 15 nodes")
    assert [url for url in requests if not url.startswith(LOCAL_SCHEMES)] == []
    page.close()


def test_hover_shows_status_and_click_shows_sources(browser, page_file):
    page, _, _ = open_page(browser, page_file)
    spot = page.evaluate("window.cstographView.locate('Ardia asks the League')")
    page.mouse.move(spot["x"], spot["y"])
    tooltip = page.inner_text("#tooltip")
    assert "Ardia asks the League" in tooltip and "UNMET" in tooltip and "2010-03-02" in tooltip
    page.mouse.click(spot["x"], spot["y"])
    details = page.inner_text("#details")
    assert "Fixture chronicle" in details and "no response fulfils" in details and "http://example.org/views/r1" in details
    page.close()


def test_clicking_a_contested_request_lists_each_account(browser, tmp_path):
    kg = cstograph.open([Path(__file__).parent / "cases" / "accounts" / "contested.trig"])
    rendered = render_viz(None, kg.engine(), "html", verdicts=kg.verdicts())
    path = tmp_path / "contested.html"
    path.write_bytes(rendered.data)
    page, _, errors = open_page(browser, path)
    spot = page.evaluate("window.cstographView.locate('Arland appeals about the border incursion')")
    page.mouse.click(spot["x"], spot["y"])
    details = page.inner_text("#details")
    assert "CONTESTED" in details and "Arland's account: unmet" in details and "Borduria's account: not-triggered" in details
    spot = page.evaluate("window.cstographView.locate('Arland appeals about the shelling')")
    page.mouse.click(spot["x"], spot["y"])
    details = page.inner_text("#details")
    assert "Arland appeals about the shelling" in details and "CONTESTED" not in details and "account" not in details
    assert errors == []
    page.close()


# ------------------------------------------------------------ what a new reader sees

VIEWPORTS = [(1400, 900), (1024, 768)]


@pytest.fixture(scope="module")
def bundled_page(tmp_path_factory):
    """The page of all the bundled graphs: above LARGE_GRAPH nodes, drawn as dots named where they fit."""
    kg = cstograph.open()
    rendered = render_viz(None, kg.engine(), "html", verdicts=list(kg.verdicts()))
    path = tmp_path_factory.mktemp("bundled") / "bundled.html"
    path.write_bytes(rendered.data)
    return path


CASES_ALLIANCE = "Rio"  # the bundled Rio Treaty cases: drawn box by box, more than one screen holds


@pytest.fixture(scope="module")
def cases_page(tmp_path_factory):
    """A bundled alliance's page drawn case by case (captions in boxes), bigger than its first view."""
    kg = cstograph.open()
    rendered = render_viz(None, kg.engine(), "html", verdicts=list(kg.verdicts()), alliance=CASES_ALLIANCE)
    path = tmp_path_factory.mktemp("cases") / "cases.html"
    path.write_bytes(rendered.data)
    return path


def first_view_is_a_part(view) -> bool:
    """The page draws its boxes (not the dots of a large graph) and the first view leaves some out."""
    return 0 < view["drawnNodes"] < view["nodes"] <= LARGE_GRAPH


def inside(box, width, height) -> bool:
    return box[0] >= -2 and box[1] >= -2 and box[2] <= width + 2 and box[3] <= height + 2


def open_at(browser, path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_function("document.documentElement.getAttribute('data-rendered-nodes') !== null", timeout=20_000)
    page.wait_for_timeout(100)  # a ResizeObserver callback after the first frame
    return page, errors


BUFFER = ("(() => { const c = document.getElementById('canvas'); "
          "return {width: c.width, height: c.height, ratio: window.devicePixelRatio || 1}; })()")


def canvas_shot(page) -> bytes:
    page.mouse.move(1, 1)  # off the canvas: no hover highlight
    page.wait_for_timeout(100)
    return page.locator("#canvas").screenshot()


@pytest.mark.parametrize("width, height", VIEWPORTS)
def test_the_drawing_buffer_matches_the_canvas_box(browser, bundled_page, width, height):
    page, errors = open_at(browser, bundled_page, width, height)
    size = page.evaluate(BUFFER)
    box = page.evaluate("(() => { const r = document.getElementById('canvas').getBoundingClientRect(); "
                        "return [r.width, r.height, window.innerHeight - r.bottom]; })()")
    assert (size["width"], size["height"]) == (round(box[0] * size["ratio"]), round(box[1] * size["ratio"]))
    assert abs(box[2]) < 1  # the canvas reaches the bottom of the window, no further
    page.set_viewport_size({"width": width - 300, "height": height - 100})  # the header wraps
    page.wait_for_timeout(200)
    size = page.evaluate(BUFFER)
    box = page.evaluate("(() => { const r = document.getElementById('canvas').getBoundingClientRect(); return [r.width, r.height]; })()")
    assert (size["width"], size["height"]) == (round(box[0] * size["ratio"]), round(box[1] * size["ratio"]))
    assert errors == []
    page.close()


@pytest.mark.parametrize("width, height", VIEWPORTS)
def test_clicking_the_drawn_centre_of_a_node_selects_it(browser, cases_page, width, height):
    page, errors = open_at(browser, cases_page, width, height)
    view = page.evaluate("window.cstographView")
    assert first_view_is_a_part(view)
    labels = view["onScreen"]  # the nodes drawn whole on the canvas: as many as their screen boxes say
    canvas = view["canvas"]
    assert len(labels) == sum(inside(b, canvas["cssWidth"], canvas["cssHeight"]) for b in view["nodeBoxes"])
    unique = [label for label in labels if labels.count(label) == 1]
    assert unique
    for label in unique:
        spot = page.evaluate("label => window.cstographView.locate(label)", label)
        page.mouse.click(spot["x"], spot["y"])
        assert page.evaluate("window.cstographView.selected") == label
    assert errors == []
    page.close()


@pytest.mark.parametrize("width, height", VIEWPORTS)
def test_first_view_text_is_legible_and_edge_labels_cover_no_node(browser, cases_page, width, height):
    page, _ = open_at(browser, cases_page, width, height)
    view = page.evaluate("window.cstographView")
    assert first_view_is_a_part(view)
    assert view["minNodeText"] >= 11
    assert view["labelledNodes"] == view["drawnNodes"]  # every node on screen carries its caption
    for zoom in (0, 600, -1200):  # as opened, zoomed out, zoomed in
        if zoom:
            page.mouse.move(width // 3, height // 2)
            page.mouse.wheel(0, zoom)
            page.wait_for_timeout(150)
        view = page.evaluate("window.cstographView")
        assert view["minNodeText"] is None or view["minNodeText"] >= 11  # hidden rather than shrunk
        for label in view["labelBoxes"]:
            for node in view["nodeBoxes"]:
                assert not (label[0] < node[2] and label[2] > node[0] and label[1] < node[3] and label[3] > node[1])
    page.close()


def test_zooming_out_and_back_leaves_no_stale_pixels(browser, bundled_page):
    page, _ = open_at(browser, bundled_page, 1400, 900)
    before = canvas_shot(page)
    page.mouse.move(500, 500)
    for _ in range(4):
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(60)
    page.click("#fit")  # back to exactly the first view
    after = canvas_shot(page)
    assert before == after
    page.close()


def test_find_says_when_nothing_matches(browser, page_file):
    page, _, _ = open_page(browser, page_file)
    page.fill("#find", "Zembla")
    page.dispatch_event("#find", "change")
    assert "no match" in page.inner_text("#find-status")
    page.fill("#find", "League statement")
    page.dispatch_event("#find", "change")
    assert "no match" not in page.inner_text("#find-status")
    assert page.evaluate("window.cstographView.selected") == "League statement"
    page.close()


def test_focus_draws_one_case_and_rings_it(browser, tmp_path):
    dataset = load_dataset([THREE])
    rendered = render_viz(dataset, make_engine("oxigraph", dataset), "html", focus="Ardia asks the League", hops=3)
    path = tmp_path / "focus.html"
    path.write_bytes(rendered.data)
    page, _, errors = open_page(browser, path)
    view = page.evaluate("window.cstographView")
    assert view["nodes"] == 8 and view["drawnNodes"] == 8  # the request, its parties, clause, treaty, event, response
    assert view["focus"] == view["selected"] == "Ardia asks the League"
    assert errors == []
    page.close()


@pytest.mark.parametrize("alliance", ["NATO", CASES_ALLIANCE])
def test_the_first_view_of_an_alliance_page_opens_on_its_boxes(browser, tmp_path, alliance):
    """With or without an unmet case to open on, the first view starts where the boxes are, not
    where Graphviz's routes swing out into empty space (the NATO page has no unmet request)."""
    kg = cstograph.open()
    rendered = render_viz(None, kg.engine(), "html", verdicts=list(kg.verdicts()), alliance=alliance)
    path = tmp_path / "alliance.html"
    path.write_bytes(rendered.data)
    page, errors = open_at(browser, path, 1400, 900)
    view = page.evaluate("window.cstographView")
    assert view["drawnNodes"] > 0 and view["onScreen"] and view["minNodeText"] >= 11
    assert errors == []
    page.close()

"""The interactive page in a real headless Chromium (Debian's /usr/bin/chromium via playwright).

Checks that the nodes are drawn (the page's own count and non-blank canvas pixels), that the
filters, the tooltip and the details panel work (a contested request lists each account's
verdict), and that opening the page makes no network request.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import cstograph
from cstograph.engines.engine import make_engine
from cstograph.reading.rdf_files import load_dataset
from cstograph.pictures.viz import render_viz
from views_support import THREE

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("CSTOGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
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

"""The interactive page of the bundled data, used as a reader would, in headless Chromium: it opens
on the unmet cases, a filter frames what it leaves ("Fit" too), Find finds the captions of the
boxes (also on a page large enough to be drawn as dots) and Enter steps through the matches,
sources are links, and a filter that leaves nothing says why."""

from __future__ import annotations

import pytest

from cstograph.pictures.viz import render_viz
from helpers import kg_of
from views_support import browser  # noqa: F401  (the Chromium fixture)

pytestmark = pytest.mark.slow
ARMENIA_2022 = "Armenia invokes Article 4 of the Collective Security Treaty (13 September 2022)"
WIDTH, HEIGHT = 1280, 800


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    kg = kg_of(None)
    rendered = render_viz(None, kg.engine(), "html", verdicts=list(kg.verdicts()))
    path = tmp_path_factory.mktemp("page") / "cases.html"
    path.write_bytes(rendered.data)
    return path


def open_page(browser, path):
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_function("document.documentElement.getAttribute('data-rendered-nodes') !== null", timeout=10_000)
    return page, errors


def on_canvas(page, label: str) -> bool:
    return page.evaluate("""(label) => {
        const p = window.cstographView.locate(label), r = document.getElementById('canvas').getBoundingClientRect();
        return p !== null && p.x >= r.left && p.x <= r.right && p.y >= r.top && p.y <= r.bottom; }""", label)


def visible_labels(page) -> list[str]:
    return page.evaluate("""() => {
        const data = JSON.parse(document.getElementById('graph-data').textContent);
        return data.nodes.map(n => n.label).filter(l => window.cstographView.locate(l).visible); }""")


def test_it_opens_on_the_unmet_cases(browser, page_file):
    page, errors = open_page(browser, page_file)
    assert on_canvas(page, ARMENIA_2022) and errors == []
    page.close()


def test_a_filter_and_fit_frame_what_the_filter_leaves(browser, page_file):
    page, errors = open_page(browser, page_file)
    page.select_option("#alliance", label="CSTO")
    page.wait_for_timeout(100)
    shown = visible_labels(page)
    assert ARMENIA_2022 in shown and 3 < len(shown) < 100
    assert all(on_canvas(page, label) for label in shown)
    page.mouse.move(WIDTH // 3, HEIGHT // 2)
    page.mouse.wheel(0, 1500)  # zoom out and away, then Fit
    page.click("#fit")
    page.wait_for_timeout(100)
    assert all(on_canvas(page, label) for label in shown) and errors == []
    page.close()


def test_find_finds_captions_and_enter_steps_through_the_matches(browser, page_file):
    page, errors = open_page(browser, page_file)
    page.fill("#find", "Armenia → CSTO")  # as the case boxes read; a page of dots finds it too
    page.press("#find", "Enter")
    first = page.evaluate("window.cstographView.selected")
    status = page.inner_text("#find-status")
    assert first and "showing 1 of" in status, status
    page.press("#find", "Enter")
    second = page.evaluate("window.cstographView.selected")
    assert second != first and "showing 2 of" in page.inner_text("#find-status")
    assert ARMENIA_2022 in {first, second}
    assert errors == []
    page.close()


def test_sources_are_links(browser, page_file):
    page, errors = open_page(browser, page_file)
    page.fill("#find", ARMENIA_2022)
    page.dispatch_event("#find", "change")
    hrefs = page.eval_on_selector_all("#details a[href]", "links => links.map(a => a.href)")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    assert "https://www.rt.com/russia/562792-armenia-military-assistance-alliance-azerbaijan/" in hrefs
    assert errors == []
    page.close()


def test_a_filter_that_leaves_nothing_says_why(browser, page_file):
    page, errors = open_page(browser, page_file)
    page.fill("#from", "2023")
    page.fill("#to", "2020")
    page.dispatch_event("#to", "change")
    text = page.inner_text("#count")
    assert "nothing shown" in text and "2023" in text and "2020" in text and errors == []
    page.close()

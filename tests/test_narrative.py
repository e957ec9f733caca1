"""The data's own words travel with the verdicts: a request's description (dcterms:description)
and each response's label appear in explain (text and JSON), report --all (table, markdown and
JSON), the site's request page and the interactive page. The Armenia 2022 case: help "offered"
beside "unmet" is reconciled by the response's label ("... not signed by Armenia ...").

The commands read the bundled graphs of the CSTO's and Armenia's cases, which hold that case whole
(a sixth of the time of every bundled graph); the JSON report is the bundled_report fixture (every bundled graph)."""

import json

import pytest

from cgtest import REPO
from cstograph.cli import app

REQUEST = "https://w3id.org/cstograph/data/request-2022-09-13-Armenia-CSTO"
ASKED = "asked for help, military included"
OFFER = "not signed by Armenia at the Yerevan summit"
DATA = [str(REPO / "graphs" / name) for name in (
    "csto.ttl", "csto-kyrgyzstan.ttl", "armenia-azerbaijan.ttl", "russia-armenia-1997.ttl", "kazakhstan-2022.ttl",
    "sources.ttl", "accounts.trig", "links.ttl")]


def out(runner, *args) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain(runner, fmt):
    text = out(runner, "explain", REQUEST, *DATA, "--format", fmt)
    if fmt == "json":
        data = json.loads(text)
        assert ASKED in data["description"]
        assert any(OFFER in (s.get("label") or "") for s in data["steps"] if s["kind"] == "response")
    else:
        assert ASKED in flat(text) and OFFER in flat(text)


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_report_all(runner, fmt, bundled_report):
    # the JSON is the bundled_report fixture: `report --all --format json` of every bundled graph
    text = bundled_report if fmt == "json" else out(runner, "report", "--all", "--format", fmt, *DATA)
    if fmt == "json":
        entry = next(v for v in json.loads(text) if v["request"] == REQUEST)
        assert ASKED in entry["description"] and any(OFFER in (r["label"] or "") for r in entry["responses"])
    else:
        assert ASKED in flat(text) and OFFER in flat(text)


def test_report_csv_keeps_its_columns(runner):
    header = out(runner, "report", "--all", "--format", "csv", *DATA).splitlines()[0]
    assert "description" not in header


def test_site_request_page(runner, tmp_path):
    site = tmp_path / "site"
    result = runner.invoke(app, ["site", "-o", str(site), *DATA])
    assert result.exit_code == 0, result.output
    page = next(p for p in (site / "request").glob("*.html")
                if f"<code>{REQUEST}</code>" in p.read_text(encoding="utf-8"))
    html = flat(page.read_text(encoding="utf-8"))
    assert "What was asked:" in html and ASKED in html and OFFER in html


def test_interactive_page(runner, tmp_path):
    page = tmp_path / "view.html"
    assert runner.invoke(app, ["viz", *DATA, "-o", str(page)]).exit_code == 0
    data = json.loads(page.read_text().split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    nodes = {n["iri"]: n for n in data["nodes"]}
    assert ASKED in nodes[REQUEST]["description"]
    assert any(OFFER in n["label"] for n in nodes.values() if n["kind"] == "response")

"""`explain --force` and `site --force` on a request with two dates or none: a clear line, not exit 4.

The classification needs one date per request. With --force on such data, `explain` says which
request and which dates in one line (exit 2); `site` still writes every page: a request without
a date has no verdict and so no page (as in `report`), a request with two dates gets one page,
explained by its first verdict, and appears in the lists under each of its dates.
"""

from __future__ import annotations

from cgtest import FIXTURES
from cstograph.cli import app

MINI = FIXTURES / "mini.trig"
SECOND_DATE = """@prefix mx: <http://example.org/mini/> .
@prefix cg: <https://w3id.org/cstograph/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
mx:r1 cg:date "2005-05-07"^^xsd:date .
"""


def no_date(tmp_path):
    text = MINI.read_text(encoding="utf-8")
    dated = 'cg:date "2012-01-02"^^xsd:date ;'
    assert dated in text  # mx:r2's date, removed below
    path = tmp_path / "no-date.trig"
    path.write_text(text.replace(dated, ""), encoding="utf-8")
    return [str(path)]


def two_dates(tmp_path):
    extra = tmp_path / "second-date.ttl"
    extra.write_text(SECOND_DATE, encoding="utf-8")
    return [str(MINI), str(extra)]


def run(runner, *args):
    return runner.invoke(app, [str(a) for a in args])


def assert_one_line(result, *words):
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ") and "--force" not in line]
    assert len(errors) == 1 and all(word in errors[0] for word in words), result.output
    assert "Internal error" not in result.output and "Traceback" not in result.output


def test_explain_a_request_without_a_date(runner, tmp_path):
    assert_one_line(run(runner, "explain", "mx:r2", *no_date(tmp_path), "--force"), "mini/r2", "no verdict", "cg:date")


def test_explain_a_request_with_two_dates(runner, tmp_path):
    assert_one_line(run(runner, "explain", "mx:r1", *two_dates(tmp_path), "--force"),
                    "mini/r1", "2 verdicts", "2005-05-06, 2005-05-07")


def test_explain_still_explains_the_other_requests(runner, tmp_path):
    result = run(runner, "explain", "mx:r3", *two_dates(tmp_path), "--force", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"request": "http://example.org/mini/r3"' in result.output


def test_site_without_a_date(runner, tmp_path):
    result = run(runner, "site", *no_date(tmp_path), "--force", "-o", tmp_path / "site")
    assert result.exit_code == 0, result.output
    pages = sorted(p.name for p in (tmp_path / "site" / "request").glob("*.html"))
    assert len(pages) == 2 and not any("r2" in p for p in pages), pages  # r2 has no verdict, as in report


def test_site_with_two_dates(runner, tmp_path):
    result = run(runner, "site", *two_dates(tmp_path), "--force", "-o", tmp_path / "site")
    assert result.exit_code == 0, result.output
    pages = list((tmp_path / "site" / "request").glob("*.html"))
    assert len(pages) == 3, pages
    listing = (tmp_path / "site" / "requests.html").read_text(encoding="utf-8")
    assert "2005-05-06" in listing and "2005-05-07" in listing
    (page,) = [p for p in pages if "r1" in p.name]
    assert "a party on 2005-05-06" in page.read_text(encoding="utf-8")  # explained by its first verdict

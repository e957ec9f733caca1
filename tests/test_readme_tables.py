"""README's "What it shows" section says what the bundled graphs hold: its figures and table rows
are checked against the report, so a data or rule change that makes them wrong fails here."""

from __future__ import annotations

import re

import pytest

import cstograph
from cgtest import TESTS

ROOT = TESTS.parent

STATUSES = ("not-triggered", "unmet", "met")


@pytest.fixture(scope="module")
def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## What it shows"):text.index("## See it")]


@pytest.fixture(scope="module")
def kg():
    return cstograph.open()


def rows(section: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in section.splitlines() if re.match(r"^\| ", line) and not line.startswith("| Date") and
            not line.startswith("| guarantor") and not line.startswith("|---")]


def test_counts(section, kg):
    verdicts = kg.verdicts()
    requests, guarantors = map(int, re.search(r"hold (\d+) formal requests for assistance to (\d+) guarantors", section).groups())
    assert requests == len(verdicts)
    assert guarantors == len({v.addressee for v in verdicts})


def test_each_request_row_has_the_reports_status(section, kg):
    verdicts = kg.verdicts()
    checked = 0
    for cells in rows(section):
        if not re.match(r"\d{4}-\d{2}-\d{2}$", cells[0]):
            continue
        date, requester, status_cell = cells[0], cells[1], cells[4].replace("*", "")
        found = [v for v in verdicts if v.date == date and v.requester_label == requester]
        assert found, f"no request of {requester} on {date}"
        said = next(s for s in STATUSES if status_cell.startswith(s))
        assert said in {v.status for v in found}, (date, requester, said)
        checked += 1
    assert checked >= 10


def test_selectivity_rows_are_the_reports(section, kg):
    cases = {(c.case, c.request_date, c.requester, c.support or "none") for c in kg.selectivity()}  # tables print "none"
    table = [cells for cells in rows(section) if cells[1] in ("support without trigger", "triggered, left unmet")]
    assert {(c[1], c[2], c[3], c[4]) for c in table} == cases

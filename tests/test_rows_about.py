"""A few requests' rows out of a large kept answer: ``RowsAbout`` keeps exactly the rows a plain
filter keeps, passing over the lines that cannot hold one, and a request explained from a store
carries the readings that the whole report gives it (explaining one request of a 10M-triple
store read every affected request's status under every reading before)."""

from __future__ import annotations

import json

import pyoxigraph
import pytest

from cgtest import CASES
from cstograph.cli import app
from cstograph.engines.engine import RowsAbout, tsv_rows
from cstograph.engines.queries import get_query

CLASSIFY = CASES / "classify"


@pytest.fixture(scope="module")
def status_lines(synth_small):
    path, _ = synth_small
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    for ontology in sorted((CASES.parents[1] / "ontology").glob("*.ttl")):
        store.load(path=str(ontology), format=pyoxigraph.RdfFormat.TURTLE)
    tsv = store.query(get_query("request-status").text).serialize(format=pyoxigraph.QueryResultsFormat.TSV)
    lines = tsv.decode("utf-8").splitlines(keepends=True)
    assert len(lines) > 20
    return lines


def _requests(lines):
    return [row["request"] for row in tsv_rows(lines)]


@pytest.mark.parametrize("pick", [lambda r: r[:1], lambda r: r[3:6], lambda r: r, lambda r: ["http://x/none"]])
def test_rows_about_some_requests_are_those_a_plain_filter_keeps(status_lines, pick):
    wanted = set(pick(_requests(status_lines)))
    plain = tsv_rows(status_lines, lambda row: row["request"] in wanted)
    assert tsv_rows(status_lines, RowsAbout("request", wanted)) == plain
    assert [row["request"] for row in plain] == [r for r in _requests(status_lines) if r in wanted]


def test_a_request_whose_name_begins_another_keeps_only_its_own_rows(status_lines):
    requests = _requests(status_lines)
    prefix = next((a for a in requests for b in requests if a != b and b.startswith(a)), None)
    assert prefix is not None, "the synthetic graph names req1 and req10"
    kept = tsv_rows(status_lines, RowsAbout("request", {prefix}))
    assert kept and {row["request"] for row in kept} == {prefix}


def test_lines_mentioning_none_of_a_few_values_are_not_read():
    about = RowsAbout("request", {"http://x/b"})
    assert about.passes_over("<http://x/a>\t\"met\"\n") and not about.passes_over("<http://x/b>\t\"met\"\n")
    many = RowsAbout("request", {f"http://x/{i}" for i in range(RowsAbout.MENTIONS_AT_MOST + 1)})
    assert not many.passes_over("<http://x/a>\t\"met\"\n")  # many values: every line is read and filtered


def test_a_request_explained_from_a_store_has_the_readings_of_the_report(runner, tmp_path):
    case = CLASSIFY / "action-against-attacker.ttl"
    store = tmp_path / "store"
    assert runner.invoke(app, ["load", str(case), "--store", str(store)]).exit_code == 0
    report = json.loads(runner.invoke(app, ["report", "--all", "-f", "json", "--store", str(store)]).stdout)
    assert any(row["readings"] for row in report), "the case has requests a reading flips"
    for row in report:
        shown = runner.invoke(app, ["explain", row["request"], "-f", "json", "--store", str(store)])
        assert shown.exit_code == 0, shown.output
        explained = json.loads(shown.stdout)["verdict"]
        assert (explained["status"], explained["robust"], explained["readings"]) == (
            row["status"], row["robust"], row["readings"]), row["request"]

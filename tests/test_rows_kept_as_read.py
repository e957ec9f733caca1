"""The report keeps only the rows it shows as it reads them (a store's 330,000 request-status
rows at 10M triples are never all held): the filter is applied while reading, and the verdicts
are those of filtering every row afterwards, pending requests included."""

from __future__ import annotations

import datetime as dt

from cstograph.engines.data import open_data
from cstograph.engines.engine import tsv_rows
from cstograph.rules.classify import classify_requests


def test_a_filter_keeps_rows_as_they_are_read():
    lines = iter(["?request\t?status\n", "<http://x/a>\t\"met\"\n", "<http://x/b>\t\"unmet\"\n",
                  "<http://x/c>\t\"unmet\"\n"])
    seen = []

    def keep(row):
        seen.append(row["request"])
        return row["status"] == "unmet"

    assert [r["request"] for r in tsv_rows(lines, keep)] == ["http://x/b", "http://x/c"]
    assert seen == ["http://x/a", "http://x/b", "http://x/c"]  # every row offered once, in order
    assert len(tsv_rows(["?s\n", "\"1\"\n", "\"2\"\n"])) == 2  # no filter: every row


def test_the_verdicts_of_some_statuses_are_those_of_all_verdicts_filtered(synth_small):
    path, _ = synth_small
    engine = open_data([path]).engine
    every = classify_requests(engine)
    for statuses in ({"unmet"}, {"met", "not-triggered"}, {"pending"}, {"unmet", "pending"}):
        chosen = classify_requests(engine, statuses=statuses)
        assert chosen == [v for v in every if v.status in statuses], statuses
        assert chosen or statuses == {"pending"}


def test_an_unmet_request_inside_the_pending_window_is_pending_when_only_pending_is_asked(synth_small):
    path, _ = synth_small
    engine = open_data([path]).engine
    every = classify_requests(engine)
    latest = max(dt.date.fromisoformat(v.date) for v in every if v.status == "unmet")
    as_of = latest + dt.timedelta(days=1)  # the latest unmet request is inside the pending window then
    pending = classify_requests(engine, statuses={"pending"}, as_of=as_of)
    assert pending and pending == [v for v in classify_requests(engine, as_of=as_of) if v.status == "pending"]


def test_the_terms_of_rows_left_out_are_not_all_held():
    """Reading many rows to keep a few holds the rows kept and a bounded cache of terms, not
    every term read (the report of a 10M-triple store's unmet requests read 330,000 rows)."""
    import tracemalloc

    from cstograph.engines.engine import CACHED_TERMS_AT_MOST

    count = CACHED_TERMS_AT_MOST * 5
    lines = ["?request\t?reason\n"] + [f"<http://x/r{i}>\t\"{'a reason of some length ' * 8}{i}\"\n"
                                       for i in range(count)]
    tracemalloc.start()
    try:
        kept = tsv_rows(lines, lambda row: row["request"] == "http://x/r7")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [row["request"] for row in kept] == ["http://x/r7"]
    every_term = count * 2 * 250  # each row's two terms, about 250 bytes each as strings
    assert peak < every_term / 3, f"{peak:,} bytes held while reading, against {every_term:,} for every term"

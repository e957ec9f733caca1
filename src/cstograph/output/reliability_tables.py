"""The fulfilment table of Berkemeier and Fuhrmann (2018) and the shares met under each reading
(``rules/reliability.py``) as JSON, CSV, Markdown or a terminal table. Pure: returns strings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from cstograph.output.render import render_csv, render_markdown, render_table
from cstograph.rules.reliability import FulfilmentRow, ReadingShare

COLUMNS = ("Cases", "Coding", "Observations", "Does not apply", "Relevant", "Honoured", "Violated", "Rate")
JSON_KEYS = ("period", "subset", "subsetLabel", "coding", "codingLabel", "observations", "doesNotApply", "relevant",
             "honoured", "violated", "rate")


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{100 * rate:.1f}%"


def render_fulfilment(rows: Sequence[FulfilmentRow], fmt: str, *, color: bool = False, width: int | None = None) -> str:
    if fmt == "json":
        records = [dict(zip(JSON_KEYS, asdict(row).values())) for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv(
            ["subset", "coding", *JSON_KEYS[5:]],
            [[r.subset_label, r.coding_label, r.observations, r.does_not_apply, r.relevant, r.honoured,
              r.violated, "" if r.rate is None else f"{r.rate:.4f}"] for r in rows],
        )
    table = [
        [r.subset_label, r.coding_label, str(r.observations), str(r.does_not_apply), str(r.relevant),
         str(r.honoured), str(r.violated), _percent(r.rate)]
        for r in rows
    ]
    if fmt == "markdown":
        return render_markdown(COLUMNS, table)
    return render_table(COLUMNS, table, title="Fulfilment of alliance commitments in war", color=color, width=width)


def render_reading_shares(shares: Sequence[ReadingShare], fmt: str, *, color: bool = False,
                          width: int | None = None) -> str:
    columns = ("Reading", "Triggered", "Met", "Share met")
    if fmt == "json":
        return json.dumps([asdict(s) for s in shares], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv(["reading", "label", "triggered", "met", "share"],
                          [[s.reading, s.label, s.triggered, s.met, "" if s.share is None else f"{s.share:.4f}"]
                           for s in shares])
    table = [[s.label, str(s.triggered), str(s.met), _percent(s.share)] for s in shares]
    if fmt == "markdown":
        return render_markdown(columns, table)
    return render_table(columns, table, title="This data's requests under each reading of the coding manual",
                        color=color, width=width)

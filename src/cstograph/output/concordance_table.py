"""The concordance of ``rules/concordance.py`` as JSON, CSV, Markdown or a terminal table: this
project's verdicts beside the published codings, a differing published verdict starred. Pure:
returns strings."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cstograph.output.render import render_csv, render_markdown, render_table
from cstograph.rules.concordance import ConcordanceRow, agreement, verdicts_agree

COLUMNS = ("Date", "Request", "ATOP", "War", "cstograph", "LLM", "BF", "LLM lenient", "BF lenient",
           "Readings that give LLM's verdict")
JSON_KEYS = ("request", "date", "requesterLabel", "addresseeLabel", "obligationLabel", "status", "atopId", "cowWar",
             "war", "warLabel", "occasion", "sourceRecord", "llm", "bf", "llmLenient", "bfLenient")
CSV_EXTRA = ("agreesWithLLM", "agreesWithBF", "readingsGivingLLM", "readingsGivingBF")


def _fields(r: ConcordanceRow) -> list:
    """The values of JSON_KEYS, in order."""
    return [getattr(r, name) for name in ("request", "date", "requester_label", "addressee_label", "obligation_label",
                                           "status", "atop_id", "cow_war", "war", "war_label", "occasion",
                                           "source_record", "llm", "bf", "llm_lenient", "bf_lenient")]


def _mark(status: str, published: str) -> str:
    """A published verdict, starred when it differs from this project's."""
    agrees = verdicts_agree(status, published)
    return published + (" *" if agrees is False else "")


def table_rows(rows: Sequence[ConcordanceRow]) -> list[list[str]]:
    return [
        [r.date, f"{r.requester_label} → {r.addressee_label}", str(r.atop_id), f"{r.war_label} (COW {r.cow_war})", r.status, _mark(r.status, r.llm), _mark(r.status, r.bf),
         _mark(r.status, r.llm_lenient), _mark(r.status, r.bf_lenient), "; ".join(r.readings_agreeing_with(r.llm))]
        for r in rows
    ]


def render_concordance(rows: Sequence[ConcordanceRow], fmt: str, *, color: bool = False,
                       width: int | None = None) -> str:
    if fmt == "json":
        records = [{**dict(zip(JSON_KEYS, _fields(r))), "agreesWithLLM": r.agrees_with_llm,
                    "agreesWithBF": r.agrees_with_bf,
                    "readings": [{"reading": x.reading, "label": x.label, "status": x.status} for x in r.readings],
                    "readingsGivingLLM": list(r.readings_agreeing_with(r.llm)),
                    "readingsGivingBF": list(r.readings_agreeing_with(r.bf))} for r in rows]
        return json.dumps({"rows": records, "agreement": agreement(rows)}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv([*JSON_KEYS, *CSV_EXTRA],
                          [[*(str(v) for v in _fields(r)),
                            "" if r.agrees_with_llm is None else str(r.agrees_with_llm).lower(),
                            "" if r.agrees_with_bf is None else str(r.agrees_with_bf).lower(),
                            "; ".join(r.readings_agreeing_with(r.llm)), "; ".join(r.readings_agreeing_with(r.bf))]
                           for r in rows])
    if fmt == "markdown":
        return render_markdown(COLUMNS, table_rows(rows))
    return render_table(COLUMNS, table_rows(rows), title="This project's verdicts beside the published codings",
                        color=color, width=width)

"""The record of formal invocations as tables: terminal, Markdown, CSV and JSON.

Every rate is printed with its counts ("3 of 4"); "did not help" (unmet, with a response on
record that fulfilled nothing) stays apart from what records nothing (unmet with no response on
record, pending, not triggered). The rows come from ``rules.invocation_record``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from cstograph.output.render import render_csv, render_markdown, render_table
from cstograph.rules.invocation_record import ALL_TYPES, UNITS_SENTENCE, ComparisonRow, RecordRow, other_readings, under

RECORD_COLUMNS = ("Era", "Alliance", "Obligation", "Met", "Share met", "Did not help", "No response on record",
                  "Pending", "Not triggered", "Under other readings")
RECORD_KEYS = ("era", "alliance", "allianceLabel", "obligationType", "reading", "readingLabel", "met", "didNotHelp",
               "noResponseOnRecord", "unmet", "decided", "pending", "notTriggered", "requests", "rate")
COMPARISON_COLUMNS = ("Obligation", "Formal invocations met", "Share", "B-F observations honoured (LLM)", "Share LLM",
                      "B-F observations honoured (BF)", "Share BF")
COMPARISON_KEYS = ("obligationType", "invocationsMet", "invocationsDecided", "invocationsRate", "llmHonoured",
                   "llmRelevant", "llmRate", "bfHonoured", "bfRelevant", "bfRate")

RECORD_NOTE = (
    "Met = the help the invoked clause asks for began (coding manual, docs/coding.md), counted as k of n: n are "
    "the triggered requests no longer pending (met + did not help + no response on record). Did not help = a "
    "response is on record and none fulfilled the clause; no response on record = nothing at all is recorded. "
    "Pending and not-triggered requests are in no rate. Obligation types are never pooled."
)


def percent(rate: float | None) -> str:
    return "" if rate is None else f"{100 * rate:.0f}%"


def k_of_n(k: int | None, n: int | None) -> str:
    return "" if k is None or n is None else f"{k} of {n}"


def _others(rows: Sequence[RecordRow], row: RecordRow) -> str:
    return "; ".join(f"{o.reading_label}: {k_of_n(o.met, o.decided)}" for o in other_readings(rows, row))


def _record_json(row: RecordRow) -> dict:
    values = (row.era, row.alliance, row.alliance_label, row.kind, row.reading, row.reading_label, row.met,
              row.did_not_help, row.no_response, row.unmet, row.decided, row.pending, row.not_triggered, row.requests,
              None if row.rate is None else round(row.rate, 4))
    return dict(zip(RECORD_KEYS, values))


def _comparison_json(row: ComparisonRow) -> dict:
    share = ComparisonRow.share
    values = (row.kind, row.met, row.decided, share(row.met, row.decided), row.llm_honoured, row.llm_relevant,
              share(row.llm_honoured, row.llm_relevant), row.bf_honoured, row.bf_relevant,
              share(row.bf_honoured, row.bf_relevant))
    return dict(zip(COMPARISON_KEYS, (round(v, 4) if isinstance(v, float) else v for v in values)))


def record_cells(rows: Sequence[RecordRow], reading: str) -> list[list[str]]:
    """The table's cells under one reading (the other readings named where they count otherwise)."""
    return [[r.era, r.alliance_label, r.kind, k_of_n(r.met, r.decided), percent(r.rate), str(r.did_not_help),
             str(r.no_response), str(r.pending), str(r.not_triggered), _others(rows, r)] for r in under(rows, reading)]


def comparison_cells(rows: Sequence[ComparisonRow]) -> list[list[str]]:
    share = ComparisonRow.share
    return [[r.kind, "not pooled" if r.kind == ALL_TYPES else k_of_n(r.met, r.decided),
             percent(share(r.met, r.decided)),
             k_of_n(r.llm_honoured, r.llm_relevant), percent(share(r.llm_honoured, r.llm_relevant)),
             k_of_n(r.bf_honoured, r.bf_relevant), percent(share(r.bf_honoured, r.bf_relevant))] for r in rows]


def render_record(rows: Sequence[RecordRow], comparison: Sequence[ComparisonRow], reading: str, reading_label: str,
                  fmt: str, *, color: bool = False, width: int | None = None) -> str:
    """The record under ``reading`` (JSON: every reading's rows) and, when given, the comparison
    with the Berkemeier-Fuhrmann rates for 1945-2003."""
    if fmt == "json":
        return json.dumps({"invocations": [_record_json(r) for r in rows],
                           "comparison": [_comparison_json(r) for r in comparison]},
                          indent=2, ensure_ascii=False) + "\n"
    cells = record_cells(rows, reading)
    if fmt == "csv":
        return render_csv(RECORD_KEYS, [[*_record_json(r).values()] for r in rows])
    title = f"Formal invocations: how often the help asked for began ({reading_label})"
    second_title = "1945-2003: formal invocations beside the alliance-war observations of Berkemeier and Fuhrmann"
    if fmt == "markdown":
        text = render_markdown(RECORD_COLUMNS, cells) + "\n" + RECORD_NOTE + "\n"
        if comparison:
            text += "\n" + render_markdown(COMPARISON_COLUMNS, comparison_cells(comparison)) + "\n" + UNITS_SENTENCE + "\n"
        return text
    text = render_table(RECORD_COLUMNS, cells, title=title, color=color, width=width) + RECORD_NOTE + "\n"
    if comparison:
        text += "\n" + render_table(COMPARISON_COLUMNS, comparison_cells(comparison), title=second_title, color=color,
                                    width=width) + UNITS_SENTENCE + "\n"
    return text


# ---------------------------------------------------------------- report --by-ally

BY_TYPE_COLUMNS = ("Era", "Alliance", "Obligation", "Met", "Share met", "Did not help", "No response on record",
                   "Pending", "Not triggered")
BY_TYPE_KEYS = ("era", "alliance", "obligation type", "met", "decided", "share met", "did not help",
                "no response on record", "pending", "not triggered")


def by_type_json(rows: Sequence[RecordRow], reading: str) -> list[dict]:
    """The rows of one reading as the by-ally report's JSON gives them."""
    return [dict(zip(BY_TYPE_KEYS, (r.era, r.alliance_label, r.kind, r.met, r.decided,
                                    None if r.rate is None else round(r.rate, 4), r.did_not_help, r.no_response,
                                    r.pending, r.not_triggered))) for r in under(rows, reading)]


def render_by_type(rows: Sequence[RecordRow], reading: str, fmt: str, *, color: bool = False,
                   width: int | None = None) -> str:
    """The split by obligation type that ``report --by-ally`` adds (markdown or terminal table)."""
    cells = [cells[:-1] for cells in record_cells(rows, reading)]
    title = "Formal invocations met per alliance and obligation type"
    if fmt == "markdown":
        return f"### {title}\n\n" + render_markdown(BY_TYPE_COLUMNS, cells)
    return render_table(BY_TYPE_COLUMNS, cells, title=title, color=color, width=width)

"""Turn verdicts, query results and validation reports into text. Pure: returns strings."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from cstograph.base.neutral import markdown_text, visible
from cstograph.engines.engine import QueryResult
from cstograph.output.terminal import (
    contested_text,
    differing_accounts,
    first_reply_text,
    hanging,
    readings_text,
    render_allies_terminal,
    render_explanation_text,
    render_selectivity_terminal,
    render_verdicts_terminal,
    responses_text,
    short,
)
from cstograph.rules.classify import Verdict
from cstograph.rules.validate import ValidationReport

FORMATS = ("table", "json", "csv", "markdown")
IDENTIFIER_WIDTH = 40  # longer words (full IRIs) may still fold


# ---------------------------------------------------------------- generic tables


def render_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    color: bool = False,
    width: int | None = None,
) -> str:
    """A boxed, wrapped table for people (rich), for query results and the fulfilment table; the
    report's own tables are laid out in output/terminal.py."""
    # deferred to the first call: keeps rich out of the CLI's start-up
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=True, header_style="bold" if color else None)
    # a column is no narrower than its longest word (an identifier, a date, its name; up to
    # IDENTIFIER_WIDTH) when the whole table fits so: text then wraps between words, never inside
    # cgd:Kyrgyzstan. (rich counts every word as a column's minimum; a table whose words do not
    # fit the width folds them as before, rather than being cut off.)
    longest = [min(max([len(word) for row in rows if index < len(row) for word in str(row[index]).split()]
                       + [len(word) for word in column.split()] + [1]), IDENTIFIER_WIDTH)
               for index, column in enumerate(columns)]
    fits = sum(longest) + 3 * len(columns) + 1 <= (width or 120)
    for index, column in enumerate(columns):
        table.add_column(column, overflow="fold", min_width=longest[index] if fits else None)
    for row in rows:
        table.add_row(*(_escape(visible(cell)) for cell in row))
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width or 120, force_terminal=color, no_color=not color, highlight=False
    )
    console.print(table)
    return buffer.getvalue()


def _escape(text: str) -> str:
    # deferred to the first call: keeps rich out of the CLI's start-up
    from rich.markup import escape

    return escape(text)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def spreadsheet_safe(cell) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (a label in
    the data, say) gets a leading apostrophe; numbers stay numbers."""
    text = "" if cell is None else str(cell)
    if text.startswith(FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def render_csv(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([spreadsheet_safe(c) for c in row] for row in rows)
    return buffer.getvalue()


def render_markdown(columns: Sequence[str], rows: Sequence[Sequence[str]], *, links: bool = False) -> str:
    """``links``: the cells hold Markdown links made by cstograph (their data already escaped)."""
    def cell(text: str) -> str:  # a table cell: no HTML from the data, no line breaks, no link from the data
        text = visible(text) if links else markdown_text(text)
        return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- verdicts (the report)


def verdict_to_dict(verdict: Verdict) -> dict:
    return {
        "request": verdict.request,
        "requester": verdict.requester,
        "addressee": verdict.addressee,
        "obligation": verdict.obligation,
        "date": verdict.date,
        "status": verdict.status,
        "reason": verdict.reason,
        "responses": [
            {
                "response": r.response,
                "responder": r.responder,
                "type": r.type,
                "date": r.date,
                "fulfils": r.fulfils,
                "responderLabel": r.responder_label,
                "typeLabel": r.type_label,
            }
            for r in verdict.responses
        ],
        "sources": [
            {"source": s.source, "title": s.title, "publisher": s.publisher or None,
             "issued": s.issued or None, "url": s.url or None}
            for s in verdict.sources
        ],
        "contested": [
            {"account": a.account, "label": a.label, "status": a.status,
             "disputes": [_dispute_to_dict(d) for d in a.disputes]} for a in verdict.contested
        ],
        **_readings_keys(verdict),
        "daysToFirstResponse": verdict.days_to_first_response,
        "daysToFulfilment": verdict.days_to_fulfilment,
        "requesterLabel": verdict.requester_label,
        "addresseeLabel": verdict.addressee_label,
        "obligationLabel": verdict.obligation_label,
        "alliance": verdict.alliance,
    }


def _dispute_to_dict(fact) -> dict:
    """One assertion of an account about a request's facts (rules/accounts.py, ``Assertion``)."""
    return {"role": fact.role, "subject": fact.subject, "subjectLabel": fact.subject_label,
            "property": fact.property or None, "value": fact.value or None, "valueLabel": fact.value_label,
            "undisputed": list(fact.undisputed), "text": fact.text,
            "sources": [{"source": s.source, "title": s.title, "url": s.url or None} for s in fact.sources]}


def _readings_keys(verdict: Verdict) -> dict:
    """``robust`` and ``readings`` (the readings that give another status), when computed."""
    if verdict.robust is None:
        return {}
    return {"robust": verdict.robust,
            "readings": [{"reading": r.reading, "label": r.label, "status": r.status} for r in verdict.readings]}


def _status_text(verdict: Verdict) -> str:
    """The status, for a contested request the accounts whose verdict differs, and for a verdict
    that is not robust the readings that flip it."""
    text = verdict.status
    if differing_accounts(verdict):
        text += f" (contested: {contested_text(verdict)})"
    if verdict.readings:
        text += f" (not robust: {readings_text(verdict)})"
    return text


def _sources_text(verdict: Verdict, with_urls: bool) -> str:
    parts = []
    for s in verdict.sources:
        details = ", ".join(x for x in (s.publisher, s.issued) if x)
        text = s.title + (f" ({details})" if details else "")
        linkable = with_urls and s.url.startswith(("http://", "https://")) and not re.search(r"[\s()<>]", s.url)
        parts.append(f"[{text.replace('[', '(').replace(']', ')')}]({s.url})" if linkable else
                     text + (f" {s.url}" if with_urls and s.url else ""))
    return "; ".join(parts) or "none"


CSV_COLUMNS = ["request", "date", "requester", "requesterLabel", "addressee", "addresseeLabel", "obligation",
               "obligationLabel", "status", "reason", "responses", "responseLabels", "sources", "sourceTitles",
               "contested", "contestedLabels", "robust", "readings"]


def _csv_rows(verdicts: Sequence[Verdict]) -> list[list[str]]:
    """One row per request: each IRI column beside its label column."""
    return [
        [v.request, v.date, v.requester, v.requester_label, v.addressee, v.addressee_label, v.obligation,
         v.obligation_label, v.status, v.reason,
         "; ".join(f"{r.date} {r.responder} {r.type}" for r in v.responses),
         "; ".join(f"{r.date} {r.responder_label}: {r.type_label}" for r in v.responses),
         " ".join(s.url or s.source for s in v.sources),
         "; ".join(s.title for s in v.sources),
         "; ".join(f"{a.account} {a.status}" for a in v.contested),
         "; ".join(f"{a.label}: {a.status}" for a in v.contested),
         "" if v.robust is None else str(v.robust).lower(),
         "; ".join(f"{r.reading} {r.status}" for r in v.readings)]
        for v in verdicts
    ]


def json_indented(value) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, the same text in about 40 % of the time
    (the standard library encodes with ``indent`` in pure Python, key by key through generators;
    here the indented key texts of each kind of object, by its tuple of keys, are made once): the
    report at 1M triples writes 11,000 to 33,000 verdicts."""
    out: list[str] = []
    append = out.append
    layouts: dict[tuple, tuple[str, list[str], str]] = {}  # (keys, indent) -> inner indent, heads, closing

    def encode(item, indent: str) -> None:
        if item.__class__ is str:
            append(encode_basestring(item))
        elif item is None:
            append("null")
        elif item is True:
            append("true")
        elif item is False:
            append("false")
        elif item.__class__ is int:
            append(int.__repr__(item))
        elif isinstance(item, dict) and item:
            keys = tuple(item)
            layout = layouts.get((keys, indent))
            if layout is None:
                inner = indent + "  "
                heads = [("{\n" if at == 0 else ",\n") + inner
                         + json.dumps({key: None}, ensure_ascii=False)[1:-6] + " " for at, key in enumerate(keys)]
                layout = layouts[(keys, indent)] = (inner, heads, "\n" + indent + "}")
            inner, heads, closing = layout
            for head, member in zip(heads, item.values()):
                append(head)
                if member.__class__ is str:  # most members: no call
                    append(encode_basestring(member))
                else:
                    encode(member, inner)
            append(closing)
        elif isinstance(item, (list, tuple)) and item:
            inner = indent + "  "
            separator = "[\n" + inner
            for member in item:
                append(separator)
                encode(member, inner)
                separator = ",\n" + inner
            append("\n" + indent + "]")
        else:  # empty containers, floats, other keys: as the standard library writes them
            append(json.dumps(item, indent=2, ensure_ascii=False))

    encode(value, "")
    return "".join(out)


def render_verdicts(
    verdicts: Sequence[Verdict], fmt: str, *, color: bool = False, width: int | None = None,
    title: str | None = None, short_names: Mapping[str, str] | None = None,
    namespaces: NamespaceManager | None = None, texts: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """``texts``: the data's own words, IRI -> (label, description) of each request and response
    (``rules.explain.all_case_texts``): JSON gains each request's ``description`` and each
    response's ``label``, markdown a "What was asked" column and the responses' labels."""
    if fmt == "json":
        return json_indented([_with_texts(verdict_to_dict(v), texts) if texts else verdict_to_dict(v)
                              for v in verdicts]) + "\n"
    if fmt == "csv":
        return render_csv(CSV_COLUMNS, _csv_rows(verdicts))
    verdicts = visible(list(verdicts), markdown=fmt == "markdown")  # no control sequences, no links from data
    texts = visible(dict(texts), markdown=fmt == "markdown") if texts else texts
    if fmt == "markdown":
        columns = ["Date", "Requester", "Addressee", "Obligation", "Status", "Reason", "First response",
                   "Responses", "Sources"] + (["What was asked"] if texts else [])
        rows = [
            [v.date, v.requester_label, v.addressee_label, v.obligation_label, _status_text(v), v.reason,
             first_reply_text(v), _labelled_responses(v, texts) if texts else responses_text(v),
             _sources_text(v, with_urls=True)] + ([texts.get(v.request, ("", ""))[1]] if texts else [])
            for v in verdicts
        ]
        return render_markdown(columns, rows, links=True)
    text = render_verdicts_terminal(verdicts, width=width, color=color, title=title, short_names=short_names,
                                    namespaces=namespaces)
    return _terminal_with_texts(text, verdicts, texts, width, short_names) if texts else text


def _with_texts(entry: dict, texts: Mapping[str, tuple[str, str]]) -> dict:
    entry["description"] = texts.get(entry["request"], ("", ""))[1] or None
    for response in entry["responses"]:
        response["label"] = texts.get(response["response"], ("", ""))[0] or None
    return entry


def _labelled_responses(verdict: Verdict, texts: Mapping[str, tuple[str, str]]) -> str:
    if not verdict.responses:
        return "none"
    return "; ".join(f"{r.date} {r.responder_label}: {r.type_label}"
                     + (f" (\u201c{texts[r.response][0]}\u201d)" if texts.get(r.response, ("", ""))[0] else "")
                     for r in verdict.responses)


def _terminal_with_texts(text: str, verdicts: Sequence[Verdict], texts: Mapping[str, tuple[str, str]],
                         width: int | None, short_names: Mapping[str, str] | None = None) -> str:
    """The terminal report, each request followed by the data's words: what was asked and each
    response's label (after the table, by request, so the table's columns stay as they are)."""
    lines = ["", "In the data's words:"]
    for v in verdicts:
        label, description = texts.get(v.request, ("", ""))
        who = f"{short(v.requester, v.requester_label, short_names)} \u2192 {short(v.addressee, v.addressee_label, short_names)}"
        lines += hanging("- ", f"{who}, {v.date}: {label or v.request}", width)
        if description:
            lines += hanging("  asked: ", description, width)
        for r in v.responses:
            if texts.get(r.response, ("", ""))[0]:
                lines += hanging(f"  {r.date} {r.type_label}: ", texts[r.response][0], width)
    return text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


# ---------------------------------------------------------------- query results


def term_text(term: Node | None, namespaces: NamespaceManager | None = None, compact: bool = False) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        if compact and namespaces is not None:
            try:
                qname = namespaces.curie(term, generate=False)
                return qname
            except (ValueError, KeyError):
                return str(term)
        return str(term)
    if isinstance(term, BNode):
        return "_:" + str(term)
    if isinstance(term, Literal):
        return str(term)
    return str(term)


def term_json(term: Node | None):
    """A JSON value: IRIs and strings as strings, numbers and booleans as JSON numbers/booleans."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (bool, int, float)):
            return value
        return str(term)
    return term_text(term)


def render_result(
    result: QueryResult, fmt: str, *, namespaces: NamespaceManager | None = None,
    color: bool = False, width: int | None = None,
) -> str:
    if result.kind == "ask":
        return json.dumps(result.boolean) + "\n" if fmt == "json" else ("yes\n" if result.boolean else "no\n")
    if result.kind == "graph":
        assert result.graph is not None
        if namespaces is not None:
            for prefix, ns in namespaces.namespaces():
                result.graph.bind(prefix, ns, override=False)
        return result.graph.serialize(format="json-ld" if fmt == "json" else "turtle")
    columns = list(result.variables)
    if fmt == "json":
        records = [{c: term_json(t) for c, t in zip(columns, row)} for row in result.rows]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv(columns, [[term_text(t) for t in row] for row in result.rows])
    rows = [[term_text(t, namespaces, compact=True) for t in row] for row in result.rows]
    if fmt == "markdown":
        return render_markdown(columns, rows)
    if not rows:
        return "No rows.\n"
    return render_table(columns, rows, color=color, width=width)


# ---------------------------------------------------------------- validation


SHAPES_NS = "https://w3id.org/cstograph/shapes#"


def _short_shape(iri: str) -> str:
    return "cgsh:" + iri[len(SHAPES_NS):] if iri.startswith(SHAPES_NS) else f"<{iri}>"


def render_validation(report: ValidationReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            {
                "conforms": report.conforms,
                "violations": len(report.violations),
                "results": [
                    {"severity": i.severity, "focus": i.focus, "path": i.path, "message": i.message,
                     "value": i.value, "shape": i.shape, "component": i.component}
                    for i in report.issues
                ],
            },
            indent=2,
            ensure_ascii=False,
        ) + "\n"
    lines = []
    for issue in report.issues:
        where = f" [{issue.path}]" if issue.path else ""
        value = f" (value: {issue.value})" if issue.value is not None and issue.severity == "Violation" else ""
        shape = f" (shape {_short_shape(issue.shape)})" if issue.shape and issue.shape.startswith("http") else ""
        lines.append(f"{issue.severity}: <{issue.focus}>{where}: {issue.message}{value}{shape}")
    counts = {s: sum(1 for i in report.issues if i.severity == s) for s in ("Violation", "Warning", "Info")}
    summary = (
        f"{'Conforms' if report.conforms else 'Does not conform'}: "
        f"{counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info(s)."
    )
    return "\n".join(lines + [summary]) + "\n"


# ---------------------------------------------------------------- explanations


def explanation_to_dict(explanation) -> dict:
    """An ``Explanation`` as the JSON of ``explain --format json``."""
    return {
        "request": explanation.verdict.request,
        "label": explanation.label,
        "description": explanation.description or None,
        "verdict": verdict_to_dict(explanation.verdict),
        "steps": [
            {"kind": s.kind, "node": s.node, "text": s.text, "holds": s.holds,
             **({"label": s.label or None, "description": s.description or None} if s.kind == "response" else {}),
             "sources": [dataclasses.asdict(src) for src in s.sources]}
            for s in explanation.steps
        ],
    }


def render_explanation(explanation, fmt: str, *, color: bool = False, width: int | None = None) -> str:
    """JSON, or text: wrapped to ``width`` with hanging indents (None: one line per item)."""
    if fmt == "json":
        return json.dumps(explanation_to_dict(explanation), indent=2, ensure_ascii=False) + "\n"
    explanation = visible(explanation)  # no control sequences from the data

    # each response's own words after the rule's sentence, the request's description after the verdict
    steps = tuple(dataclasses.replace(s, text=f"{s.text} Recorded as: \u201c{s.label}\u201d.") if s.label else s
                  for s in explanation.steps)
    text = render_explanation_text(dataclasses.replace(explanation, steps=steps), width=width, color=color)
    if explanation.description:
        head, _, rest = text.partition("\n\n")
        text = head + "\n" + "\n".join(hanging("  What was asked: ", explanation.description, width)) + "\n\n" + rest
    return text


# ---------------------------------------------------------------- allies and selectivity


def _rows_out(columns, rows, fmt, *, title) -> str:
    """JSON, CSV or Markdown (the terminal tables are in output/terminal.py)."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, r)) for r in rows], indent=2, ensure_ascii=False) + "\n"
    text_rows = [["" if c is None else str(c) for c in r] for r in rows]
    if fmt == "csv":
        return render_csv(columns, text_rows)
    if fmt == "markdown":  # an empty cell reads as missing data: a dash says "none"
        return f"### {title}\n\n" + render_markdown(columns, [["–" if c is None else str(c) for c in r] for r in rows])
    raise ValueError(f"unknown format {fmt!r}")


ALLY_COLUMNS = ["date", "requester", "alliance", "ally", "status", "ally did", "honoured", "days"]
RELIABILITY_COLUMNS = ["level", "name", "obligation", "triggered", "honoured", "share honoured", "median days to help"]


def _ally_rows(duties) -> list[list]:
    return [
        [d.request_date, d.requester, d.alliance, d.ally, d.status, d.own_responses or "nothing recorded",
         "directly" if d.direct_fulfilment else ("through the alliance" if d.alliance_fulfilment else "no"),
         d.days_to_fulfilment]
        for d in duties
    ]


def _reliability_rows(rows, fmt: str) -> list[list]:
    return [
        [r.level, r.name, r.obligation, r.triggered, r.honoured, round(r.share, 3) if fmt == "json" else f"{r.share:.0%}", r.median_days]
        for r in rows
    ]


def render_ally_report(duties, reliability_rows, fmt: str, *, color: bool = False, width: int | None = None,
                       short_names: Mapping[str, str] | None = None) -> str:
    """Obliged allies and the reliability table: one JSON object, or two tables (CSV: allies only)."""
    if fmt == "table":
        return render_allies_terminal(duties, reliability_rows, width=width, color=color, short_names=short_names)
    allies, table = _ally_rows(duties), _reliability_rows(reliability_rows, fmt)
    if fmt == "json":
        return json.dumps(
            {"allies": [dict(zip(ALLY_COLUMNS, r)) for r in allies],
             "reliability": [dict(zip(RELIABILITY_COLUMNS, r)) for r in table]},
            indent=2, ensure_ascii=False,
        ) + "\n"
    first = _rows_out(ALLY_COLUMNS, allies, fmt, title="Obliged allies of triggered requests")
    if fmt == "csv":
        return first
    second = _rows_out(RELIABILITY_COLUMNS, table, fmt, title="Reliability per alliance and per ally, by obligation type")
    return first + "\n" + second


def render_selectivity(cases, fmt: str, *, color: bool = False, width: int | None = None,
                       short_names: Mapping[str, str] | None = None, namespaces: NamespaceManager | None = None) -> str:
    if fmt == "table":
        return render_selectivity_terminal(cases, width=width, color=color, short_names=short_names,
                                           namespaces=namespaces)
    columns = ["guarantor", "case", "date", "requester", "support delivered", "request"]
    rows = [[c.guarantor, c.case, c.request_date, c.requester, c.support or "none", c.request] for c in cases]
    return _rows_out(columns, rows, fmt, title="Selectivity: help without a treaty trigger vs triggered obligations left unmet")

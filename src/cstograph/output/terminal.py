"""The report, the ally and selectivity tables and explanations as text for a terminal of a given
width (80, 120, 200 columns...). Pure: returns strings; colour only when asked for.

Rows keep what identifies a request on one line (date, requester, addressee, status, delay);
what does not fit beside it (obligation at narrow widths, reason, responses, the contested
accounts, the count of sources and the command that explains the verdict) goes on indented lines
below it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import URIRef
from rdflib.namespace import NamespaceManager

from cstograph.output.text_layout import (
    CONTESTED_STYLE,
    GAP,
    READINGS_STYLE,
    STATUS_STYLE,
    Column,
    cell_len,
    column_widths,
    days_text,
    hanging,
    paint,
    plural,
    table_lines,
    unbroken,
)
from cstograph.rules.classify import Verdict

DEFAULT_WIDTH = 120
OBLIGATION_MIN = 28  # below this the obligation goes under the row
WIDE = 160  # from here reason and responses are columns


def compact(iri: str, namespaces: NamespaceManager | None) -> str:
    """A prefixed name when the data declares the prefix (cgd:request-...), else the IRI."""
    if namespaces is not None and iri.startswith(("http://", "https://", "urn:")):
        try:
            return namespaces.curie(URIRef(iri), generate=False)
        except (ValueError, KeyError):
            pass
    return iri


def short(iri: str, label: str, short_names: Mapping[str, str] | None) -> str:
    return (short_names or {}).get(iri) or label or iri


def _status_style(line: str) -> str | None:
    if line == NOT_ROBUST:
        return READINGS_STYLE
    return CONTESTED_STYLE if line == "contested" else STATUS_STYLE.get(line)


NOT_ROBUST = "not robust"  # the status column's mark of a verdict some reading flips


def readings_text(verdict: Verdict) -> str:
    """The readings of the coding manual that flip the verdict, and what each gives."""
    return "; ".join(f"{r.status} under '{r.label}'" for r in verdict.readings)


def differing_accounts(verdict: Verdict) -> list:
    """The accounts whose verdict differs from the undisputed one (what makes it contested)."""
    return [a for a in verdict.contested if a.status != verdict.status]


def contested_text(verdict: Verdict) -> str:
    """"unmet according to X, which places E on the territory of A (the undisputed data records no
    territory); not-triggered according to Y, which ...": each account that counts for the
    request (rules/accounts.py), those whose verdict differs first, with what it asserts."""
    differing = differing_accounts(verdict)
    ordered = differing + [a for a in verdict.contested if a not in differing]
    parts = []
    for account in ordered:
        text = f"{account.status} according to {account.label or account.account}"
        if account.disputes:
            named: set[str] = set()
            claims = []
            for d in account.disputes:
                claims.append(f"{d.claim_about('it' if d.subject in named else d.subject_label)} ({d.contrast})")
                named.add(d.subject)
            text += ", which " + " and ".join(claims)
        parts.append(text)
    return "; ".join(parts)


def first_reply_text(verdict: Verdict) -> str:
    days = verdict.days_to_first_response
    if days is None:
        return "none"
    return "same day" if days == 0 else f"after {days_text(days)}"


def responses_text(verdict: Verdict, short_names: Mapping[str, str] | None = None, sep: str = "; ") -> str:
    if not verdict.responses:
        return "none"
    return sep.join(f"{r.date} {short(r.responder, r.responder_label, short_names)}: {r.type_label}"
                     for r in verdict.responses)


def response_lines(verdict: Verdict, width: int, indent: int, short_names: Mapping[str, str] | None) -> list[str]:
    """"responses: DATE RESPONDER: TYPE", one response a line, under each other."""
    label = "responses: "
    if not verdict.responses:
        return hanging(label, "none", width, indent)
    lines = []
    for n, r in enumerate(verdict.responses):
        text = f"{r.date} {short(r.responder, r.responder_label, short_names)}: {r.type_label}"
        lines += hanging(label if n == 0 else " " * len(label), text, width, indent)
    return lines


def pointer_lines(verdict: Verdict, width: int, indent: int, namespaces: NamespaceManager | None) -> list[str]:
    """The count of sources and the command that shows them, the command never broken."""
    command = f"cstograph explain {compact(verdict.request, namespaces)}"
    return unbroken(f"{plural(len(verdict.sources), 'source')}: ", command, width, indent)


def render_verdicts_terminal(
    verdicts: Sequence[Verdict], *, width: int | None = None, color: bool = False, title: str | None = None,
    short_names: Mapping[str, str] | None = None, namespaces: NamespaceManager | None = None,
) -> str:
    width = width or DEFAULT_WIDTH
    if not verdicts:
        return (title + ": none.\n") if title else "No requests.\n"
    main = [
        Column("Date", whole=True),
        Column("Requester", names=True),
        Column("Addressee", names=True),
        Column("Status", whole=True, style=_status_style),
        Column("First reply", whole=True),
    ]
    rows = [
        [v.date, v.requester_label, short(v.addressee, v.addressee_label, short_names),
         v.status + ("\ncontested" if differing_accounts(v) else "") + (f"\n{NOT_ROBUST}" if v.readings else ""),
         first_reply_text(v)]
        for v in verdicts
    ]
    widths = column_widths(main, rows, width)
    # names stay whole on their row: when they would have to wrap, the first reply goes below the row
    reply_below = widths != column_widths(main, rows, 10 ** 6)
    if reply_below:
        main.pop()
        for row in rows:
            row.pop()
        widths = column_widths(main, rows, width)
    fixed = sum(widths) + GAP * len(widths)
    columns = list(main)
    with_obligation = width - fixed >= OBLIGATION_MIN
    wide = with_obligation and width >= WIDE
    if with_obligation:
        columns.append(Column("Obligation"))
        for row, v in zip(rows, verdicts):
            row.append(v.obligation_label)
    if wide:
        columns += [Column("Reason"), Column("Responses")]
        for row, v in zip(rows, verdicts):
            row += [v.reason, responses_text(v, short_names, sep="\n")]
    widths = column_widths(columns, rows, width)
    indent = widths[0] + GAP
    below = []
    for v in verdicts:
        lines: list[str] = []
        if reply_below:
            lines += hanging("first reply: ", first_reply_text(v), width, indent)
        if not with_obligation:
            lines += hanging("", v.obligation_label, width, indent)
        if differing_accounts(v):
            lines += [paint(line, CONTESTED_STYLE, color) if n == 0 else line
                      for n, line in enumerate(hanging("contested: ", contested_text(v), width, indent))]
        if v.readings:
            lines += [paint(line, READINGS_STYLE, color) if n == 0 else line
                      for n, line in enumerate(hanging("readings: ", readings_text(v), width, indent))]
        if not wide:
            lines += hanging("reason: ", v.reason, width, indent)
            lines += response_lines(v, width, indent, short_names)
        lines += [paint(line, "dim", color) for line in pointer_lines(v, width, indent, namespaces)]
        below.append(lines)
    heading = hanging("", f"{title or 'Requests'} ({len(verdicts)})", width)
    lines = [paint(line, "bold", color) for line in heading] + [""]
    lines += table_lines(columns, rows, widths, color=color, below=below, separate=True)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- allies and selectivity


def _median_text(value) -> str:
    if value is None:
        return "–"
    return plural(int(value), "day") if float(value).is_integer() else f"{value:.1f} days"


def render_allies_terminal(duties, reliability_rows, *, width: int | None = None, color: bool = False,
                           short_names: Mapping[str, str] | None = None) -> str:
    width = width or DEFAULT_WIDTH
    alliance_short = {d.alliance: short(d.alliance_iri, d.alliance, short_names) for d in duties}
    honoured_style = {"directly": "green", "through the alliance": "green", "no": "bold red"}
    columns = [
        Column("Ally", names=True), Column("Honoured", names=True, style=honoured_style.get),
        Column("Help after", whole=True), Column("Ally's own responses"),
    ]
    groups: dict[tuple[str, str], list] = {}
    for d in duties:  # one group per request and alliance, in the order given
        groups.setdefault((d.request, d.alliance), []).append(d)
    group_rows = {
        key: [[d.ally, "directly" if d.direct_fulfilment else ("through the alliance" if d.alliance_fulfilment else "no"),
               days_text(d.days_to_fulfilment, none="–"), d.own_responses or "nothing recorded"] for d in members]
        for key, members in groups.items()
    }
    out = [paint(line, "bold", color) for line in hanging("", f"Obliged allies of triggered requests ("
                                                              f"{plural(len(groups), 'request')}, {plural(len(duties), 'ally', 'allies')})", width)]
    if duties:
        out += hanging("Help after: ", "days from the request to the ally's first fulfilling response, its own or "
                       "the alliance's; – when it gave none.", width) + [""]
        every_row = [row for rows in group_rows.values() for row in rows]
        widths = column_widths(columns, every_row, width - 2)
        out += ["  " + line for line in table_lines(columns, [], widths, color=color)]
        for (request, alliance), members in groups.items():
            first = members[0]
            head = f"{first.requester}; allies in {alliance_short[alliance]}; request {first.status}"
            lines = hanging(first.request_date + "  ", head, width)
            if lines[-1].endswith(" " + first.status):  # colour the status, the line's last word
                lines[-1] = lines[-1][:-len(first.status)] + paint(first.status, STATUS_STYLE.get(first.status), color)
            out += [""] + lines
            out += ["  " + line for line in table_lines(columns, group_rows[(request, alliance)], widths, color=color)[2:]]
    else:
        out.append("none.")
    table_columns = [
        Column("Level", whole=True), Column("Name", names=True), Column("Triggered", whole=True, align="right"),
        Column("Honoured", whole=True, align="right"), Column("Share", whole=True, align="right"),
        Column("Median days to help", whole=True),
    ]
    table_rows = [
        [r.level, alliance_short.get(r.name, r.name) if r.level == "alliance" else r.name, str(r.triggered),
         str(r.honoured), f"{r.share:.0%}", _median_text(r.median_days)]
        for r in reliability_rows
    ]
    out += ["", paint("Reliability per alliance and per ally", "bold", color)]
    if table_rows:
        out += table_lines(table_columns, table_rows, column_widths(table_columns, table_rows, width), color=color)
    else:
        out.append("none.")
    return "\n".join(out) + "\n"


def render_selectivity_terminal(cases, *, width: int | None = None, color: bool = False,
                                short_names: Mapping[str, str] | None = None,
                                namespaces: NamespaceManager | None = None) -> str:
    width = width or DEFAULT_WIDTH
    case_style = {"support without trigger": "yellow", "triggered, left unmet": "bold red"}
    columns = [
        Column("Guarantor", names=True), Column("Case", names=True, style=case_style.get),
        Column("Date", whole=True), Column("Requester", names=True), Column("Support delivered"),
    ]
    rows = [[short(c.guarantor_iri, c.guarantor, short_names), c.case, c.request_date, c.requester,
             c.support or "none"] for c in cases]
    title = "Selectivity: help without a treaty trigger vs triggered obligations left unmet"
    out = [paint(line, "bold", color) for line in hanging("", f"{title} ({len(cases)})", width)]
    if not cases:
        return "\n".join(out + ["none."]) + "\n"
    widths = column_widths(columns, rows, width)
    indent = widths[0] + 2
    below = [[paint(line, "dim", color) for line in
              unbroken("request: ", compact(c.request, namespaces), width, indent)] for c in cases]
    out.append("")
    out += table_lines(columns, rows, widths, color=color, below=below)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- explanations


def _source_line(source) -> str:
    details = ", ".join(x for x in (source.publisher, source.issued) if x)
    return source.title + (f" ({details})" if details else "")


def _with_url(label: str, text: str, url: str, width: int | None, indent: int) -> list[str]:
    """A source wrapped with a hanging indent; its URL whole, on the last line if it fits there,
    else on its own line (a terminal keeps a long URL clickable even when it wraps it)."""
    lines = hanging(label, text, width, indent)
    if not url:
        return lines
    if width is None or cell_len(lines[-1]) + 1 + cell_len(url) <= width:
        lines[-1] += " " + url
    else:
        lines.append(" " * (indent + cell_len(label)) + url)
    return lines


def _disputed_facts_lines(v: Verdict, width: int | None, color: bool) -> list[str]:
    """What each account that counts for a contested request asserts about its facts, each with its sources."""
    if not any(a.disputes for a in v.contested):
        return []
    lines = [paint("What the accounts dispute:", "bold", color)]
    for account in v.contested:
        for fact in account.disputes:
            lines += hanging("- ", f"{account.label or account.account} ({account.status}) {fact.text}.", width)
            for source in fact.sources:
                lines += _with_url("    source: ", _source_line(source), source.url, width, 0)
    return lines + [""]


def render_explanation_text(explanation, *, width: int | None = None, color: bool = False) -> str:
    """The chain behind one verdict: every step numbered and marked [+] (supports the obligation)
    or [-] (does not), its text and its sources under it with hanging indents. ``width`` None:
    no wrapping (one line per item, for pipes)."""
    v = explanation.verdict
    verdict = v.status.upper()
    lines = [paint(line, "bold", color) for line in hanging("", explanation.label, width)] + [f"  <{v.request}>"]
    lines += [f"  Verdict: {paint(verdict, STATUS_STYLE.get(v.status), color)}"]
    if v.contested:
        accounts = "; ".join(f"{a.label}: {a.status}" for a in v.contested)
        text = hanging("  (contested: ", accounts + ")", width)
        lines += [paint(line, CONTESTED_STYLE, color) for line in text]
    if v.readings:
        text = hanging("  (not robust: ", readings_text(v) + ")", width)
        lines += [paint(line, READINGS_STYLE, color) for line in text]
    elif v.robust:
        lines += hanging("  ", "(robust: the same under every reading of the coding manual)", width)
    lines += hanging("  ", v.reason, width) + [""]
    lines += _disputed_facts_lines(v, width, color)
    marks = {True: ("[+]", "green"), False: ("[-]", "bold red"), None: ("   ", None)}
    for number, step in enumerate(explanation.steps, start=1):
        mark, style = marks[step.holds]
        lead = f"{number}. {mark} "
        first, *rest = hanging(lead, f"{step.kind}: {step.text}", width)
        lines.append(f"{number}. " + paint(mark, style, color) + first[len(f"{number}. {mark}"):])
        lines += rest
        pad = len(lead) + 2
        for source in step.sources:
            for n, line in enumerate(_with_url("source: ", _source_line(source), source.url, width, pad)):
                lines.append(line.replace("source:", paint("source:", "dim", color), 1) if n == 0 else line)
        if step.node and not step.sources:
            lines.append(" " * pad + paint("source:", "dim", color) + " none recorded")
    if v.sources:
        lines += ["", paint("Sources of the request itself:", "bold", color)]
        for source in v.sources:
            lines += _with_url("- ", _source_line(source), source.url, width, 2)
    return "\n".join(lines) + "\n"

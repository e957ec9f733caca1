"""One page per request: verdict, the explanation chain, accounts, responses, sources, figure."""

from __future__ import annotations

from functools import lru_cache

from cstograph.output.site.markup import esc, external, link, page, status_badge, table
from cstograph.output.site.markup import facts as fact_table
from cstograph.output.site.slugs import year_of

DEPTH = 1
MARKS = {True: ('<span class="mark mark-holds" title="supports the obligation">[+]</span>'),
         False: ('<span class="mark mark-fails" title="does not support the obligation">[-]</span>'),
         None: '<span class="mark">[ ]</span>'}


def source_list(sources) -> str:
    """Every source with title, publisher and date; its URL linked when it is http(s)."""
    if not sources:
        return ""
    return _source_list(tuple(sources))


@lru_cache(maxsize=1 << 14)
def _source_list(sources: tuple) -> str:
    # cached: the same few sources back thousands of steps (19,131 lists, 3,300 requests)
    items = []
    for s in sources:
        details = ", ".join(x for x in (s.publisher, s.issued) if x)
        text = esc(s.title or s.source) + (f" ({esc(details)})" if details else "")
        if s.url:
            text += " — " + external(s.url)
        items.append(f"<li>{text}</li>")
    return '<ul class="sources">' + "".join(items) + "</ul>"


def request_page(data, v) -> bytes:
    explanation = data.explanations[v.request]
    parts = [f"<p>IRI: <code>{esc(v.request)}</code></p>"]
    verdict_line = f"<p>Verdict: {status_badge(v.status)}"
    if v.contested:
        verdict_line += ' <span class="contested">contested</span>'
    if v.robust is False:
        verdict_line += ' <span class="contested">not robust</span>'
    parts.append(verdict_line + f"</p>\n<p>{esc(v.reason)}</p>")
    if explanation.description:
        parts.append(f'<p class="asked"><strong>What was asked:</strong> {esc(explanation.description)}</p>')
    facts = [
        ("Date", link(data.href("year", year_of(v), DEPTH), v.date) if v.date else ""),
        ("Requester", _party(data, v.requester, v.requester_label)),
        ("Addressee", _party(data, v.addressee, v.addressee_label)),
        ("Obligation", esc(v.obligation_label or v.obligation)),
    ]
    treaty = data.treaty(v)
    if treaty:
        facts.append(("Treaty", link(data.href("treaty", treaty, DEPTH), data.label(treaty))))
    alliances = data.alliances_of(v)
    if alliances:
        facts.append(("Alliance", ", ".join(link(data.href("alliance", a, DEPTH), data.label(a)) for a in alliances)))
    parts.append(fact_table(facts))

    parts.append("<h2>Readings of the coding manual</h2>")
    if v.robust is None:
        parts.append("<p>The readings were not computed.</p>")
    elif v.robust:
        parts.append("<p>Robust: every reading of the coding manual gives this request the same status.</p>")
    else:
        parts.append("<p>Not robust: the coding manual's default gives the status above; these readings, where "
                     "the manual makes a choice another analyst could make otherwise, give another:</p>")
        parts.append(table(["reading", "status under it"],
                           [[esc(r.label), status_badge(r.status)] for r in v.readings]))

    parts.append("<h2>Contested accounts</h2>")
    if v.contested:
        parts.append("<p>The status of the request in each account that asserts something about its facts "
                     "(computed on the undisputed data with that account added), and what it asserts; the request "
                     "is contested because some differ from the undisputed data's. Accounts that say nothing "
                     "about the request are not listed.</p>")
        parts.append(table(["account", "status in that account", "differs", "what it asserts"],
                           [[esc(a.label or a.account) + f"<br><code>{esc(a.account)}</code>", status_badge(a.status),
                             "yes" if a.status != v.status else "no", _disputes(a.disputes)] for a in v.contested]))
    else:
        parts.append("<p>No account gives this request another status.</p>")

    parts.append("<h2>Why: the explanation</h2>\n<p>[+] supports the obligation's being triggered or "
                 "fulfilled; [-] does not.</p>\n<ol class=\"steps\">")
    for step in explanation.steps:
        sources = source_list(step.sources)
        if step.node and not step.sources:
            sources = '<p class="sources">Source: none recorded.</p>'
        parts.append(f"<li>{MARKS[step.holds]} <strong>{esc(step.kind)}</strong>: {esc(step.text)}{sources}</li>")
    parts.append("</ol>")

    parts.append("<h2>Responses</h2>")
    rows = []
    recorded = {step.node: step.label for step in explanation.steps if step.kind == "response"}
    for r in v.responses:
        days = v.days_to(r.date)
        rows.append([esc(r.date), esc(r.responder_label or r.responder), esc(r.type_label or r.type),
                     esc(recorded.get(r.response, "")), "yes" if r.fulfils else "no", "" if days is None else esc(days)])
    parts.append(table(["date", "responder", "response", "as the data records it", "fulfils the obligation",
                        "days after the request"], rows,
                       empty="No response is recorded."))

    parts.append("<h2>Sources of the request</h2>")
    parts.append(source_list(v.sources) or "<p>None recorded.</p>")

    parts.append("<h2>Figure</h2>")
    svg, note = data.figures.get(v.request, (None, "The figure is unavailable."))
    parts.append(f'<div class="figure">\n{svg}\n</div>' if svg else f'<p class="unavailable">{esc(note)}</p>')
    return page(explanation.label or v.request, "\n".join(parts), depth=DEPTH, viewpoint=data.viewpoint)


def _disputes(facts) -> str:
    """Each fact an account asserts about the request (rules/accounts.py), with its sources."""
    if not facts:
        return "nothing about this request's facts"
    return "".join(f"<p>{esc(f.text[:1].upper() + f.text[1:])}.</p>{source_list(f.sources)}" for f in facts)


def _party(data, iri: str, label: str) -> str:
    if ("state", iri) in data.slugs:
        return link(data.href("state", iri, DEPTH), label or iri)
    if ("alliance", iri) in data.slugs:
        return link(data.href("alliance", iri, DEPTH), label or iri)
    return esc(label or iri)

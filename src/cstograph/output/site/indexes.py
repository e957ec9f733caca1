"""The home page, the lists of requests by alliance, treaty, state and year, and the
reliability and selectivity tables."""

from __future__ import annotations

from collections import Counter

from cstograph.output.site.markup import esc, link, page, status_badge, table
from cstograph.output.site.slugs import year_of

GROUPS = (  # kind, list page, title of the list, one page's title, the groups a request is in
    ("alliance", "alliances.html", "Alliances", "Alliance", lambda data, v: data.alliances_of(v)),
    ("treaty", "treaties.html", "Treaties", "Treaty", lambda data, v: [data.treaty(v)] if data.treaty(v) else []),
    ("state", "states.html", "States", "State", lambda data, v: data.states_of(v)),
    ("year", "years.html", "Years", "Year", lambda data, v: [year_of(v)]),
)
STATUSES = ("unmet", "met", "not-triggered")


def request_rows(data, verdicts, depth: int, made: dict | None = None) -> list[list[str]]:
    """A row per verdict; ``made``: the rows made before at this depth (a request is listed on the
    page of its alliance, treaty, states and year: the row is made once)."""
    if made is None:
        made = {}
    rows = []
    for v in verdicts:
        row = made.get(id(v))
        if row is None:
            row = made[id(v)] = _request_row(data, v, depth)
        rows.append(row)
    return rows


def _request_row(data, v, depth: int) -> list[str]:
    status = status_badge(v.status)
    differing = [a for a in v.contested if a.status != v.status]
    if differing:
        status += ' <span class="contested">contested: ' + esc("; ".join(
            f"{a.label or a.account}: {a.status}" for a in differing)) + "</span>"
    days = v.days_to_first_response
    return [
        f'<span class="date">{esc(v.date)}</span>', link(data.href("request", v.request, depth), data.explanations[v.request].label or v.request),
        esc(v.requester_label or v.requester), esc(v.addressee_label or v.addressee), status,
        "" if days is None else esc(days),
    ]


REQUEST_COLUMNS = ["date", "request", "requester", "addressee", "status", "days to first response"]


def _counts(verdicts) -> Counter:
    counted = Counter(v.status for v in verdicts)
    counted["contested"] = sum(1 for v in verdicts if v.contested)
    return counted


def _count_table(verdicts) -> str:
    counted = _counts(verdicts)
    rows = [[status_badge(s), esc(counted[s])] for s in STATUSES]
    rows.append(['<span class="contested">contested</span> (an account gives another status)', esc(counted["contested"])])
    rows.append(["all requests", esc(len(verdicts))])
    return table(["status", "requests"], rows).replace("<table>", '<table class="counts">', 1)


def home_page(data) -> bytes:
    body = [
        "<p>Alliances promise help. This site lists every request for assistance in the data, "
        "whether the obligation it invoked was triggered, and whether help arrived, each with its sources.</p>",
        _count_table(data.verdicts),
        "<h2>Browse</h2>",
        "<ul>",
        f"<li>{link('requests.html', 'Every request')} ({len(data.verdicts)})</li>",
    ]
    for kind, list_page, _, one, _ in GROUPS:
        count = sum(1 for key in data.slugs if key[0] == kind)
        body.append(f"<li>{link(list_page, 'By ' + one.lower())} ({count})</li>")
    body += [
        f"<li>{link('reliability.html', 'Reliability per alliance and per ally')}</li>",
        f"<li>{link('invocations.html', 'Reliability of formal invocations, per alliance, obligation type and era')}</li>",
        f"<li>{link('selectivity.html', 'Selectivity: help without a trigger, triggered requests left unmet')}</li>",
        f"<li>{link('concordance.html', 'Concordance: the verdicts beside the published codings (LLM, BF)')}</li>",
        f"<li>{link('ontology.html', 'The vocabulary (ontology reference)')}</li>",
        "</ul>",
    ]
    return page("Alliance commitments: was help delivered?", "\n".join(body), depth=0, viewpoint=data.viewpoint)


def index_pages(data) -> dict[str, bytes]:
    files = {"index.html": home_page(data)}
    files["requests.html"] = page("Every request", table(REQUEST_COLUMNS, request_rows(data, data.verdicts, 0),
                                                         empty="The data holds no requests."),
                                  depth=0, viewpoint=data.viewpoint)
    made: dict = {}  # the rows of the group pages, each made once
    for kind, list_page, title, one, members in GROUPS:
        grouped: dict[str, list] = {}
        for v in data.verdicts:
            for key in members(data, v):
                grouped.setdefault(key, []).append(v)
        name = (lambda key: key) if kind == "year" else data.label
        order = sorted(grouped, key=lambda key: (name(key).casefold(), key))
        rows = []
        for key in order:
            counted = _counts(grouped[key])
            rows.append([link(data.href(kind, key, 0), name(key))] + [esc(counted[s]) for s in STATUSES + ("contested",)]
                        + [esc(len(grouped[key]))])
            group_body = _count_table(grouped[key]) + "\n<h2>Requests</h2>\n" + table(
                REQUEST_COLUMNS, request_rows(data, grouped[key], 1, made))
            if kind != "year":
                group_body = f"<p>IRI: <code>{esc(key)}</code></p>\n" + group_body
            files[data.href(kind, key, 0)] = page(f"{one}: {name(key)}", group_body, depth=1, viewpoint=data.viewpoint)
        files[list_page] = page(title, table([kind, *STATUSES, "contested", "requests"], rows, empty="None."),
                                depth=0, viewpoint=data.viewpoint)
    files["reliability.html"] = reliability_page(data)
    files["selectivity.html"] = selectivity_page(data)
    return files


def reliability_page(data) -> bytes:
    rows = [[esc(r.level), esc(r.name), esc(r.obligation), esc(r.triggered), esc(r.honoured), esc(f"{r.share:.0%}"),
             _days(r.median_days)] for r in data.reliability]
    body = ("<p>For each triggered request, the obliged allies are the alliance's members on that date other than "
            "the requester and the attackers. Per alliance and per ally: requests triggered, honoured (directly or "
            "through the alliance), the share honoured and the median days to the first fulfilling response, one "
            "row per obligation type of the invoked clause: defence, consultation and guarantee are never pooled.</p>\n"
            + table(["level", "name", "obligation", "triggered", "honoured", "share honoured", "median days to help"], rows,
                    empty="No request triggered an obligation."))
    return page("Reliability per alliance and per ally", body, depth=0, viewpoint=data.viewpoint)


def _days(median) -> str:
    """A median of days: whole when it is (the median of an even count may end in .5)."""
    if median is None:
        return ""
    return esc(int(median) if float(median).is_integer() else median)


def selectivity_page(data) -> bytes:
    rows = []
    for c in data.selectivity:
        request = (link(data.href("request", c.request, 0), c.request_date) if ("request", c.request) in data.slugs
                   else esc(c.request_date))
        rows.append([esc(c.guarantor), esc(c.case), request, esc(c.requester), esc(c.support or "none")])
    body = ("<p>Help given without a treaty trigger beside triggered obligations left unmet, per guarantor.</p>\n"
            + table(["guarantor", "case", "date", "requester", "support delivered"], rows, empty="No such case."))
    return page("Selectivity", body, depth=0, viewpoint=data.viewpoint)

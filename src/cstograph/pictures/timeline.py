"""The timeline: events, requests and responses over time, one lane per alliance.

Each request is a row. The left panel places it in calendar time with the events it concerns;
the right panel shows the wait: days from the request to each response, on a log scale so that
a same-day answer, a week and a year are all visible. A request nobody answered gets a red
dashed line to the panel's edge, marked "no response". A contested request (an account gives
it another status) has a second outline on its diamonds and each account's verdict under it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import networkx as nx

from cstograph.errors import ViewError
from cstograph.pictures.graph_model import REDUCTION_RULE, account_verdicts, telling_order
from cstograph.pictures.style import (
    CONTESTED_MARK,
    CONTESTED_WORD,
    HELP_FILL,
    KIND_FILL,
    NO_HELP_FILL,
    STATUS_FILL,
    STATUS_WORDS,
    natural_key,
    short_date,
    wrap,
)

TIMELINE_FORMATS = ("svg", "png", "pdf", "html")
TIMELINE_MAX_REQUESTS = 60
_STATUS_RANK = {"unmet": 0, "met": 1, "not-triggered": 2}
WAIT_TICKS = (0, 1, 7, 30, 90, 365)
ROW_H, ACCOUNT_LINE_H, LABEL_LANE_H = 40.0, 13.0, 12.0
LABEL_SIZE = 10.0
NOT_UNMET_DASH = "#999999"  # the dashed "no helpful response" of a request that is not unmet
CHAR_W = 0.6  # DejaVu Sans: a generous average advance, in em, for laying labels out


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_W


@dataclass(frozen=True)
class PlacedLabel:
    x: float  # centre
    lane: int  # 0: just above the line; 1, 2, ...: below it, one under the other
    text: str


def place_answer_labels(row: Row, x_of, left: float, right: float) -> list[PlacedLabel]:
    """Each answer's label ("consultations +6d") in the first lane where it overlaps no other
    label, kept between ``left`` and ``right``: labels never collide, the row grows instead."""
    lanes: dict[int, list[tuple[float, float]]] = {}
    placed = []
    order = [1, 0] + list(range(2, 12))  # below first (the line's "no response" word sits above)
    for answer in row.answers:
        text = f"{wrap(answer.type, 22, 1)[0]} +{answer.days}d"
        half = text_width(text, LABEL_SIZE) / 2 + 3
        x = min(max(x_of(answer.days), left + half), right - half)
        for lane in order:
            if all(x + half <= a or x - half >= b for a, b in lanes.get(lane, [])):
                lanes.setdefault(lane, []).append((x - half, x + half))
                placed.append(PlacedLabel(x, lane, text))
                break
    return placed


def label_lanes(labels: list[PlacedLabel]) -> int:
    """How many lanes below the line the labels use (at least one)."""
    return max([1] + [label.lane for label in labels])


@dataclass(frozen=True)
class Answer:
    label: str
    type: str
    responder: str
    date: dt.date
    days: int
    helps: bool


@dataclass(frozen=True)
class Row:
    node: str
    title: str
    status: str
    date: dt.date | None
    events: tuple[tuple[dt.date, dt.date | None, str], ...]
    answers: tuple[Answer, ...]
    reason: str = ""
    contested: tuple[tuple[str, str], ...] = ()  # (account, its status), when accounts disagree

    def account_lines(self) -> list[str]:
        """The accounts whose verdict differs, then how many agree (as the figures print them)."""
        differ = [f"{account}: {status}" for account, status in self.contested if status != self.status]
        agree = len(self.contested) - len(differ)
        if agree:
            differ.append(f"{agree} other account{'s' if agree > 1 else ''}: {self.status}")
        return [line for said in differ for line in wrap(said, 50, 2)]

    def height(self, label_lanes: int = 1) -> float:
        """Room for the row, its answer labels' extra lanes below the line, and its account lines."""
        return ROW_H + LABEL_LANE_H * max(0, label_lanes - 1) + ACCOUNT_LINE_H * len(self.account_lines())


@dataclass
class Lane:
    alliance: str
    rows: list[Row] = field(default_factory=list)
    other_events: list[tuple[dt.date, dt.date | None, str]] = field(default_factory=list)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _name(graph, node) -> str:
    return graph.nodes[node].get("shortLabel") or graph.nodes[node]["label"]


def limit_requests(lanes: list[Lane], max_requests: int, graph: nx.MultiDiGraph) -> tuple[list[Lane], str]:
    """At most ``max_requests`` rows, kept in the figures' order (``telling_order``), and the note saying so."""
    rows = [row for lane in lanes for row in lane.rows]
    if not max_requests or len(rows) <= max_requests:
        return lanes, ""
    keep = set(telling_order(graph)[:max_requests])
    kept = [Lane(lane.alliance, [r for r in lane.rows if r.node in keep], []) for lane in lanes]
    note = (f"showing a reduced timeline: {max_requests} of {len(rows):,} requests ({REDUCTION_RULE}); "
            "use --focus IRI|LABEL for one case, or --max-requests N to show more")
    return [lane for lane in kept if lane.rows], note


def timeline_lanes(graph: nx.MultiDiGraph) -> list[Lane]:
    """Requests grouped by alliance (lanes sorted by name), each with its events and answers."""
    nodes = graph.nodes
    lanes: dict[str, Lane] = {}
    concerned: set[str] = set()

    def lane_of(node) -> Lane:
        alliances = sorted((a for a in nodes[node]["alliances"].split(";") if a in graph), key=lambda a: _name(graph, a))
        name = _name(graph, alliances[0]) if alliances else "no alliance"
        return lanes.setdefault(name, Lane(name))

    for node, data in graph.nodes(data=True):
        if data["kind"] != "request":
            continue
        out = {}
        for _, target, edge in graph.out_edges(node, data=True):
            out.setdefault(edge["relation"], []).append(target)
        events = []
        for event in out.get("concerns", []):
            concerned.add(event)
            start = _date(nodes[event]["start"])
            if start:
                events.append((start, _date(nodes[event]["end"]), nodes[event]["label"]))
        asked = _date(data["date"])
        answers = []
        for response, _, edge in graph.in_edges(node, data=True):
            if edge["relation"] != "respondsTo":
                continue
            when = _date(nodes[response]["date"])
            if when is None or asked is None:
                continue
            responder = next((_name(graph, t) for _, t, e in graph.out_edges(response, data=True)
                              if e["relation"] == "responder"), "")
            answers.append(Answer(nodes[response]["label"], nodes[response]["detail"] or nodes[response]["label"],
                                  responder, when, (when - asked).days, bool(nodes[response]["deliversHelp"])))
        who = ", ".join(_name(graph, s) for s in out.get("requester", [])) or "?"
        whom = ", ".join(_name(graph, s) for s in out.get("addressee", [])) or "?"
        article = ", ".join(nodes[o]["detail"].split(",")[0] for o in out.get("invokes", []) if nodes[o]["detail"])
        title = f"{who} → {whom}" + (f" ({article})" if article else "")
        lane_of(node).rows.append(Row(node, title, data["status"], asked, tuple(sorted(events)),
                                      tuple(sorted(answers, key=lambda a: (a.date, a.label))), data["reason"],
                                      tuple(account_verdicts(data))))
    for node, data in graph.nodes(data=True):
        if data["kind"] == "event" and node not in concerned and _date(data["start"]):
            lane_of(node).other_events.append((_date(data["start"]), _date(data["end"]), data["label"]))
    for lane in lanes.values():
        lane.rows.sort(key=lambda r: (r.date or dt.date.max, r.title))
        lane.other_events.sort()
    return [lanes[name] for name in sorted(lanes, key=lambda n: (n == "no alliance", natural_key(n)))]


def _wait_x(days: float, x0: float, width: float, max_days: float) -> float:
    return x0 + width * math.log1p(max(days, 0)) / math.log1p(max_days)


# A page of the timeline (px; 1 px = 0.75 pt): 630 px wide, so placed at an A4 text width (453 pt)
# its smallest text (10 px) is 7.2 pt, and at most as tall as an A4 text block (680 pt) there.
WIDTH = 630.0
CAL_X, CAL_W, WAIT_X, WAIT_W = 212.0, 170.0, 410.0, 195.0
TITLE_CHARS = 30  # a request's title: two lines of this many characters, left of the calendar
LANE_H = 24.0
PAGE_H = 680.0 * WIDTH / 453.0  # px: 680 pt at A4 text width
SMALL = 10  # the smallest text, px


@dataclass(frozen=True)
class Scale:
    """The calendar and the wait axis, shared by every page so that pages line up."""
    start: dt.date
    end: dt.date
    max_days: float

    def cx(self, day: dt.date) -> float:
        return CAL_X + CAL_W * (day - self.start).days / max((self.end - self.start).days, 1)

    def wx(self, days: float) -> float:
        return _wait_x(days, WAIT_X, WAIT_W, self.max_days)


def _scale(lanes: list[Lane]) -> Scale:
    rows = [r for lane in lanes for r in lane.rows]
    if not rows and not any(lane.other_events for lane in lanes):
        raise ViewError("nothing to put on a timeline: the data has no dated requests or events")
    dates = [d for r in rows for d in ([r.date] if r.date else []) + [e[0] for e in r.events] + [e[1] for e in r.events if e[1]]
             + [a.date for a in r.answers]]
    dates += [d for lane in lanes for e in lane.other_events for d in (e[0], e[1]) if d]
    first, last = min(dates), max(dates)
    return Scale(dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1),
                 max([365] + [a.days for r in rows for a in r.answers]))


def _row_block(row: Row, scale: Scale) -> tuple[float, list[PlacedLabel], list[str]]:
    labels = place_answer_labels(row, scale.wx, WAIT_X - 20, WIDTH - 4)
    titles = wrap(row.title, TITLE_CHARS, 2)
    main = max(ROW_H + 13 * (len(titles) - 1), ROW_H + LABEL_LANE_H * (label_lanes(labels) - 1))
    return main + ACCOUNT_LINE_H * len(row.account_lines()), labels, titles


def _blocks(lanes: list[Lane], scale: Scale) -> list[tuple[str, Lane, object, float]]:
    """The timeline's pieces in order: ("lane", lane, None, height), ("row", lane, (index, row,
    labels, titles), height), ("other", lane, None, height)."""
    blocks = []
    for lane in lanes:
        blocks.append(("lane", lane, None, LANE_H))
        for index, row in enumerate(lane.rows):
            height, labels, titles = _row_block(row, scale)
            blocks.append(("row", lane, (index, row, labels, titles), height))
        if lane.other_events:
            blocks.append(("other", lane, None, ROW_H))
    return blocks


def _header(title: str, note: str) -> tuple[list[str], float]:
    out, y = [], 8.0
    for line in (line for part in title.split("\n") for line in wrap(part, 58, 3)):
        y += 18
        out.append(f'<text x="6" y="{y:.0f}" font-size="15" font-weight="bold">{escape(line)}</text>')
    for line in wrap(note, 100, 4) if note else []:
        y += 13
        out.append(f'<text x="6" y="{y:.0f}" font-size="{SMALL}" fill="#8a4b00">{escape(line)}</text>')
    y += 18
    out.append(f'<text x="{CAL_X}" y="{y:.0f}" font-size="11" font-weight="bold">When (calendar)</text>'
               f'<text x="{WAIT_X}" y="{y:.0f}" font-size="11" font-weight="bold">Wait for a response</text>')
    y += 13
    out.append(f'<text x="{WAIT_X}" y="{y:.0f}" font-size="{SMALL}">(days, log scale)</text>')
    return out, y + 30  # room for the axis labels


def _legend_items(contested: bool) -> list[tuple[str, str, str]]:
    items = [("diamond", STATUS_FILL["unmet"], "request: UNMET"), ("diamond", STATUS_FILL["met"], "request: MET"),
             ("diamond", STATUS_FILL["not-triggered"], "request: NOT TRIGGERED"),
             ("circle", HELP_FILL, "response delivering help"), ("circle", NO_HELP_FILL, "response without help"),
             ("bar", KIND_FILL["event"], "event the request concerns"),
             ("line", "#777", "wait until the last response"),
             ("dash", STATUS_FILL["unmet"], "no helpful response (unmet)"),
             ("dash", NOT_UNMET_DASH, "no helpful response (not unmet)"),
             ("other", KIND_FILL["event"], "other events: concerned by no request")]
    if contested:
        items.append(("contested", "#ffffff", "CONTESTED: accounts differ (each one's verdict under the row)"))
    return items


LEGEND_CHARS = 44


def _legend_height(contested: bool) -> float:
    items = _legend_items(contested)
    heights = [max(len(wrap(t, LEGEND_CHARS, 3)) for _, _, t in items[i:i + 2]) * 12 + 8 for i in range(0, len(items), 2)]
    return 24 + sum(heights)


def _page_svg(title: str, note: str, blocks, scale: Scale, contested: bool, continued: bool) -> str:
    header, top = _header(title, note)
    y = top
    body: list[str] = []
    for index, (kind, lane, data, height) in enumerate(blocks):
        if kind == "lane" or (index == 0 and continued):
            name = lane.alliance + (" (continued)" if kind != "lane" else "")
            body.append(f'<rect x="0" y="{y:.0f}" width="{WIDTH:.0f}" height="{LANE_H:.0f}" fill="{KIND_FILL["alliance"]}"/>'
                        f'<text x="6" y="{y + 17:.0f}" font-size="13" font-weight="bold">{escape(name)}</text>')
            y += LANE_H
            if kind == "lane":
                continue
        if kind == "row":
            number, row, labels, titles = data
            body.append(_row_svg(row, y, number, scale, labels, titles, height))
        else:
            body.append(f'<text x="6" y="{y + 24:.0f}" font-size="11" fill="#555">other events</text>')
            for start_day, end_day, label in lane.other_events:
                body.append(_event_svg(start_day, end_day, label, y + ROW_H / 2, scale.cx))
        y += height
    height = y + 12 + _legend_height(contested)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {WIDTH:.0f} {height:.0f}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">',
           '<rect width="100%" height="100%" fill="#ffffff"/>'] + header
    # calendar axis: a grid line and a label every `step` years, the labels at least 30 px apart
    per_year = CAL_W / max(scale.end.year - scale.start.year, 1)
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100) if s * per_year >= 30), 100)
    for year in range(scale.start.year, scale.end.year + 1):
        if year % step and year != scale.start.year:
            continue
        if year != scale.start.year and year - scale.start.year < step and (year - scale.start.year) * per_year < 30:
            continue  # too near the first label
        x = scale.cx(dt.date(year, 1, 1))
        out.append(f'<line x1="{x:.1f}" y1="{top - 12}" x2="{x:.1f}" y2="{y:.0f}" stroke="#dddddd"/>')
        if year < scale.end.year:
            out.append(f'<text x="{x + 2:.1f}" y="{top - 16}" font-size="{SMALL}" fill="#555">{year}</text>')
    for days in WAIT_TICKS:
        if days <= scale.max_days:
            x = scale.wx(days)
            out.append(f'<line x1="{x:.1f}" y1="{top - 12}" x2="{x:.1f}" y2="{y:.0f}" stroke="#dddddd"/>'
                       f'<text x="{x:.1f}" y="{top - 16}" font-size="{SMALL}" fill="#555" text-anchor="middle">{days}</text>')
    out.extend(body)
    out.append(_legend_svg(6, y + 12, contested))
    out.append("</svg>")
    return "\n".join(out)


def timeline_svg(graph: nx.MultiDiGraph, title: str = "Requests, responses and the wait between them",
                 lanes: list[Lane] | None = None, note: str = "") -> str:
    """The whole timeline as one SVG (however tall)."""
    lanes = timeline_lanes(graph) if lanes is None else lanes
    scale = _scale(lanes)
    contested = any(row.contested for lane in lanes for row in lane.rows)
    return _page_svg(title, note, _blocks(lanes, scale), scale, contested, False)


def timeline_pages(graph: nx.MultiDiGraph, title: str, lanes: list[Lane], note: str = "") -> list[str]:
    """The timeline split into pages no taller than an A4 text block at A4 text width (``PAGE_H``),
    at a lane or a row (a lane split across pages repeats its name, "continued"); one page when
    it fits. Every page has the same axes, the title (with its page number) and the legend."""
    # deferred to the first call: keeps cstograph.pictures.pages out of importing cstograph.pictures.timeline
    from cstograph.pictures.pages import page_title

    scale = _scale(lanes)
    contested = any(row.contested for lane in lanes for row in lane.rows)
    blocks = _blocks(lanes, scale)
    room = PAGE_H - _header(page_title(title, 99, 99), note)[1] - 12 - _legend_height(contested) - LANE_H
    pages: list[list] = [[]]
    used = 0.0
    for block in blocks:
        height = block[3]
        # a lane's name never ends a page
        need = height + (blocks[blocks.index(block) + 1][3] if block[0] == "lane" and block is not blocks[-1] else 0)
        if pages[-1] and used + need > room:
            pages.append([])
            used = 0.0
        pages[-1].append(block)
        used += height
    if len(pages) == 1:
        return [_page_svg(title, note, blocks, scale, contested, False)]
    return [_page_svg(page_title(title, number, len(pages)), note, page, scale, contested, page[0][0] != "lane")
            for number, page in enumerate(pages, 1)]


def _event_svg(start: dt.date, end: dt.date | None, label: str, y: float, cx) -> str:
    x1 = cx(start)
    x2 = max(cx(end) if end else x1, x1 + 4)
    return (f'<g><title>{escape(label)}: {start.isoformat()}{" – " + end.isoformat() if end else ""}</title>'
            f'<rect x="{x1:.1f}" y="{y - 5:.1f}" width="{x2 - x1:.1f}" height="10" rx="2" fill="{KIND_FILL["event"]}" '
            f'stroke="#c98a5a"/></g>')


def _row_svg(row: Row, y: float, index: int, scale: Scale, labels: list[PlacedLabel], titles: list[str],
             height: float) -> str:
    mid = y + ROW_H / 2
    parts = []
    if index % 2:
        parts.append(f'<rect x="0" y="{y:.0f}" width="{WIDTH:.0f}" height="{height:.0f}" fill="#f7f7f7"/>')
    colour = STATUS_FILL.get(row.status, STATUS_FILL[""])
    words = STATUS_WORDS.get(row.status, "")
    said = "; ".join(f"{account}: {status}" for account, status in row.contested)
    mark = f' · <tspan fill="{CONTESTED_MARK}">{CONTESTED_WORD}</tspan>' if row.contested else ""
    parts.append(f'<g><title>{escape(row.reason + (" Contested: " + said if said else ""))}</title>')
    for i, line in enumerate(titles):
        parts.append(f'<text x="6" y="{y + 15 + 13 * i:.1f}" font-size="11">{escape(line)}</text>')
    parts.append(f'<text x="6" y="{y + 15 + 13 * len(titles):.1f}" font-size="{SMALL}" font-weight="bold" '
                 f'fill="{colour if row.status != "not-triggered" else "#8a6200"}">'
                 f'{escape(words)}{" · " + short_date(row.date.isoformat()) if row.date else ""}{mark}</text>')
    main = height - ACCOUNT_LINE_H * len(row.account_lines())
    for i, line in enumerate(row.account_lines()):
        parts.append(f'<text x="16" y="{y + main + 6 + i * ACCOUNT_LINE_H:.1f}" font-size="{SMALL}" fill="{CONTESTED_MARK}">'
                     f'{escape(line)}</text>')
    parts.append("</g>")
    for start, end, label in row.events:
        parts.append(_event_svg(start, end, label, mid, scale.cx))
    if row.date:
        for answer in row.answers:
            ax = scale.cx(answer.date)
            parts.append(f'<circle cx="{ax:.1f}" cy="{mid:.1f}" r="4" fill="{HELP_FILL if answer.helps else NO_HELP_FILL}" '
                         f'stroke="#555"><title>{escape(answer.label)} ({answer.date.isoformat()})</title></circle>')
        # the request on top: its status colour must stay visible when answers come within days
        parts.append(_diamond(scale.cx(row.date), mid, colour, f"{row.title}: asked {row.date.isoformat()} ({words})",
                              bool(row.contested)))
    # the wait panel
    x0 = scale.wx(0)
    right = WAIT_X + WAIT_W
    # red marks an unmet request only (the legend's "no helpful response (unmet)")
    dash_colour = STATUS_FILL["unmet"] if row.status == "unmet" else NOT_UNMET_DASH
    # the request sits just left of day 0, so that same-day answers stay visible
    parts.append(_diamond(x0 - 14, mid, colour, f"asked {row.date.isoformat() if row.date else '?'}", bool(row.contested)))
    if not row.answers:
        parts.append(f'<line x1="{x0 + 7:.1f}" y1="{mid:.1f}" x2="{right:.1f}" y2="{mid:.1f}" stroke="{dash_colour}" '
                     f'stroke-width="2" stroke-dasharray="6,4"/>'
                     f'<text x="{x0 + 14:.1f}" y="{mid - 6:.1f}" font-size="{SMALL}" '
                     f'fill="{STATUS_FILL["unmet"] if row.status == "unmet" else "#555555"}" font-weight="bold">no response</text>')
    else:
        last = max(a.days for a in row.answers)
        parts.append(f'<line x1="{x0:.1f}" y1="{mid:.1f}" x2="{scale.wx(last):.1f}" y2="{mid:.1f}" '
                     f'stroke="#777" stroke-width="2"/>')
        if not any(a.helps for a in row.answers):
            parts.append(f'<line x1="{scale.wx(last) + 6:.1f}" y1="{mid:.1f}" x2="{right:.1f}" '
                         f'y2="{mid:.1f}" stroke="{dash_colour}" stroke-width="2" stroke-dasharray="6,4"/>')
        for answer in row.answers:
            ax = scale.wx(answer.days)
            fill = HELP_FILL if answer.helps else NO_HELP_FILL
            dash = "" if answer.helps else ' stroke-dasharray="2,2"'
            parts.append(f'<g><title>{escape(answer.label)}: {escape(answer.type)}, {escape(answer.responder)}, '
                         f'{answer.date.isoformat()}, after {answer.days} day(s)</title>'
                         f'<circle cx="{ax:.1f}" cy="{mid:.1f}" r="6" fill="{fill}" stroke="#333" '
                         f'stroke-width="{2 if answer.helps else 1}"{dash}/></g>')
        for label in labels:
            label_y = mid - 9 if label.lane == 0 else mid + 16 + (label.lane - 1) * LABEL_LANE_H
            parts.append(f'<text x="{label.x:.1f}" y="{label_y:.1f}" font-size="{LABEL_SIZE:.0f}" fill="#333" '
                         f'text-anchor="middle">{escape(label.text)}</text>')
    return "".join(parts)


def _diamond(x: float, y: float, colour: str, tip: str, contested: bool = False) -> str:
    ring = (f'<path d="M{x:.1f},{y - 11:.1f} L{x + 11:.1f},{y:.1f} L{x:.1f},{y + 11:.1f} L{x - 11:.1f},{y:.1f} Z" '
            f'fill="none" stroke="{CONTESTED_MARK}" stroke-width="2"/>' if contested else "")
    return (f'<g><title>{escape(tip)}</title>{ring}<path d="M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} '
            f'L{x - 7:.1f},{y:.1f} Z" fill="{colour}" stroke="#222" stroke-width="1.5"/></g>')


def _legend_svg(x: float, y: float, contested: bool = False) -> str:
    items = _legend_items(contested)
    parts = [f'<text x="{x}" y="{y + 10}" font-size="11" font-weight="bold">Legend</text>']
    iy = y + 30
    for i in range(0, len(items), 2):
        pair = items[i:i + 2]
        for column, (shape, colour, text) in enumerate(pair):
            ix = x + column * 310
            if shape in ("diamond", "contested"):
                parts.append(_diamond(ix + 7, iy, colour, text, shape == "contested"))
            elif shape == "circle":
                parts.append(f'<circle cx="{ix + 7}" cy="{iy}" r="6" fill="{colour}" stroke="#333"/>')
            elif shape == "bar":
                parts.append(f'<rect x="{ix}" y="{iy - 5}" width="16" height="10" fill="{colour}" stroke="#c98a5a"/>')
            elif shape == "other":  # the mark of the "other events" row: a bar after the row's name
                parts.append(f'<rect x="{ix}" y="{iy - 5}" width="16" height="10" rx="2" fill="{colour}" stroke="#c98a5a"/>')
            elif shape == "line":
                parts.append(f'<line x1="{ix}" y1="{iy}" x2="{ix + 18}" y2="{iy}" stroke="{colour}" stroke-width="2"/>')
            else:
                parts.append(f'<line x1="{ix}" y1="{iy}" x2="{ix + 18}" y2="{iy}" stroke="{colour}" stroke-width="2" '
                             'stroke-dasharray="6,4"/>')
            for k, line in enumerate(wrap(text, LEGEND_CHARS, 3)):
                parts.append(f'<text x="{ix + 22}" y="{iy + 4 + 12 * k}" font-size="{SMALL}">{escape(line)}</text>')
        iy += max(len(wrap(t, LEGEND_CHARS, 3)) for _, _, t in pair) * 12 + 8
    return "".join(parts)


def timeline_html(svg: str, title: str, lanes: list[Lane]) -> str:
    rows = []
    for lane in lanes:
        for row in lane.rows:
            answers = "; ".join(f"{a.type} ({a.responder}, {a.date.isoformat()}, +{a.days} d)" for a in row.answers) or "no response"
            rows.append(f"<tr><td>{escape(lane.alliance)}</td><td>{escape(row.title)}</td>"
                        f"<td>{row.date.isoformat() if row.date else ''}</td>"
                        f'<td class="s-{escape(row.status)}">{escape(STATUS_WORDS.get(row.status, ""))}{_contested_cell(row)}</td>'
                        f"<td>{escape(answers)}</td><td>{escape(row.reason)}</td></tr>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(title)}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 16px; color: #1a1a1a; }}
svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; margin-top: 16px; font-size: 13px; }}
td, th {{ border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; text-align: left; }}
.s-unmet {{ color: {STATUS_FILL["unmet"]}; font-weight: bold; }} .s-met {{ color: {STATUS_FILL["met"]}; font-weight: bold; }}
.s-not-triggered {{ color: #8a6200; font-weight: bold; }}
.contested {{ color: {CONTESTED_MARK}; font-weight: normal; }}
</style></head><body>
<p>Hover over a mark for its label and date.</p>
{svg}
<table><tr><th>alliance</th><th>request</th><th>date</th><th>status</th><th>responses (wait)</th><th>why</th></tr>
{''.join(rows)}
</table></body></html>
"""


def _contested_cell(row: Row) -> str:
    if not row.contested:
        return ""
    accounts = "".join(f"<br>{escape(account)}: {escape(status)}" for account, status in row.contested)
    return f'<div class="contested">{CONTESTED_WORD}{accounts}</div>'


@dataclass(frozen=True)
class TimelineFigure:
    data: bytes  # the file (empty when the timeline is split into page files)
    pages: tuple[bytes, ...] = ()  # one file per page (svg, png)
    notes: tuple[str, ...] = ()


def render_timeline(graph: nx.MultiDiGraph, fmt: str, title: str | None = None,
                    max_requests: int = TIMELINE_MAX_REQUESTS, split: bool = True) -> TimelineFigure:
    """The timeline in ``fmt``. With ``split`` a figure (svg, png, pdf) taller than an A4 text block
    at A4 text width comes as pages: one PDF of them, or one SVG or PNG file each."""
    if fmt not in TIMELINE_FORMATS:
        raise ViewError(f"unknown timeline format {fmt!r}", hint="name the file .svg, .png, .pdf or .html")
    heading = title or "Requests, responses and the wait between them"
    lanes, note = limit_requests(timeline_lanes(graph), max_requests, graph)
    notes = (note,) if note else ()
    if fmt == "html":
        return TimelineFigure(timeline_html(timeline_svg(graph, heading, lanes, note), heading, lanes).encode("utf-8"),
                              notes=notes)
    # deferred to the first call: keeps cstograph.pictures.printing, cstograph.pictures.static
    # out of importing cstograph.pictures.timeline
    from cstograph.pictures.printing import svgs_to_pdf
    from cstograph.pictures.static import for_print

    svgs = [svg.encode("utf-8") for svg in
            (timeline_pages(graph, heading, lanes, note) if split else [timeline_svg(graph, heading, lanes, note)])]
    if len(svgs) == 1:
        return TimelineFigure(for_print(svgs[0], fmt), notes=notes)
    if fmt == "pdf":
        return TimelineFigure(svgs_to_pdf(svgs), notes=notes + (
            f"the timeline is taller than an A4 page at A4 text width: wrote it as {len(svgs)} pages "
            "(--no-split keeps one tall figure)",))
    return TimelineFigure(b"", tuple(for_print(svg, fmt) for svg in svgs), notes + (
        f"the timeline is taller than an A4 page at A4 text width: split into {len(svgs)} figures, "
        "one per page (--no-split keeps one tall figure)",))

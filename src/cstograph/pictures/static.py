"""Static figures (SVG, PNG, PDF) of a graph view, for a page of a paper.

Drawn at their natural size, never shrunk to fit: the compact story figure stays narrow
enough that placed at an A4 text width (453 pt) its text is at least 7 pt. Graphviz's ``dot``
(the system's, or its WebAssembly build) lays the figure out and draws it as SVG, under a title,
note and legend drawn here; where neither can run, a pure-Python SVG is drawn on the column
layout. PNG and PDF are converted from the SVG (``printing``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

import networkx as nx

from cstograph.base.neutral import xml_safe_graph, xml_text
from cstograph.errors import ViewError
from cstograph.pictures.graph_model import dissenting_lines
from cstograph.pictures.layout import column_positions, dot_quote, graphviz_available, graphviz_name, run_graphviz
from cstograph.pictures.style import (
    CONTESTED_MARK,
    DRAWN_BACKWARDS,
    FOCUS_RING,
    HELP_FILL,
    KIND_FILL,
    KIND_NAMES,
    KIND_SHAPE_DOT,
    NAMED_IN_BOXES,
    NO_HELP_FILL,
    ROUNDED_KINDS,
    STATUS_FILL,
    STATUS_TEXT,
    caption_lines,
    short_date,
    wrap,
)

STATIC_FORMATS = ("svg", "png", "pdf")
STATIC_MAX_NODES = 120


@dataclass(frozen=True)
class Figure:
    data: bytes
    method: str  # "graphviz dot" or "pure-Python fallback"
    note: str = ""


def _fill(data: dict) -> tuple[str, str]:
    kind = data["kind"]
    if kind == "request":
        return STATUS_FILL.get(data["status"], STATUS_FILL[""]), STATUS_TEXT.get(data["status"], "#1a1a1a")
    if kind == "response":
        return (HELP_FILL if data.get("deliversHelp") else NO_HELP_FILL), "#1a1a1a"
    return KIND_FILL.get(kind, "#ffffff"), "#1a1a1a"


CONTESTED_LEGEND = "contested request (double border): an account gives another status; the box names each account's verdict"
# Figures are drawn at their natural size (no Graphviz "size", which shrinks the whole drawing):
# the compact story figure is at most about 560 pt wide, so placed at an A4 text width of
# 453 pt its smallest text (FONT_SMALL) stays above 7 pt. It grows in height, not width.
FONT, FONT_SMALL, FONT_TITLE = 11, 10, 14
WRAP = 22  # characters per line in a box
TITLE_WRAP = 56  # characters per title line: about as wide as the legend's 84-character lines


def _legend_entries(graph: nx.MultiDiGraph, compact: bool) -> list[tuple[str, str, str]]:
    """(fill, text, border: "solid", "dashed", "double" or "focus") of each legend entry this figure needs."""
    present = {d["kind"] for _, d in graph.nodes(data=True)}
    statuses = {d["status"] for _, d in graph.nodes(data=True) if d["kind"] == "request"}
    entries = []
    for status, text in (("unmet", "request UNMET: triggered, not fulfilled"),
                         ("met", "request MET: triggered and fulfilled"),
                         ("not-triggered", "request NOT TRIGGERED")):
        if status in statuses or ("request" in present and not statuses):
            entries.append((STATUS_FILL[status], text, "solid"))
    if "response" in present:
        entries.append((HELP_FILL, "response delivering the help asked for", "solid"))
        entries.append((NO_HELP_FILL, "response delivering no help (dashed)", "dashed"))
    hidden = COMPACT_HIDDEN_KINDS if compact else set()
    for kind in ("event", "state", "alliance", "obligation", "treaty", "membership", "source", "other"):
        if kind in present and kind not in hidden:
            entries.append((KIND_FILL[kind], KIND_NAMES[kind], "solid"))
    if graph.graph.get("focus") in graph:
        entries.append(("#ffffff", "the node this figure is drawn around (thick outline)", "focus"))
    if any(d["contested"] for _, d in graph.nodes(data=True)):
        entries.append(("#ffffff", CONTESTED_LEGEND, "double"))
    return entries


# DejaVu Sans: the widest run of ordinary text is about 0.6 em a character
CHAR_EM = 0.6
LEGEND_MIN_WIDTH = 480.0  # pt: as wide as the 84-character lines the legend used to wrap to
PAD = 7.2


def _legend_svg(graph: nx.MultiDiGraph, compact: bool, title: str, note: str, width: float) -> tuple[str, float, float]:
    """The title, the note and the legend drawn in SVG (pt) above the figure: (markup, width, height).

    Graphviz's HTML-like labels are not used: the WebAssembly build of Graphviz has no HTML
    parser, and one drawing for both keeps the figure the same with and without system Graphviz."""
    width = max(width, LEGEND_MIN_WIDTH)
    inner = width - 2 * PAD
    out: list[str] = []
    y = PAD

    def text_line(line: str, size: float, x: float = PAD, bold: bool = False) -> None:
        nonlocal y
        y += size * 1.2
        weight = ' font-weight="bold"' if bold else ""
        out.append(f'<text x="{x:.1f}" y="{y - size * 0.25:.1f}" font-size="{size:g}"{weight}>{escape(line)}</text>')

    def chars(size: float, room: float) -> int:
        return max(10, int(room / (size * CHAR_EM)))

    for part in title.split("\n") if title else []:
        for line in wrap(part, chars(FONT_TITLE, inner), 4):
            text_line(line, FONT_TITLE, bold=True)
    for line in wrap(note, chars(FONT_SMALL, inner), 6) if note else []:
        text_line(line, FONT_SMALL)
    text_line("Legend", FONT_SMALL, bold=True)
    entries = _legend_entries(graph, compact)
    columns = 2 if inner >= 2 * 215 else 1
    column_width = inner / columns
    text_chars = chars(FONT_SMALL, column_width - 28)
    row_top = y
    rows = []
    for i in range(0, len(entries), columns):
        rows.append(entries[i:i + columns])
    for row in rows:
        height = 0.0
        for column, (fill, text, border) in enumerate(row):
            x = PAD + column * column_width
            lines = wrap(text, text_chars, 4)
            top = row_top + 3
            dash = ' stroke-dasharray="3,2"' if border == "dashed" else ""
            if border == "double":
                out.append(f'<rect x="{x:.1f}" y="{top - 2:.1f}" width="20" height="14" fill="none" stroke="{CONTESTED_MARK}"/>')
                out.append(f'<rect x="{x + 2:.1f}" y="{top:.1f}" width="16" height="10" fill="{fill}" stroke="{CONTESTED_MARK}"/>')
            elif border == "focus":
                out.append(f'<rect x="{x + 1:.1f}" y="{top:.1f}" width="18" height="10" fill="{fill}" '
                           f'stroke="{FOCUS_RING}" stroke-width="3"/>')
            else:
                out.append(f'<rect x="{x + 2:.1f}" y="{top:.1f}" width="16" height="10" fill="{fill}" stroke="#000000"{dash}/>')
            for k, line in enumerate(lines):
                out.append(f'<text x="{x + 26:.1f}" y="{top + 8.5 + k * FONT_SMALL * 1.2:.1f}" '
                           f'font-size="{FONT_SMALL:g}">{escape(line)}</text>')
            height = max(height, 4 + len(lines) * FONT_SMALL * 1.2)
        row_top += height + 2
    y = row_top
    if compact:
        for line in wrap("Arrows: a response points to the request it answers, a request to the clause it invokes and "
                         "the event it concerns; a dotted line joins an alliance to its treaty's clauses. Requesters, "
                         "addressees, responders, attackers and members are named in the boxes.",
                         chars(FONT_SMALL, inner), 5):
            text_line(line, FONT_SMALL)
    y += PAD
    markup = ('<g class="legend" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" fill="#1a1a1a">'
              + "".join(out) + "</g>")
    return markup, width, y


_GRAPHVIZ_ROOT = re.compile(r"<svg\b[^>]*>", re.DOTALL)


def compose_figure(graphviz_svg: bytes, legend: str, legend_width: float, legend_height: float) -> bytes:
    """Graphviz's drawing placed under the legend, in one SVG whose size is in points."""
    from cstograph.pictures.printing import svg_size_pt

    text = graphviz_svg.decode("utf-8")
    root = _GRAPHVIZ_ROOT.search(text)
    close = text.rfind("</svg>")
    if root is None or close < 0:
        raise ViewError("Graphviz returned no SVG")
    width, height = svg_size_pt(graphviz_svg)
    total_w, total_h = max(width, legend_width), height + legend_height
    body = re.sub(r"<!--.*?-->\n?", "", text[root.end():close], flags=re.DOTALL)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            f'<svg width="{total_w:.2f}pt" height="{total_h:.2f}pt" viewBox="0 0 {total_w:.2f} {total_h:.2f}" '
            'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            f'<rect width="100%" height="100%" fill="#ffffff"/>\n{legend}\n'
            f'<g class="drawing" transform="translate(0 {legend_height:.2f})">{body}</g>\n</svg>\n').encode()


def figure_svg(graph: nx.MultiDiGraph, title: str = "", note: str = "", compact: bool | None = None,
               rankdir: str = "LR", response_columns: int = 1) -> bytes:
    """The figure as SVG: Graphviz's drawing of ``figure_dot`` under the title, note and legend."""
    if compact is None:
        compact = graph.graph.get("view", "requests") == "requests"
    drawing = run_graphviz("dot", figure_dot(graph, compact=compact, rankdir=rankdir,
                                             response_columns=response_columns), "svg")
    from cstograph.pictures.printing import svg_size_pt

    title, note = xml_text(title), xml_text(note)  # no NUL or ESC in the XML
    legend, width, height = _legend_svg(graph, compact, title, note, svg_size_pt(drawing)[0])
    return compose_figure(drawing, legend, width, height)


# In the compact story figure the relations of NAMED_IN_BOXES (style.py) and these are not drawn
# as edges: the boxes name them (an event its attacker and territory, a clause its treaty).
COMPACT_NAMED = NAMED_IN_BOXES | {"attacker", "onTerritoryOf", "inTreaty", "foundedOn"}
COMPACT_HIDDEN_KINDS = {"state", "treaty"}


MEMBERS_NAMED = 8


def _named_elsewhere(graph: nx.MultiDiGraph, state: str) -> bool:
    """Does the figure draw the state other than as a member (a requester, responder, attacker...)?"""
    return any(d.get("relation") != "memberOf" for _, _, d in graph.out_edges(state, data=True)) or \
        any(d.get("relation") != "memberOf" for _, _, d in graph.in_edges(state, data=True))


def _members_line(graph: nx.MultiDiGraph, alliance: str) -> str:
    """The alliance's members on the date of the requests drawn with it, when they share one date
    and ``name_members`` recorded them; otherwise the member states this figure draws, said so,
    and as former members those who were not members on every request's date."""
    days = {graph.nodes[n]["date"][:10] for n, d in graph.nodes(data=True)
            if d["kind"] == "request" and d.get("date") and alliance in d.get("alliances", "").split(";")}
    known = graph.graph.get("members_on", {})
    if len(days) == 1 and (alliance, next(iter(days))) in known:
        day = next(iter(days))
        names = known[(alliance, day)]
        if len(names) > MEMBERS_NAMED:  # a long list would be cut short in the box: the count is whole
            return f"{len(names)} members on {short_date(day)}"
        return f"members on {short_date(day)}: " + (", ".join(names) if names else "none recorded")
    # "former" is said of the requests' dates, not of today: a state whose membership covered
    # every request drawn with the alliance was a member then, whenever its membership ended
    current, former = [], []
    for source, _, data in graph.in_edges(alliance, data=True):
        if data.get("relation") == "memberOf":
            if not _named_elsewhere(graph, source):  # a page of leftover boxes need not draw the state
                continue
            name = graph.nodes[source]["label"]
            start, end = (data.get("start") or "")[:10], (data.get("end") or "")[:10]
            member_then = bool(days) and all((not start or start <= day) and (not end or day < end) for day in days)
            if member_then or not end:
                current.append(name)
            else:
                former.append(f"{name} to {end[:4]}")
    text = ""
    if current:
        text += "members drawn here: " + ", ".join(sorted(set(current)))
    if former:
        text += ("; " if text else "") + "former members drawn here: " + ", ".join(sorted(set(former)))
    return text


def _related(graph: nx.MultiDiGraph, node: str, relation: str) -> list[str]:
    return [graph.nodes[t].get("shortLabel") or graph.nodes[t]["label"]
            for _, t, d in graph.out_edges(node, data=True) if d.get("relation") == relation]


def _compact_caption(graph: nx.MultiDiGraph, node: str) -> list[str]:
    data = graph.nodes[node]
    kind = data["kind"]
    if kind == "alliance":
        return wrap(data.get("shortLabel") or data["label"], WRAP, 2) + wrap(_members_line(graph, node), WRAP + 4, 8)
    if kind == "event":
        lines = caption_lines(graph, node, width=WRAP)
        attackers, places = _related(graph, node, "attacker"), _related(graph, node, "onTerritoryOf")
        if attackers:
            lines += wrap("attacker: " + ", ".join(attackers), WRAP, 2)
        if places:
            lines += wrap("territory: " + ", ".join(places), WRAP, 2)
        return lines
    return caption_lines(graph, node, width=WRAP)


def _compact_links(graph: nx.MultiDiGraph, nodes: set[str]) -> list[tuple[str, str]]:
    """(alliance, obligation) pairs: an alliance founded on the treaty that holds the clause."""
    pairs = []
    for obligation in (n for n in nodes if graph.nodes[n]["kind"] == "obligation"):
        for _, treaty, d in graph.out_edges(obligation, data=True):
            if d.get("relation") == "inTreaty":
                pairs += [(a, obligation) for a, _, e in graph.in_edges(treaty, data=True)
                          if e.get("relation") == "foundedOn" and a in nodes]
    return sorted(set(pairs))


def figure_dot(graph: nx.MultiDiGraph, compact: bool | None = None, rankdir: str = "LR",
               response_columns: int = 1) -> str:
    """The DOT text of the styled figure, at its natural size (never scaled down to a page);
    ``figure_svg`` adds the title, note and legend above it.

    ``compact`` (the default for the requests view) names requesters, addressees, responders,
    members, attackers, territories and treaties inside the boxes instead of drawing a node or
    an edge for each, and draws no edge labels (the legend says what the arrows mean), so the
    figure stays narrow enough for a page's width; the interactive page and the exports keep
    every edge. For a single case too tall for a page, ``response_columns`` sets each request's
    responses (by date) in that many columns instead of one, and ``rankdir="TB"`` lays the story
    out top to bottom.
    """
    graph = xml_safe_graph(graph)  # no NUL or ESC in the XML
    if compact is None:
        compact = graph.graph.get("view", "requests") == "requests"
    named = COMPACT_NAMED if compact else set()
    edges = [(s, t, d) for s, t, d in graph.edges(data=True) if d.get("relation") not in named]
    nodes = [n for n in graph if not (compact and graph.nodes[n]["kind"] in COMPACT_HIDDEN_KINDS)]
    ids = {node: f"n{i}" for i, node in enumerate(nodes)}
    edges = [(s, t, d) for s, t, d in edges if s in ids and t in ids]
    lines = [
        "digraph cstograph {",
        f'  graph [rankdir={rankdir}, nodesep=0.14, ranksep=0.3, newrank=true, '
        f'fontname="DejaVu Sans", fontsize={FONT_SMALL}, pad=0.1];',
        f'  node [fontname="DejaVu Sans", fontsize={FONT}, style="filled", penwidth=1, margin="0.08,0.05"];',
        f'  edge [fontname="DejaVu Sans", fontsize={FONT_SMALL}, color="#666666", fontcolor="#444444", arrowsize=0.6];',
    ]
    focus = graph.graph.get("focus")
    for node in nodes:
        data = graph.nodes[node]
        fill, text = _fill(data)
        shape = KIND_SHAPE_DOT.get(data["kind"], "ellipse")
        caption = _compact_caption(graph, node) if compact else caption_lines(graph, node)
        if not compact and data["kind"] == "alliance":
            members = _members_line(graph, node)
            if members:
                caption = caption + wrap(members, 34, 5)
        for line in dissenting_lines(data):
            caption = caption + wrap(line, 34 if compact else 48, 3)
        attrs = [f"label={dot_quote(chr(10).join(caption))}", f'shape={shape}',
                 f'fillcolor="{fill}"', f'fontcolor="{text}"', f"tooltip={dot_quote(data['iri'])}",
                 f'class="{data["kind"]}"']  # the SVG group says what the node is (for scripts and tests)
        styles = ["filled"] + (["rounded"] if data["kind"] in ROUNDED_KINDS else [])
        if data["kind"] == "request":
            attrs += ['penwidth=2.5']
            styles.append("bold")
        if data["contested"]:
            attrs += ["peripheries=2", f'color="{CONTESTED_MARK}"']
        if data["kind"] == "response" and not data.get("deliversHelp"):
            styles.append("dashed")
        if node == focus:
            attrs += ['penwidth=4', f'color="{FOCUS_RING}"']
        if data["kind"] in ("membership", "source", "other"):
            attrs += [f"fontsize={FONT_SMALL}", "width=0.1"]
        attrs.append(f'style="{",".join(styles)}"')
        lines.append(f"  {ids[node]} [{', '.join(attrs)}];")
    for source, target, data in edges:
        label = "" if compact else (data.get("label") or data.get("relation", ""))
        if not compact and data.get("relation") == "memberOf" and data.get("start"):
            label += f"\n{data['start'][:4]}–{data['end'][:4] if data.get('end') else ''}"
        a, b = ids[source], ids[target]
        extra = ""
        if compact and data.get("relation") in DRAWN_BACKWARDS:
            a, b, extra = b, a, ", dir=back"
        if data.get("relation") == "memberOf":
            extra += ', style=dotted, color="#8a7fb0"'
        lines.append(f"  {a} -> {b} [label={dot_quote(label)}{extra}];" if label else f"  {a} -> {b} [{extra.lstrip(', ')}];")
    if response_columns > 1:
        lines += _response_grid(graph, ids, response_columns)
    if compact:
        for alliance, obligation in _compact_links(graph, set(ids)):
            # the alliance sits in the clause's column: the figure gains height, not width
            lines.append(f'  {ids[alliance]} -> {ids[obligation]} [style=dotted, color="#8a7fb0", arrowhead=none];')
            lines.append(f"  {{ rank=same; {ids[alliance]}; {ids[obligation]}; }}")
    lines.append("}")
    return "\n".join(lines)


def _response_grid(graph: nx.MultiDiGraph, ids: dict[str, str], columns: int) -> list[str]:
    """Invisible edges that set each request's responses in ``columns`` columns (column by column,
    in date order): a response is placed one rank after the one ``rows`` places before it."""
    lines = []
    for request in (n for n in ids if graph.nodes[n]["kind"] == "request"):
        answers = sorted((s for s, _, d in graph.in_edges(request, data=True)
                          if d.get("relation") == "respondsTo" and s in ids),
                         key=lambda n: (graph.nodes[n]["date"], n))
        rows = -(-len(answers) // columns)
        for i in range(len(answers) - rows):
            lines.append(f"  {ids[answers[i]]} -> {ids[answers[i + rows]]} [style=invis];")
    return lines


def render_static(graph: nx.MultiDiGraph, fmt: str, *, title: str = "", note: str = "",
                  use_graphviz: bool = True) -> Figure:
    if fmt not in STATIC_FORMATS:
        raise ViewError(f"unknown figure format {fmt!r}", hint="choose one of " + ", ".join(STATIC_FORMATS))
    if use_graphviz and graphviz_available("dot"):
        return Figure(for_print(figure_svg(graph, title, note), fmt), graphviz_name("dot"))
    svg = fallback_svg(graph, title=title, note=note).encode("utf-8")
    fallback_note = ("drew the figure with the pure-Python fallback (column layout), as --layout columns asks"
                     if not use_graphviz else
                     "Graphviz is not installed: drew the figure with the pure-Python fallback (column layout)")
    if fmt == "svg":
        return Figure(svg, "pure-Python fallback", fallback_note)
    return Figure(for_print(svg, fmt), "pure-Python fallback", fallback_note)


def for_print(svg: bytes, fmt: str) -> bytes:
    """The SVG as it is, or converted to PNG or PDF (``printing``: no system package needed)."""
    from cstograph.pictures.printing import svg_to_pdf, svg_to_png

    return svg if fmt == "svg" else svg_to_png(svg) if fmt == "png" else svg_to_pdf(svg)


# ---------------------------------------------------------------- pure-Python fallback

BOX_W, BOX_H, LINE_H = 200.0, 72.0, 13.0


def fallback_svg(graph: nx.MultiDiGraph, *, title: str = "", note: str = "") -> str:
    """An SVG drawn without Graphviz: columns by kind, straight labelled edges, a legend.

    As in the Graphviz figure, the requests view names requesters, addressees, responders and
    members in the boxes instead of drawing those edges.
    """
    graph, title, note = xml_safe_graph(graph), xml_text(title), xml_text(note)  # no NUL or ESC in the XML
    full = graph
    if graph.graph.get("view", "requests") == "requests":
        keep_edges = [(s, t, k) for s, t, k, d in graph.edges(keys=True, data=True) if d.get("relation") not in NAMED_IN_BOXES]
        linked = {s for s, _, _ in keep_edges} | {t for _, t, _ in keep_edges}
        kept = set(keep_edges)
        graph = nx.MultiDiGraph(**full.graph)  # in the graph's own order, not edge_subgraph's set order
        graph.add_nodes_from((n, full.nodes[n]) for n in full if n in linked)
        graph.add_edges_from((s, t, k, d) for s, t, k, d in full.edges(keys=True, data=True) if (s, t, k) in kept)
        graph.add_nodes_from((n, full.nodes[n]) for n in full if full.nodes[n]["kind"] != "state" or n in linked)
        captions = {n: caption_lines(full, n, width=30) + (wrap(_members_line(full, n), 34, 3)
                    if full.nodes[n]["kind"] == "alliance" else []) for n in graph}
    else:
        captions = {n: caption_lines(graph, n, width=30) for n in graph}
    positions = column_positions(graph, column_gap=BOX_W + 70, row_gap=BOX_H + 26, max_rows=30)
    top = 50.0
    xs = [x for x, _ in positions.values()] or [0.0]
    ys = [y for _, y in positions.values()] or [0.0]
    width = max(xs) + BOX_W + 40 + 330
    contested = _contested_legend_lines(full)
    height = max(max(ys) + BOX_H + top + 40, 420, top + 12 + 11 * 18 + 14 * len(contested) + 20)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif">',
           '<rect width="100%" height="100%" fill="#ffffff"/>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#666"/></marker></defs>',
           f'<text x="20" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
           f'<text x="20" y="40" font-size="11" fill="#555">{escape(note or "drawn without Graphviz (pure-Python fallback)")}</text>']

    def centre(node):
        x, y = positions[node]
        return x + 20 + BOX_W / 2, y + top + BOX_H / 2

    for source, target, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = centre(source), centre(target)
        # stop at the box border
        dx, dy = x2 - x1, y2 - y1
        scale = max(abs(dx) / (BOX_W / 2), abs(dy) / (BOX_H / 2), 1e-9)
        ex, ey = x2 - dx / scale, y2 - dy / scale
        sx, sy = x1 + dx / scale, y1 + dy / scale
        dash = ' stroke-dasharray="2,3"' if data.get("relation") == "memberOf" else ""
        out.append(f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#888" '
                   f'stroke-width="1"{dash} marker-end="url(#arrow)"/>')
        out.append(f'<text x="{(sx + ex) / 2:.1f}" y="{(sy + ey) / 2 - 3:.1f}" font-size="9" fill="#555" '
                   f'text-anchor="middle">{escape(data.get("label") or data.get("relation", ""))}</text>')
    for node, data in graph.nodes(data=True):
        x, y = positions[node]
        x, y = x + 20, y + top
        fill, text = _fill(data)
        stroke = "#222" if data["kind"] == "request" else "#777"
        width_px = 3 if data["kind"] == "request" else 1
        dash = ' stroke-dasharray="4,3"' if data["kind"] == "response" and not data.get("deliversHelp") else ""
        out.append(f'<g class="node {data["kind"]}" data-iri="{escape(data["iri"], {chr(34): "&quot;"})}">'
                   f'<title>{escape(data["label"])}</title>')
        if data["contested"]:  # a second border outside the first
            out.append(f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="{BOX_W + 10}" height="{BOX_H + 10}" rx="11" '
                       f'fill="none" stroke="{CONTESTED_MARK}" stroke-width="2"/>')
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" '
                   f'stroke="{stroke}" stroke-width="{width_px}"{dash}/>')
        lines = [line for line in captions[node] if line][:5]
        first = y + BOX_H / 2 - (len(lines) - 1) * LINE_H / 2 + 4
        for i, line in enumerate(lines):
            weight = ' font-weight="bold"' if data["kind"] == "request" and i == 2 else ""
            out.append(f'<text x="{x + BOX_W / 2:.1f}" y="{first + i * LINE_H:.1f}" font-size="11" fill="{text}" '
                       f'text-anchor="middle"{weight}>{escape(line)}</text>')
        out.append("</g>")
    # legend
    lx, ly = width - 320, top
    out.append(f'<text x="{lx}" y="{ly}" font-size="12" font-weight="bold">Legend</text>')
    legend = [(STATUS_FILL["unmet"], "request: triggered, not fulfilled (UNMET)"),
              (STATUS_FILL["met"], "request: fulfilled (MET)"),
              (STATUS_FILL["not-triggered"], "request: not triggered"),
              (HELP_FILL, "response delivering the help asked for"),
              (NO_HELP_FILL, "response that does not"),
              (KIND_FILL["event"], "event"), (KIND_FILL["state"], "state"), (KIND_FILL["alliance"], "alliance"),
              (KIND_FILL["obligation"], "obligation"), (KIND_FILL["treaty"], "treaty")]
    for i, (colour, text) in enumerate(legend):
        y = ly + 12 + i * 18
        out.append(f'<rect x="{lx}" y="{y}" width="14" height="12" fill="{colour}" stroke="#777"/>'
                   f'<text x="{lx + 20}" y="{y + 10}" font-size="11">{escape(text)}</text>')
    if contested:
        y = ly + 12 + len(legend) * 18
        out.append(f'<rect x="{lx - 2}" y="{y - 2}" width="18" height="16" fill="none" stroke="{CONTESTED_MARK}" stroke-width="1.5"/>'
                   f'<rect x="{lx + 1}" y="{y + 1}" width="12" height="10" fill="#ffffff" stroke="{CONTESTED_MARK}"/>'
                   f'<text x="{lx + 20}" y="{y + 10}" font-size="11">contested request: each account says</text>')
        for i, (line, bold) in enumerate(contested):
            weight = ' font-weight="bold"' if bold else ""
            out.append(f'<text x="{lx + (20 if bold else 30)}" y="{y + 28 + i * 14}" font-size="10"{weight}>{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _contested_legend_lines(graph: nx.MultiDiGraph) -> list[tuple[str, bool]]:
    """(line, is a heading) naming each contested request and each account's verdict on it: the
    fallback's boxes are too small to hold them."""
    lines: list[tuple[str, bool]] = []
    requests = sorted((n for n, d in graph.nodes(data=True) if d["contested"]), key=lambda n: (graph.nodes[n]["date"], n))
    for node in requests:
        caption = caption_lines(graph, node, width=60)
        lines.append((f"{caption[0]}, {caption[1]}", True))
        lines += [(line, False) for said in dissenting_lines(graph.nodes[node]) for line in wrap(said, 50, 2)]
    return lines

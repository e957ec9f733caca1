"""Static figures (SVG, PNG, PDF) of a graph view, for a page of a paper.

Drawn at their natural size, never shrunk to fit: the compact story figure stays narrow
enough that placed at an A4 text width (453 pt) its text is at least 7 pt. With Graphviz installed, ``dot`` lays the figure out and draws it. Without it, a pure-Python
SVG is drawn on the column layout, and PNG/PDF are converted from it by ``rsvg-convert``
(Debian's librsvg2-bin) when that is installed.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from xml.sax.saxutils import escape

import networkx as nx

from cstograph.errors import ViewError
from cstograph.pictures.graph_model import dissenting_lines
from cstograph.pictures.layout import column_positions, dot_quote, graphviz_available, run_graphviz
from cstograph.pictures.style import (
    CONTESTED_MARK,
    DRAWN_BACKWARDS,
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


def _legend_html(graph: nx.MultiDiGraph, compact: bool = False, title: str = "", note: str = "") -> str:
    """The title, the note and the legend in one table, two entries a row (so it is no wider than the drawing)."""
    present = {d["kind"] for _, d in graph.nodes(data=True)}
    statuses = {d["status"] for _, d in graph.nodes(data=True) if d["kind"] == "request"}
    entries = []
    for status, text in (("unmet", "request UNMET: triggered, not fulfilled"),
                         ("met", "request MET: triggered and fulfilled"),
                         ("not-triggered", "request NOT TRIGGERED")):
        if status in statuses or ("request" in present and not statuses):
            entries.append((STATUS_FILL[status], text, False))
    if "response" in present:
        entries.append((HELP_FILL, "response delivering the help asked for", False))
        entries.append((NO_HELP_FILL, "response delivering no help (dashed)", True))
    hidden = COMPACT_HIDDEN_KINDS if compact else set()
    for kind in ("event", "state", "alliance", "obligation", "treaty", "membership", "source", "other"):
        if kind in present and kind not in hidden:
            entries.append((KIND_FILL[kind], KIND_NAMES[kind], False))
    cells = []
    for colour, text, dashed in entries:
        style = ' STYLE="DASHED"' if dashed else ""
        cells.append(f'<TD BGCOLOR="{colour}" WIDTH="16" BORDER="1"{style}> </TD><TD ALIGN="LEFT">{escape(text)}</TD>')
    if any(d["contested"] for _, d in graph.nodes(data=True)):
        # a swatch with a double border, as the contested boxes have
        cells.append(f'<TD><TABLE BORDER="1" CELLBORDER="1" CELLSPACING="1" CELLPADDING="0" COLOR="{CONTESTED_MARK}">'
                     '<TR><TD WIDTH="10" HEIGHT="8"> </TD></TR></TABLE></TD>'
                     f'<TD ALIGN="LEFT" BALIGN="LEFT">{"<BR/>".join(escape(x) for x in wrap(CONTESTED_LEGEND, 40, 4))}</TD>')
    rows = []
    for i in range(0, len(cells), 2):
        pair = cells[i:i + 2]
        rows.append("<TR>" + "".join(pair) + ("<TD></TD><TD></TD>" if len(pair) == 1 else "") + "</TR>")
    lines = []
    if compact:
        lines += wrap("Arrows: a response points to the request it answers, a request to the clause it invokes and "
                      "the event it concerns; a dotted line joins an alliance to its treaty's clauses. Requesters, "
                      "addressees, responders, attackers and members are named in the boxes.", 84, 4)
    text_rows = "".join(f'<TR><TD COLSPAN="4" ALIGN="LEFT">{escape(line)}</TD></TR>' for line in lines)
    # the title wraps like the legend's lines, so a long one never widens the figure
    heading = "".join(f'<TR><TD COLSPAN="4" ALIGN="LEFT"><FONT POINT-SIZE="{FONT_TITLE}"><B>{escape(line)}</B></FONT></TD></TR>'
                      for part in title.split("\n") for line in wrap(part, TITLE_WRAP, 4)) if title else ""
    notes = "".join(f'<TR><TD COLSPAN="4" ALIGN="LEFT">{escape(line)}</TD></TR>' for line in wrap(note, 84, 4)) if note else ""
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">{heading}{notes}'
            '<TR><TD COLSPAN="4" ALIGN="LEFT"><B>Legend</B></TD></TR>' + "".join(rows) + text_rows + "</TABLE>>")


# In the compact story figure the relations of NAMED_IN_BOXES (style.py) and these are not drawn
# as edges: the boxes name them (an event its attacker and territory, a clause its treaty).
COMPACT_NAMED = NAMED_IN_BOXES | {"attacker", "onTerritoryOf", "inTreaty", "foundedOn"}
COMPACT_HIDDEN_KINDS = {"state", "treaty"}


def _members_line(graph: nx.MultiDiGraph, alliance: str) -> str:
    current, former = [], []
    for source, _, data in graph.in_edges(alliance, data=True):
        if data.get("relation") == "memberOf":
            name = graph.nodes[source]["label"]
            (former if data.get("end") else current).append(
                f"{name} to {data['end'][:4]}" if data.get("end") else name)
    text = ""
    if current:
        text += "members: " + ", ".join(sorted(set(current)))
    if former:
        text += ("; " if text else "") + "former: " + ", ".join(sorted(set(former)))
    return text


def _related(graph: nx.MultiDiGraph, node: str, relation: str) -> list[str]:
    return [graph.nodes[t].get("shortLabel") or graph.nodes[t]["label"]
            for _, t, d in graph.out_edges(node, data=True) if d.get("relation") == relation]


def _compact_caption(graph: nx.MultiDiGraph, node: str) -> list[str]:
    data = graph.nodes[node]
    kind = data["kind"]
    if kind == "alliance":
        return wrap(data.get("shortLabel") or data["label"], WRAP, 2) + wrap(_members_line(graph, node), WRAP + 4, 6)
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


def figure_dot(graph: nx.MultiDiGraph, title: str = "", note: str = "", compact: bool | None = None,
               fmt: str = "svg", rankdir: str = "LR", response_columns: int = 1) -> str:
    """The DOT text of the styled figure, at its natural size (never scaled down to a page).

    ``compact`` (the default for the requests view) names requesters, addressees, responders,
    members, attackers, territories and treaties inside the boxes instead of drawing a node or
    an edge for each, and draws no edge labels (the legend says what the arrows mean), so the
    figure stays narrow enough for a page's width; the interactive page and the exports keep
    every edge. For a single case too tall for a page, ``response_columns`` sets each request's
    responses (by date) in that many columns instead of one, and ``rankdir="TB"`` lays the story
    out top to bottom.
    """
    if compact is None:
        compact = graph.graph.get("view", "requests") == "requests"
    named = COMPACT_NAMED if compact else set()
    edges = [(s, t, d) for s, t, d in graph.edges(data=True) if d.get("relation") not in named]
    nodes = [n for n in graph if not (compact and graph.nodes[n]["kind"] in COMPACT_HIDDEN_KINDS)]
    ids = {node: f"n{i}" for i, node in enumerate(nodes)}
    edges = [(s, t, d) for s, t, d in edges if s in ids and t in ids]
    lines = [
        "digraph cstograph {",
        # dpi only for PNG: Graphviz scales the page size of SVG and PDF by it too
        f'  graph [rankdir={rankdir}, {"dpi=200, " if fmt == "png" else ""}nodesep=0.14, ranksep=0.3, newrank=true, '
        f'fontname="DejaVu Sans", fontsize={FONT_SMALL}, labelloc=t, labeljust=l, '
        f'label={_legend_html(graph, compact, title, note)}, pad=0.1];',
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
            attrs += ['penwidth=4', 'color="#e08a00"']
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
        return Figure(run_graphviz("dot", figure_dot(graph, title, note, fmt=fmt), fmt), "graphviz dot")
    svg = fallback_svg(graph, title=title, note=note).encode("utf-8")
    fallback_note = ("drew the figure with the pure-Python fallback (column layout), as --layout columns asks"
                     if not use_graphviz else
                     "Graphviz is not installed: drew the figure with the pure-Python fallback (column layout)")
    if fmt == "svg":
        return Figure(svg, "pure-Python fallback", fallback_note)
    return Figure(convert_svg(svg, fmt), "pure-Python fallback + rsvg-convert", fallback_note)


def convert_svg(svg: bytes, fmt: str) -> bytes:
    """SVG -> PNG or PDF with rsvg-convert (librsvg); a ViewError naming the fix when it is missing."""
    tool = shutil.which("rsvg-convert")
    if tool is None:
        raise ViewError(f"cannot make a {fmt.upper()} file: rsvg-convert is not installed",
                        hint="write .svg instead, or install librsvg2-bin (figures drawn by Graphviz need only graphviz)")
    done = subprocess.run([tool, "-f", fmt], input=svg, capture_output=True, timeout=300, check=False)
    if done.returncode != 0:
        raise ViewError("rsvg-convert failed: " + " ".join(done.stderr.decode("utf-8", "replace").split())[:300])
    return done.stdout


# ---------------------------------------------------------------- pure-Python fallback

BOX_W, BOX_H, LINE_H = 200.0, 72.0, 13.0


def fallback_svg(graph: nx.MultiDiGraph, *, title: str = "", note: str = "") -> str:
    """An SVG drawn without Graphviz: columns by kind, straight labelled edges, a legend.

    As in the Graphviz figure, the requests view names requesters, addressees, responders and
    members in the boxes instead of drawing those edges.
    """
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
        out.append(f'<g><title>{escape(data["label"])}</title>')
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

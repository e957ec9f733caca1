"""Figures that fit a page: a figure taller than an A4 text block is split into page-sized ones.

Placed at an A4 text width (453 pt), a page's figure may be at most 680 pt tall (the text
block of an A4 page with ordinary margins) and keep every text at least 7 pt. A figure that is
taller is cut along its natural seams: the cases (a request with its clause, events and
responses) in the order of their alliance and date, packed greedily onto pages, a new page
starting where a new alliance's cases start whenever the page before keeps at least one whole
alliance. Nodes no case holds (an event no request concerns, an alliance nobody asked) fill the
last pages. A single case that is still too tall gets its responses in two or three columns,
or is laid out top to bottom. The pages are measured, not estimated: each candidate page is
drawn by Graphviz and its SVG read.

"""

from __future__ import annotations

import re
from dataclasses import dataclass

import networkx as nx

from cstograph.errors import ViewError
from cstograph.pictures.graph_model import case_nodes, ordered_subgraph
from cstograph.pictures.printing import svgs_to_pdf
from cstograph.pictures.static import COMPACT_HIDDEN_KINDS, figure_svg, for_print
from cstograph.pictures.style import natural_key

A4_TEXT_WIDTH_PT = 453.0
A4_TEXT_HEIGHT_PT = 680.0
SMALLEST_TEXT_PT = 7.0


@dataclass(frozen=True)
class Page:
    graph: nx.MultiDiGraph
    rankdir: str = "LR"  # or "TB", for a single case too tall to fit left to right
    response_columns: int = 1  # a request's responses in more columns, for a case with many
    fits: bool = True  # False: a single case that no layout tried fits on a page


# how a single case too tall for a page is laid out again, in the order tried
RELAYOUTS = ({"response_columns": 2}, {"response_columns": 3}, {"rankdir": "TB"})


def svg_size_pt(svg: bytes) -> tuple[float, float]:
    """The width and height of a Graphviz SVG, in points."""
    head = svg[:2000].decode("utf-8", "replace")
    width = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', head)
    height = re.search(r'<svg[^>]*\sheight="([\d.]+)pt"', head)
    if not width or not height:
        raise ViewError("cannot measure the figure: Graphviz wrote an SVG without a size in points")
    return float(width.group(1)), float(height.group(1))


def _smallest_font(svg: bytes) -> float:
    sizes = [float(s) for s in re.findall(rb'font-size="([\d.]+)"', svg)]
    return min(sizes) if sizes else 14.0


def fits_a_page(svg: bytes) -> bool:
    """Placed at the A4 text width, the figure is no taller than the text block and no text is under 7 pt."""
    width, height = svg_size_pt(svg)
    scale = A4_TEXT_WIDTH_PT / width
    return height * scale <= A4_TEXT_HEIGHT_PT + 0.5 and _smallest_font(svg) * scale >= SMALLEST_TEXT_PT - 0.01


def _draw(graph: nx.MultiDiGraph, title: str, note: str, **layout) -> bytes:
    return figure_svg(graph, title, note, **layout)


def _units(graph: nx.MultiDiGraph) -> list[tuple[str, set[str]]]:
    """(alliance, nodes) of each case in alliance then date order, then the nodes no case holds."""
    requests = [n for n, d in graph.nodes(data=True) if d["kind"] == "request"]

    def alliance_name(request: str) -> str:
        tags = [a for a in graph.nodes[request]["alliances"].split(";") if a in graph]
        names = sorted((graph.nodes[a].get("shortLabel") or graph.nodes[a]["label"] for a in tags), key=natural_key)
        return names[0] if names else "~"  # requests of no alliance come last

    order = sorted(requests, key=lambda r: (natural_key(alliance_name(r)), graph.nodes[r]["date"], r))
    units = [(alliance_name(r), case_nodes(graph, r)) for r in order]
    held = set().union(*(nodes for _, nodes in units)) if units else set()
    compact = graph.graph.get("view", "requests") == "requests"
    rest = sorted((n for n in graph if n not in held
                   and not (compact and graph.nodes[n]["kind"] in COMPACT_HIDDEN_KINDS)),
                  key=lambda n: (graph.nodes[n]["kind"], natural_key(graph.nodes[n]["label"]), n))
    rest_ids = set(rest)
    for node in rest:
        # a leftover node brings the hidden nodes its box names (an event's attacker)
        neighbours = {m for m in nx.all_neighbors(graph, node) if m not in rest_ids and m not in held}
        units.append(("", {node} | neighbours))
    return units


def page_title(title: str, number: int | str, count: int | str) -> str:
    """The title with the page on a line of its own, so the page number never changes its width."""
    return f"{title}\n(page {number} of {count})" if title else f"page {number} of {count}"


def split_into_pages(graph: nx.MultiDiGraph, title: str, note: str = "") -> list[Page]:
    """The pages of a figure (one page when the whole figure fits one, which may be laid out
    again when it is a single case)."""
    if fits_a_page(_draw(graph, title, note)):
        return [Page(graph)]
    units = _units(graph)
    probe_title = page_title(title, 99, 99)  # as tall and as wide as the title of any page
    pages: list[Page] = []

    def fits(first: int, end: int) -> bool:
        nodes = set().union(*(nodes for _, nodes in units[first:end]))
        return fits_a_page(_draw(ordered_subgraph(graph, nodes), probe_title, note))

    start = 0
    while start < len(units):
        # the longest run from start that fits: double, then halve (one unit always goes)
        good, step = start + 1, 1
        while good + step <= len(units) and fits(start, good + step):
            good += step
            step *= 2
        step //= 2
        while step >= 1:
            if good + step <= len(units) and fits(start, good + step):
                good += step
            step //= 2
        if good < len(units):
            # end the page where an alliance's cases end, when one does on this page
            seams = [i for i in range(start + 1, good + 1) if units[i][0] != units[i - 1][0]]
            if seams and seams[-1] != good and fits(start, seams[-1]):
                good = seams[-1]
        nodes = set().union(*(nodes for _, nodes in units[start:good]))
        part = ordered_subgraph(graph, nodes)
        page = Page(part)
        if good == start + 1 and not fits_a_page(_draw(part, probe_title, note)):
            # one case alone does not fit: lay it out again, or keep it and say so
            page = next((Page(part, **layout) for layout in RELAYOUTS
                         if fits_a_page(_draw(part, probe_title, note, **layout))), Page(part, fits=False))
        pages.append(page)
        start = good
    return pages


def render_pages(pages: list[Page], fmt: str, title: str, note: str = "") -> list[bytes]:
    """Each page drawn in ``fmt`` (svg, png or pdf), its title saying which page it is."""
    count = len(pages)
    return [for_print(page_svg(page, page_title(title, i, count) if count > 1 else title, note), fmt)
            for i, page in enumerate(pages, 1)]


def page_svg(page: Page, title: str, note: str = "") -> bytes:
    return figure_svg(page.graph, title, note, rankdir=page.rankdir, response_columns=page.response_columns)


def merge_pdf(pages: list[Page], title: str, note: str = "") -> bytes:
    """One PDF with a page per figure, each page its figure's size."""
    count = len(pages)
    return svgs_to_pdf([page_svg(page, page_title(title, i, count), note) for i, page in enumerate(pages, 1)])

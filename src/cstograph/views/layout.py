"""Node positions: Graphviz when it is installed, a pure-Python column layout otherwise.

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

DOT_LIMIT = 400
GRAPHVIZ_TIMEOUT_S = 300
COLUMN_ORDER = ("event", "request", "response", "state", "obligation", "treaty", "alliance", "membership", "source", "other")
# reading order of the story edges for dot: cause on the left, answer on the right
REVERSED_FOR_LAYOUT = {"concerns", "respondsTo", "requester"}


def graphviz_available(program: str = "dot") -> bool:
    return shutil.which(program) is not None


def run_graphviz(program: str, dot_source: str, output_format: str) -> bytes:
    """Run a Graphviz program on DOT text; a failure becomes a ViewError naming the program."""
    path = shutil.which(program)
    if path is None:
        raise ViewError(f"Graphviz's {program!r} is not installed", hint="install Graphviz (Debian: apt-get install graphviz)")
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


def layout_dot_source(graph: nx.MultiDiGraph, ids: dict[str, str], program: str) -> str:
    lines = ["digraph G {", '  graph [rankdir=LR, nodesep=0.25, ranksep=0.9, overlap=false, splines=false, outputorder=edgesfirst];',
             '  node [shape=box, width=2.2, height=0.9, fixedsize=true];']
    for node in graph:
        lines.append(f"  {ids[node]};")
    for source, target, data in graph.edges(data=True):
        if data.get("relation") in REVERSED_FOR_LAYOUT:
            lines.append(f"  {ids[target]} -> {ids[source]};")
        else:
            lines.append(f"  {ids[source]} -> {ids[target]};")
    lines.append("}")
    return "\n".join(lines)


def graphviz_positions(graph: nx.MultiDiGraph, program: str | None = None) -> tuple[dict[str, tuple[float, float]], str]:
    """Positions in points (y grows downwards, as on a screen) and the program that made them."""
    program = program or ("dot" if graph.number_of_nodes() <= DOT_LIMIT else "sfdp")
    ids = {node: f"n{i}" for i, node in enumerate(graph)}
    back = {v: k for k, v in ids.items()}
    plain = run_graphviz(program, layout_dot_source(graph, ids, program), "plain").decode("utf-8", "replace")
    positions: dict[str, tuple[float, float]] = {}
    height = 0.0
    for line in plain.splitlines():
        parts = line.split()
        if parts and parts[0] == "graph":
            height = float(parts[3])
        elif parts and parts[0] == "node" and parts[1] in back:
            positions[back[parts[1]]] = (float(parts[2]) * 72.0, (height - float(parts[3])) * 72.0)
    if len(positions) != graph.number_of_nodes():
        raise ViewError(f"Graphviz {program} returned positions for {len(positions)} of {graph.number_of_nodes()} nodes")
    return positions, program


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
    if graph.number_of_nodes() == 0:
        return {}, "none"
    if method in ("auto", "graphviz") and graphviz_available("dot") and graphviz_available("sfdp"):
        return graphviz_positions(graph)
    if method == "graphviz":
        raise ViewError("Graphviz is not installed", hint="install Graphviz (Debian: apt-get install graphviz)")
    return column_positions(graph), "columns"

"""GraphML, GEXF and node-link JSON exports, written by networkx, for Gephi, Cytoscape and yEd.

Node and edge attributes are typed (str, bool, float); node positions from the layout go in
as ``x``/``y`` (and GEXF's ``viz`` position and colour, which Gephi shows as is).
"""

from __future__ import annotations

import io
import json

import networkx as nx

from cstograph.errors import ViewError
from cstograph.pictures.graph_model import export_graph
from cstograph.pictures.style import HELP_FILL, KIND_FILL, NO_HELP_FILL, STATUS_FILL

EXPORT_FORMATS = ("graphml", "gexf", "json")


def _rgb(colour: str) -> dict[str, int]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}


def _colour(data: dict) -> str:
    if data["kind"] == "request":
        return STATUS_FILL.get(data["status"], STATUS_FILL[""])
    if data["kind"] == "response":
        return HELP_FILL if data.get("deliversHelp") else NO_HELP_FILL
    return KIND_FILL.get(data["kind"], "#ffffff")


def export_bytes(graph: nx.MultiDiGraph, fmt: str, positions: dict[str, tuple[float, float]] | None = None) -> bytes:
    if fmt not in EXPORT_FORMATS:
        raise ViewError(f"unknown export format {fmt!r}", hint="choose one of " + ", ".join(EXPORT_FORMATS))
    out = export_graph(graph)
    for node, data in out.nodes(data=True):
        data["colour"] = _colour(data)
        if positions and node in positions:
            data["x"], data["y"] = float(positions[node][0]), float(positions[node][1])
    if fmt == "json":
        payload = nx.node_link_data(out, edges="links")
        return (json.dumps(payload, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(out, buffer, encoding="utf-8", prettyprint=True)
    else:
        for _, data in out.nodes(data=True):
            viz = {"color": _rgb(data["colour"]), "size": 12.0 if data["kind"] == "request" else 6.0}
            if "x" in data:
                viz["position"] = {"x": data["x"], "y": -data["y"], "z": 0.0}
            data["viz"] = viz
        nx.write_gexf(out, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()

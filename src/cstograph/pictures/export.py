"""GraphML, GEXF, node-link JSON and Cytoscape.js exports, for Gephi, Cytoscape, yEd and networkx.

Node and edge attributes are typed (str, bool, float); node positions from the layout go in
as ``x``/``y``. Colour goes in the form each tool reads: ``colour`` (hex) plus ``r``, ``g``,
``b`` integers in GraphML (Gephi's GraphML importer reads those), GEXF's ``viz`` colour and
position, and ``colour`` in the Cytoscape.js data. GEXF dates requests, responses, events and
memberships (``start``/``end``) so Gephi's timeline can filter every dated node.
"""

from __future__ import annotations

import io
import json

import networkx as nx

from cstograph.base.neutral import xml_safe_graph
from cstograph.errors import ViewError
from cstograph.pictures.graph_model import export_graph
from cstograph.pictures.style import HELP_FILL, KIND_FILL, NO_HELP_FILL, STATUS_FILL

EXPORT_FORMATS = ("graphml", "gexf", "json", "cyjs")


def _rgb(colour: str) -> dict[str, int]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16)}


def _colour(data: dict) -> str:
    if data["kind"] == "request":
        return STATUS_FILL.get(data["status"], STATUS_FILL[""])
    if data["kind"] == "response":
        return HELP_FILL if data.get("deliversHelp") else NO_HELP_FILL
    return KIND_FILL.get(data["kind"], "#ffffff")


def _iso_day(text: str) -> str:
    """The YYYY-MM-DD part of a date, or '' (GEXF dates must be xsd:date)."""
    day = text[:10]
    return day if len(day) == 10 and day[4] == "-" and day[7] == "-" else ""


def export_bytes(graph: nx.MultiDiGraph, fmt: str, positions: dict[str, tuple[float, float]] | None = None) -> bytes:
    if fmt not in EXPORT_FORMATS:
        raise ViewError(f"unknown export format {fmt!r}", hint="choose one of " + ", ".join(EXPORT_FORMATS))
    out = xml_safe_graph(export_graph(graph)) if fmt in ("graphml", "gexf") else export_graph(graph)
    for node, data in out.nodes(data=True):
        data["colour"] = _colour(data)
        if positions and node in positions:
            data["x"], data["y"] = float(positions[node][0]), float(positions[node][1])
    if fmt == "json":
        # networkx's current default key ("edges"), so node_link_graph(data) reads it as is
        payload = nx.node_link_data(out, edges="edges")
        return (json.dumps(payload, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt == "cyjs":
        return (json.dumps(cytoscape_json(out), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "graphml":
        for _, data in out.nodes(data=True):
            data.update(_rgb(data["colour"]))
        nx.write_graphml(out, buffer, encoding="utf-8", prettyprint=True)
    else:
        for _, data in out.nodes(data=True):
            viz = {"color": {**_rgb(data["colour"]), "a": 1.0}, "size": 12.0 if data["kind"] == "request" else 6.0}
            if "x" in data:
                viz["position"] = {"x": data["x"], "y": -data["y"], "z": 0.0}
            data["viz"] = viz
            _gexf_period(data)
        for _, _, data in out.edges(data=True):
            _gexf_period(data)
        nx.write_gexf(out, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _gexf_period(data: dict) -> None:
    """GEXF's own ``start``/``end``: a request's or response's day, an event's or membership's period.

    networkx writes these keys as the element's dates (mode="dynamic"); an undated node or edge
    has none and Gephi's timeline shows it throughout.
    """
    start = _iso_day(data.get("date", "")) or _iso_day(data.get("start", ""))
    end = _iso_day(data.get("end", "")) or start
    for key in ("start", "end"):
        data.pop(key, None)
    if start:
        data["start"], data["end"] = start, max(end, start)
    if "date" in data and not data["date"]:
        data.pop("date")


def cytoscape_json(graph: nx.MultiDiGraph) -> dict:
    """Cytoscape.js elements JSON (``.cyjs``): ``{"elements": {"nodes": [{"data": ...}], "edges": [...]}}``.

    Every node's data has ``id`` (its IRI) and ``name`` (its label, Cytoscape's display column),
    every edge's ``id``, ``source``, ``target`` and ``interaction`` (the relation); positions go
    in ``position`` when the layout gave them.
    """
    nodes = []
    for node, data in graph.nodes(data=True):
        # "value" is the node's key for networkx.cytoscape_graph (it reads it back as the node)
        element: dict = {"data": {"id": node, "value": node, "name": data.get("label", ""),
                                  **{k: v for k, v in data.items() if k not in ("x", "y")}}}
        if "x" in data:
            element["position"] = {"x": data["x"], "y": data["y"]}
        nodes.append(element)
    edges = []
    for index, (source, target, key, data) in enumerate(graph.edges(keys=True, data=True)):
        edges.append({"data": {"id": f"e{index}", "source": source, "target": target, "key": key,
                               "interaction": data.get("relation", ""), **data}})
    # "directed" and "multigraph" as networkx.cytoscape_data writes them, so cytoscape_graph reads
    # the file back as the same directed multigraph
    return {"format_version": "1.0", "generated_by": "cstograph", "target_cytoscapejs_version": "~3",
            "data": {"name": graph.graph.get("name", "cstograph")}, "directed": True, "multigraph": True,
            "elements": {"nodes": nodes, "edges": edges}}

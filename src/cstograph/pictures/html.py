"""The interactive view: one self-contained HTML file (inline data, CSS and JavaScript, no CDN).

The page draws the precomputed layout on a canvas (``assets/viewer.js``, written for this
project: no library, no build step), so it opens in seconds even with thousands of nodes and
never runs a physics simulation. A Content-Security-Policy forbids the page any network access.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

import networkx as nx

from cstograph.pictures.graph_model import account_verdicts
from cstograph.pictures.style import (
    CONTESTED_MARK,
    FOCUS_RING,
    HELP_FILL,
    KIND_FILL,
    KIND_NAMES,
    NO_HELP_FILL,
    STATUS_FILL,
    STATUS_TEXT,
    STATUS_WORDS,
    caption_lines,
    natural_key,
)

LARGE_GRAPH = 400  # above this many nodes: small dots, labels when zoomed in


@cache
def _asset(name: str) -> str:
    return resources.files("cstograph.pictures").joinpath("assets", name).read_text(encoding="utf-8")


def _colours(data: dict) -> tuple[str, str]:
    if data["kind"] == "request":
        return STATUS_FILL.get(data["status"], STATUS_FILL[""]), STATUS_TEXT.get(data["status"], "#1a1a1a")
    if data["kind"] == "response":
        return (HELP_FILL if data.get("deliversHelp") else NO_HELP_FILL), "#1a1a1a"
    return KIND_FILL.get(data["kind"], "#ffffff"), "#1a1a1a"


def page_data(graph: nx.MultiDiGraph, positions: dict[str, tuple[float, float]], title: str,
              notes: list[str] | tuple[str, ...] = (), routes: dict | None = None) -> dict:
    """The JSON the page reads: nodes with positions and captions, edges by index, alliances, legend."""
    alliances = sorted((n for n, d in graph.nodes(data=True) if d["kind"] == "alliance"),
                       key=lambda n: natural_key(graph.nodes[n].get("shortLabel") or graph.nodes[n]["label"]))
    alliance_index = {iri: i for i, iri in enumerate(alliances)}
    index = {node: i for i, node in enumerate(graph)}
    large = graph.number_of_nodes() > LARGE_GRAPH
    nodes = []
    for node, d in graph.nodes(data=True):
        fill, text = _colours(d)
        x, y = positions.get(node, (0.0, 0.0))
        nodes.append({
            "iri": d["iri"], "label": d["label"], "kind": d["kind"], "kindName": KIND_NAMES.get(d["kind"], d["kind"]),
            "caption": caption_lines(graph, node), "x": round(x, 1), "y": round(y, 1),
            "fill": fill, "text": text, "status": d["status"],
            "statusWords": STATUS_WORDS.get(d["status"], "") if d["kind"] == "request" else "",
            "reason": d["reason"], "answer": d["answer"], "date": d["date"], "start": d["start"], "end": d["end"],
            "detail": d["detail"], "description": d["description"], "properties": d.get("properties", ""),
            "sources": [s for s in d["sources"].split(" | ") if s], "help": bool(d.get("deliversHelp")),
            "alliances": [alliance_index[a] for a in d["alliances"].split(";") if a in alliance_index],
            "contested": d["contested"],
            "accounts": [{"account": account, "status": status} for account, status in account_verdicts(d)],
        })
    edges = [
        {"s": index[s], "t": index[t], "label": d.get("label") or d.get("relation", ""), "relation": d.get("relation", ""),
         "start": d.get("start", ""), "end": d.get("end", ""), "dashed": d.get("relation") == "memberOf",
         **({"path": [list(p) for p in routes[i]]} if routes and i in routes else {})}
        for i, (s, t, d) in enumerate(graph.edges(data=True))
    ]
    present = {d["kind"] for _, d in graph.nodes(data=True)}
    legend = [
        {"colour": STATUS_FILL["unmet"], "text": "request: obligation triggered, not fulfilled (unmet)"},
        {"colour": STATUS_FILL["met"], "text": "request: obligation fulfilled (met)"},
        {"colour": STATUS_FILL["not-triggered"], "text": "request: obligation not triggered"},
        {"colour": HELP_FILL, "text": "response delivering the help asked for"},
        {"colour": NO_HELP_FILL, "text": "response that does not (statement, mission, refusal)", "dashed": True},
    ] + [{"colour": KIND_FILL[k], "text": KIND_NAMES[k]} for k in
         ("event", "state", "alliance", "obligation", "treaty", "membership", "source", "other") if k in present]
    if graph.graph.get("focus") in graph:
        legend.append({"colour": "#ffffff", "border": FOCUS_RING, "ring": True,
                       "text": "the node the page was drawn around (--focus): a thick blue ring"})
    if any(d["contested"] for _, d in graph.nodes(data=True)):
        legend.append({"colour": "#ffffff", "border": CONTESTED_MARK, "double": True,
                       "text": "contested request (double border): an account gives another status; click it for each account's verdict"})
    return {
        "title": title, "notes": list(notes), "large": large, "nodes": nodes, "edges": edges,
        "alliances": [{"iri": a, "label": graph.nodes[a].get("shortLabel") or graph.nodes[a]["label"]} for a in alliances],
        "legend": legend, "contestedMark": CONTESTED_MARK, "focusRing": FOCUS_RING,
        # the node --focus named: selected and ringed when the page opens
        "focus": index.get(graph.graph.get("focus"), None),
    }


def _script_safe_json(value) -> str:
    # inside <script>, "</" could close the element and "<!--" open a comment: escape both
    # \u003c etc. are valid JSON and end no <script> element, whatever a label holds
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(graph: nx.MultiDiGraph, positions: dict[str, tuple[float, float]], *, title: str,
                notes: list[str] | tuple[str, ...] = (), routes: dict | None = None) -> bytes:
    """``routes``: edge index -> points of its path around the boxes (Graphviz ``dot``); other edges are straight."""
    from xml.sax.saxutils import escape

    values = {
        "__TITLE__": escape(title), "__CSS__": _asset("viewer.css"), "__JS__": _asset("viewer.js"),
        "__DATA__": _script_safe_json(page_data(graph, positions, title, notes, routes)),
    }
    page = re.sub("__(TITLE|CSS|JS|DATA)__", lambda m: values[m.group(0)], _asset("viewer.html"))
    return page.encode("utf-8")

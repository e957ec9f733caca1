"""RDF -> networkx: the one place where the knowledge graph becomes a drawable network.

Two views:

``requests`` (the default) is the story the report tells: states, alliances, treaties,
obligations, events, assistance requests and responses, joined by the relations that matter
(requester, addressee, invokes, concerns, in treaty, founded on, on territory of, attacker,
responds to, responder) and memberships collapsed into ``memberOf`` edges carrying their
period. Nodes and edges come from ``queries/views/view-nodes.rq`` and ``view-edges.rq``.

``full`` is every triple of the data (the ontology's own triples left out): each triple whose
object is a resource is an edge; literal values and ``rdf:type`` become node attributes.

Request nodes carry the status computed by ``classify.classify_requests`` (met, unmet,
not-triggered), the reason and what was delivered, and, when accounts disagree on it, what each
account concludes (``contested``, ``contestedBy``); every node carries the alliances it belongs
to, for filtering. All attribute values are str, bool or float, so GraphML and GEXF writers
accept them and Gephi/Cytoscape read them typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import networkx as nx
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from cstograph.base.cells import cell_text
from cstograph.engines.engine import Engine
from cstograph.engines.queries import expand_iri, get_query, run_named
from cstograph.errors import CstographError, ViewError
from cstograph.namespaces import CG
from cstograph.pictures.style import natural_key
from cstograph.reading.resources import ontology_path
from cstograph.rules.classify import Verdict, classify_requests

VIEWS = ("requests", "full")
STATUSES = ("unmet", "met", "not-triggered")

# Attributes every node has (with these defaults), and every edge.
NODE_DEFAULTS: dict[str, object] = {
    "label": "", "shortLabel": "", "kind": "other", "iri": "", "date": "", "start": "", "end": "", "detail": "",
    "description": "", "sources": "", "status": "", "reason": "", "answer": "", "alliances": "",
    "deliversHelp": False, "properties": "", "contested": "", "contestedBy": "",
}
CONTESTED_PREFIX = "contested: "
EDGE_DEFAULTS: dict[str, object] = {
    "relation": "", "label": "", "predicate": "", "start": "", "end": "", "sources": "",
}

# Where an endpoint's kind can be told from the relation when the data does not type it.
_RANGE_KIND = {
    "requester": "state", "onTerritoryOf": "state", "attacker": "state", "inTreaty": "treaty",
    "foundedOn": "treaty", "invokes": "obligation", "concerns": "event", "respondsTo": "request",
    "memberOf": "alliance",
}
_DOMAIN_KIND = {
    "requester": "request", "addressee": "request", "invokes": "request", "concerns": "request",
    "respondsTo": "response", "responder": "response", "inTreaty": "obligation",
    "foundedOn": "alliance", "memberOf": "state",
}


@dataclass(frozen=True)
class ReducedView:
    """A graph cut down to a size a reader (or a browser) can take, and the note saying so."""

    graph: nx.MultiDiGraph
    total_nodes: int
    note: str


def node_id(term) -> str:
    """The networkx key of an RDF resource: its IRI, or ``_:id`` for a blank node."""
    return f"_:{term}" if isinstance(term, BNode) else str(term)



def _tail(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            iri = iri.rstrip(sep).rsplit(sep, 1)[1]
    return iri


def _add_node(graph: nx.MultiDiGraph, key: str, **attrs) -> None:
    if key not in graph:
        graph.add_node(key, **{**NODE_DEFAULTS, "iri": key, "label": _tail(key)})
    graph.nodes[key].update({k: v for k, v in attrs.items() if v not in (None, "")})


def _add_edge(graph: nx.MultiDiGraph, source: str, target: str, **attrs) -> None:
    graph.add_edge(source, target, **{**EDGE_DEFAULTS, **{k: v for k, v in attrs.items() if v is not None}})


def build_graph(
    dataset: Dataset, engine: Engine, view: str = "requests", verdicts: list[Verdict] | None = None,
    only: set[str] | None = None,
) -> nx.MultiDiGraph:
    """The network of one view of the loaded data (the ontology's own triples are never nodes).

    ``verdicts``: the request verdicts to show, as ``assess.assess`` gives them (with what each
    account says); by default the requests are classified on ``engine``, with no accounts.
    ``only`` (requests view, IRIs): build just these nodes and the edges among them, asking the
    engine about them alone (``--focus`` on one case of a large graph).
    """
    if view not in VIEWS:
        raise ViewError(f"unknown view {view!r}", hint="choose one of " + ", ".join(VIEWS))
    graph = nx.MultiDiGraph(view=view)
    membership_sources: dict[str, str] = {}
    edge_rows = None
    if only is not None:
        # the memberships the case's memberOf edges collapse: their sources come with the nodes
        edge_rows = list(_view_rows(engine, "view-edges", "source", only))
        vias = {node_id(r["via"]) for r in edge_rows if r["via"] is not None and node_id(r["target"]) in only}
        only = only | {v for v in vias if not v.startswith("_:")}
    for row in _view_rows(engine, "view-nodes", "node", only):
        kind = str(row["kind"])
        if view == "requests" and kind == "membership":
            membership_sources[node_id(row["node"])] = cell_text(row["sources"])
            continue
        _add_node(
            graph, node_id(row["node"]), kind=kind, label=cell_text(row["label"]), shortLabel=_short(row), date=cell_text(row["date"]),
            start=cell_text(row["startDate"]), end=cell_text(row["endDate"]), detail=cell_text(row["detail"]),
            description=cell_text(row["description"]), sources=cell_text(row["sources"]),
        )
    if view == "requests":
        _add_story_edges(graph, engine, membership_sources, only, edge_rows)
    else:
        _add_all_triples(graph, dataset)
    _add_verdicts(graph, classify_requests(engine) if verdicts is None else verdicts)
    _tag_alliances(graph)
    return graph


def _short(row) -> str:
    label, alt = cell_text(row["label"]), cell_text(row["altLabel"])
    return alt if alt and len(alt) < len(label) else label


def _view_rows(engine: Engine, name: str, variable: str, only: set[str] | None):
    """The rows of a view query; with ``only``, every group that binds ``variable`` (the outer
    one and each sub-select: they all project it) opens with a VALUES block of those IRIs."""
    if only is None:
        return run_named(engine, name).records()
    values = "WHERE { VALUES ?" + variable + " { " + " ".join(URIRef(n).n3() for n in sorted(only)) + " } "
    return engine.query(get_query(name).text.replace("WHERE {", values)).records()


def case_of(engine: Engine, iri: str) -> set[str] | None:
    """The nodes of the case of the request named by ``iri`` (``queries/pictures/case-nodes.rq``),
    or None when ``iri`` names no request (or is no IRI at all, like a label)."""
    if any(ch.isspace() for ch in iri) or ":" not in iri or any(ch in iri for ch in '<>"{}|^`\\'):
        return None
    rows = run_named(engine, "case-nodes", {"request": URIRef(iri)}).records()
    nodes = {node_id(row["node"]) for row in rows}
    if not nodes or any(n.startswith("_:") for n in nodes):
        return None
    return nodes


def focus_nodes(engine: Engine, query: str, hops: int = 2) -> set[str] | None:
    """The nodes ``focus_graph`` keeps for ``query`` (a label, a short name, the end of an IRI),
    found by asking the engine about them alone: the node's names (``node-names.rq``), then its
    case (a request or response) or the nodes within ``hops`` steps (``view-edges.rq`` restricted
    to the nodes reached so far). None when the names match no node or several (building the
    whole network then gives the error that lists them)."""
    names = nx.MultiDiGraph()
    cases: dict[str, str] = {}
    for row in run_named(engine, "node-names").records():
        _add_node(names, node_id(row["node"]), label=cell_text(row["label"]), shortLabel=_short(row))
        if row["request"] is not None:
            cases[node_id(row["node"])] = node_id(row["request"])
    matches = find_nodes(names, query)
    if len(matches) != 1 or matches[0].startswith("_:"):
        return None
    centre = matches[0]
    if centre in cases:
        return case_of(engine, cases[centre])
    reached, frontier = {centre}, {centre}
    for _ in range(hops):
        found = set()
        for end, other in (("source", "target"), ("target", "source")):
            found |= {node_id(row[other]) for row in _view_rows(engine, "view-edges", end, frontier)}
        frontier = {n for n in found - reached if not n.startswith("_:")}
        if found - reached - frontier:
            return None  # a blank node: build the whole network
        reached |= frontier
        if not frontier:
            break
    return reached


def alliance_nodes(engine: Engine, query: str) -> tuple[str, set[str]] | None:
    """The alliance ``query`` names (as ``alliance_graph`` matches it) and the nodes of its cases
    (``alliance-case-nodes.rq``), asking the engine about them alone; None when no single
    alliance matches (building the whole network then gives the error listing them)."""
    text = query.strip().strip("<>")
    folded = text.casefold()
    rows = [(node_id(r["alliance"]), cell_text(r["label"]), _short(r)) for r in run_named(engine, "alliance-labels").records()]
    matches = [n for n, label, short in rows if n == text or folded in (label.casefold(), short.casefold())]
    if not matches:
        matches = [n for n, label, _ in rows if folded in label.casefold()]
    if len(matches) != 1 or matches[0].startswith("_:"):
        return None
    nodes = {node_id(r["node"]) for r in run_named(engine, "alliance-case-nodes", {"alliance": URIRef(matches[0])}).records()}
    if any(n.startswith("_:") for n in nodes):
        return None
    return matches[0], nodes


def _add_story_edges(graph: nx.MultiDiGraph, engine: Engine, membership_sources: dict[str, str],
                     only: set[str] | None = None, rows=None) -> None:
    for row in _view_rows(engine, "view-edges", "source", only) if rows is None else rows:
        source, target, relation = node_id(row["source"]), node_id(row["target"]), str(row["relation"])
        if only is not None and (source not in only or target not in only):
            continue
        for key, kinds in ((source, _DOMAIN_KIND), (target, _RANGE_KIND)):
            if key not in graph:
                _add_node(graph, key, kind=kinds.get(relation, "other"))
        via = row["via"]
        _add_edge(
            graph, source, target, relation=relation, label=cell_text(row["relationLabel"]),
            # a collapsed membership names the membership node and keeps its sources
            predicate=node_id(via) if via is not None else str(CG[relation]),
            start=cell_text(row["startDate"]), end=cell_text(row["endDate"]),
            sources=membership_sources.get(node_id(via), "") if via is not None else "",
        )


@cache
def _ontology_triples() -> frozenset:
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    return frozenset(graph)


def _literal_text(term: Literal) -> str:
    text = str(term)
    return text if len(text) <= 300 else text[:297] + "..."


def _add_all_triples(graph: nx.MultiDiGraph, dataset: Dataset) -> None:
    ontology = _ontology_triples()
    labels: dict[str, str] = {}
    label_predicates = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
    properties: dict[str, list[str]] = {}
    triples = [(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None)) if (s, p, o) not in ontology]
    for s, p, o in triples:
        if p in label_predicates and isinstance(o, Literal) and (not o.language or o.language.startswith("en")):
            labels.setdefault(node_id(s), str(o))
    typed_sources = {s for s, p, o in triples if p == RDF.type and o == CG.Source}
    for s, p, o in sorted(set(triples), key=lambda t: (str(t[0]), str(t[1]), t[2].n3())):
        source = node_id(s)
        name = _tail(str(p))
        if source not in graph:
            _add_node(graph, source, kind="source" if s in typed_sources else "other", label=labels.get(source, ""))
        if isinstance(o, Literal) or p == RDF.type:
            value = _literal_text(o) if isinstance(o, Literal) else _tail(str(o))
            properties.setdefault(source, []).append(f"{name}: {value}")
            continue
        target = node_id(o)
        if target not in graph:
            _add_node(graph, target, label=labels.get(target, "") or _label_from_ontology(o))
        _add_edge(graph, source, target, relation=name, label=_edge_label(p), predicate=str(p))
    for key, values in properties.items():
        graph.nodes[key]["properties"] = "\n".join(sorted(values))
    # a source node first seen as an object
    for s in typed_sources:
        if graph.nodes[node_id(s)]["kind"] == "other":
            graph.nodes[node_id(s)]["kind"] = "source"


@cache
def _ontology_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for s, p, o in _ontology_triples():
        if p in (RDFS.label, SKOS.prefLabel) and isinstance(o, Literal):
            labels.setdefault(str(s), str(o))
    return labels


def _label_from_ontology(term) -> str:
    return _ontology_labels().get(str(term), "")


def _edge_label(predicate: URIRef) -> str:
    return _ontology_labels().get(str(predicate), _tail(str(predicate)))


def _add_verdicts(graph: nx.MultiDiGraph, verdicts: Iterable[Verdict]) -> None:
    for verdict in verdicts:
        for record in verdict.responses:  # a part of the network may hold a response without its request
            if record.response in graph:
                graph.nodes[record.response]["deliversHelp"] = record.fulfils
        if verdict.request not in graph:
            continue
        helping = [r for r in verdict.responses if r.fulfils]
        if helping:
            answer = "help delivered: " + ", ".join(sorted({r.type_label for r in helping}))
        elif verdict.responses:
            answer = "no help delivered (responses: " + ", ".join(sorted({r.type_label for r in verdict.responses})) + ")"
        else:
            answer = "no response"
        graph.nodes[verdict.request].update(status=verdict.status, reason=verdict.reason, answer=answer,
                                            **_contested_attributes(verdict))


def _contested_attributes(verdict: Verdict) -> dict[str, str]:
    """``contested``: each account's verdict in words; ``contestedBy``: the accounts that differ."""
    if not verdict.contested:
        return {"contested": "", "contestedBy": ""}
    said = "; ".join(f"{a.status} according to {a.label or _tail(a.account)}" for a in verdict.contested)
    differ = sorted({a.account for a in verdict.contested if a.status != verdict.status})
    return {"contested": CONTESTED_PREFIX + said, "contestedBy": ";".join(differ)}


def account_verdicts(data: dict) -> list[tuple[str, str]]:
    """(account, status) for each account named in a node's ``contested`` text, for the pictures."""
    text = data.get("contested", "")
    parts = text.removeprefix(CONTESTED_PREFIX).split("; ") if text else []
    return [(label, status) for status, _, label in (part.partition(" according to ") for part in parts)]


def dissenting_lines(data: dict) -> list[str]:
    """What a figure prints under a contested request: each account whose verdict differs from
    the undisputed one, then how many agree (the page's detail panel lists every account)."""
    accounts = account_verdicts(data)
    differ = [f"{label}: {status}" for label, status in accounts if status != data.get("status")]
    agree = len(accounts) - len(differ)
    if agree:
        differ.append(f"{agree} other account{'s' if agree > 1 else ''}: {data.get('status')}")
    return differ


def _tag_alliances(graph: nx.MultiDiGraph) -> None:
    """Give every node the alliances it belongs to (';'-joined IRIs), for the alliance filter."""
    tags: dict[str, set[str]] = {n: set() for n in graph}
    kind = graph.nodes

    def out(node, relation):
        return [t for _, t, d in graph.out_edges(node, data=True) if d["relation"] == relation]

    def into(node, relation):
        return [s for s, _, d in graph.in_edges(node, data=True) if d["relation"] == relation]

    for node in graph:
        if kind[node]["kind"] == "alliance":
            tags[node].add(node)
    for node in graph:  # treaties: the alliances founded on them
        if kind[node]["kind"] == "treaty":
            tags[node].update(into(node, "foundedOn"))
    for node in graph:  # obligations: their treaty's alliances
        if kind[node]["kind"] == "obligation":
            for treaty in out(node, "inTreaty"):
                tags[node].update(tags[treaty])
    for node in graph:  # requests: the invoked treaty's alliances, and an alliance addressed
        if kind[node]["kind"] == "request":
            for obligation in out(node, "invokes"):
                tags[node].update(tags[obligation])
            tags[node].update(a for a in out(node, "addressee") if kind[a]["kind"] == "alliance")
    for node in graph:  # responses and events: their requests' alliances
        if kind[node]["kind"] == "request":
            for other in into(node, "respondsTo") + out(node, "concerns"):
                tags[other].update(tags[node])
    for node in graph:  # memberships (full view): their alliance
        if kind[node]["kind"] == "membership":
            tags[node].update(out(node, "alliance"))
    for node in graph:  # states: alliances they belong to or took part in the story of
        if kind[node]["kind"] == "state":
            tags[node].update(out(node, "memberOf"))
            for membership in into(node, "member"):
                tags[node].update(tags[membership])
            for neighbour in list(graph.predecessors(node)):
                if kind[neighbour]["kind"] in ("request", "response", "event"):
                    tags[node].update(tags[neighbour])
    for node in graph:  # anything else: its neighbours' alliances
        if not tags[node] and kind[node]["kind"] not in ("alliance",):
            for neighbour in set(graph.predecessors(node)) | set(graph.successors(node)):
                tags[node].update(tags[neighbour])
    for node, found in tags.items():
        kind[node]["alliances"] = ";".join(sorted(found))


def name_members(graph: nx.MultiDiGraph, engine: Engine) -> None:
    """Record, for each alliance a drawn request concerns, its members on that request's date
    (``queries/reports/members-on-date.rq``): ``graph.graph["members_on"][(alliance, date)]`` is
    their sorted names. A figure names them only where the date is certain (one date for that
    alliance on the figure); elsewhere it names the members drawn, and says so."""
    found: dict[tuple[str, str], list[str]] = dict(graph.graph.get("members_on", {}))
    for _node, data in graph.nodes(data=True):
        if data["kind"] != "request" or not data.get("date"):
            continue
        day = data["date"][:10]
        for alliance in filter(None, data.get("alliances", "").split(";")):
            if (alliance, day) in found or alliance not in graph or alliance.startswith("_:"):
                continue
            rows = run_named(engine, "members-on-date", {"onDate": Literal(day, datatype=XSD.date),
                                                         "alliance": URIRef(alliance)}).records()
            found[(alliance, day)] = sorted({cell_text(r["memberLabel"]) for r in rows}, key=natural_key)
    graph.graph["members_on"] = found


# ---------------------------------------------------------------- focus and reduction


def find_nodes(graph: nx.MultiDiGraph, query: str) -> list[str]:
    """Nodes matching an IRI, an exact label, or (failing both) a label or IRI containing the text."""
    text = query.strip().strip("<>")
    if text in graph:
        return [text]
    folded = text.casefold()
    exact = [n for n, d in graph.nodes(data=True)
             if folded in (d["label"].casefold(), d["shortLabel"].casefold(), _tail(n).casefold())]
    if exact:
        return sorted(exact)
    return sorted(n for n, d in graph.nodes(data=True) if folded in d["label"].casefold() or folded in n.casefold())


def expand_prefixed(query: str | None, kg) -> str | None:
    """A prefixed name the data declares (``sy:req17``) as its full IRI; anything else unchanged."""
    if not query or ":" not in query or "://" in query or " " in query.strip():
        return query

    try:
        return str(expand_iri(query.strip(), kg.data.namespaces, what="node"))
    except CstographError:
        return query


def ordered_subgraph(graph: nx.MultiDiGraph, nodes) -> nx.MultiDiGraph:
    """The nodes and the edges among them, in the graph's own order. (networkx's subgraph view
    of a small part iterates the node set, whose order changes from run to run with the hash
    seed, and so would the layout and the bytes of a figure.)"""
    part = nx.MultiDiGraph(**graph.graph)
    part.add_nodes_from((n, dict(d)) for n, d in graph.nodes(data=True) if n in nodes)
    part.add_edges_from((s, t, k, dict(d)) for s, t, k, d in graph.edges(keys=True, data=True)
                        if s in nodes and t in nodes)
    return part


def focus_graph(graph: nx.MultiDiGraph, query: str, hops: int = 2) -> nx.MultiDiGraph:
    """The neighbourhood of ``hops`` steps (either direction) around the node named by ``query``."""
    if hops < 0:
        raise ViewError("--hops must be 0 or more")
    matches = find_nodes(graph, query)
    if not matches:
        raise ViewError(f"no node matches {query!r}", hint="give a full IRI or part of a node's label")
    if len(matches) > 1:
        shown = "; ".join(f"{graph.nodes[n]['label']} <{n}>" for n in matches[:5])
        more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
        raise ViewError(f"{query!r} matches {len(matches)} nodes: {shown}{more}",
                        hint="give the full IRI or a longer part of the label")
    centre = matches[0]
    request = _request_of(graph, centre)
    if request is not None:
        keep = case_nodes(graph, request)
    else:
        keep = set(nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), centre, cutoff=hops))
    focused = ordered_subgraph(graph, keep)
    focused.graph.update(graph.graph, focus=centre, hops=hops, case=request is not None)
    return focused


def _request_of(graph: nx.MultiDiGraph, node: str) -> str | None:
    """The request whose case a node is: the request itself, or the one a response answers."""
    kind = graph.nodes[node]["kind"]
    if kind == "request":
        return node
    if kind == "response":
        return next((t for _, t, d in graph.out_edges(node, data=True) if d["relation"] == "respondsTo"), None)
    return None


def case_nodes(graph: nx.MultiDiGraph, request: str) -> set[str]:
    """One case and nothing else: the request, its requester and addressees, the obligation it
    invokes and that obligation's treaty and alliances, the events it concerns with their
    attackers and territories, its responses and their responders. Other requests that share a
    state are not pulled in."""
    keep = {request}
    for _, target, data in graph.out_edges(request, data=True):
        keep.add(target)
        if data["relation"] == "invokes":
            for _, treaty, d in graph.out_edges(target, data=True):
                if d["relation"] == "inTreaty":
                    keep.add(treaty)
                    keep.update(s for s, _, e in graph.in_edges(treaty, data=True) if e["relation"] == "foundedOn")
        if data["relation"] == "concerns":
            keep.update(t for _, t, d in graph.out_edges(target, data=True) if d["relation"] in ("onTerritoryOf", "attacker"))
    for response, _, data in graph.in_edges(request, data=True):
        if data["relation"] == "respondsTo":
            keep.add(response)
            keep.update(t for _, t, d in graph.out_edges(response, data=True) if d["relation"] == "responder")
    return keep


def alliance_graph(graph: nx.MultiDiGraph, query: str) -> nx.MultiDiGraph:
    """One alliance (named by IRI, label or short name) and the cases of the requests tagged with it."""
    text = query.strip().strip("<>")
    folded = text.casefold()
    alliances = [n for n, d in graph.nodes(data=True) if d["kind"] == "alliance"]
    matches = [n for n in alliances if n == text or folded in (graph.nodes[n]["label"].casefold(),
                                                               graph.nodes[n]["shortLabel"].casefold())]
    if not matches:
        matches = [n for n in alliances if folded in graph.nodes[n]["label"].casefold()]
    if len(matches) != 1:
        names = sorted((graph.nodes[n]["shortLabel"] or graph.nodes[n]["label"] for n in alliances), key=natural_key)
        found = "no alliance matches" if not matches else f"{len(matches)} alliances match"
        raise ViewError(f"--alliance {query!r}: {found}",
                        hint="one of: " + ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else ""))
    chosen = matches[0]
    keep = {chosen}
    for node, data in graph.nodes(data=True):
        if data["kind"] == "request" and chosen in data["alliances"].split(";"):
            keep |= case_nodes(graph, node)
    part = ordered_subgraph(graph, keep)
    part.graph.update(graph.graph, alliance=chosen)
    return part


_STATUS_RANK = {"unmet": 0, "met": 1, "not-triggered": 2, "": 3}
REDUCTION_RULE = ("contested and unmet requests first, then help-without-trigger, then the others; "
                  "newest first within each")


def help_without_trigger(graph: nx.MultiDiGraph, request: str) -> bool:
    """A request that was not triggered and still got help delivered."""
    return graph.nodes[request]["status"] == "not-triggered" and any(
        graph.nodes[s].get("deliversHelp") for s, _, d in graph.in_edges(request, data=True)
        if d.get("relation") == "respondsTo")


def telling_order(graph: nx.MultiDiGraph) -> list[str]:
    """The requests in the order a reduced picture keeps them (``REDUCTION_RULE``): the
    contested and the unmet, then help without a trigger, then the routine ones, newest first
    within each. The figure, the fallback figure and the timeline all keep requests in this order."""
    def key(node):
        data = graph.nodes[node]
        rank = 0 if data.get("contested") or data["status"] == "unmet" else 1 if help_without_trigger(graph, node) else 2
        return (rank, _neg_date(data["date"]), node)

    return sorted((n for n, d in graph.nodes(data=True) if d["kind"] == "request"), key=key)


def reduce_graph(graph: nx.MultiDiGraph, max_nodes: int) -> ReducedView:
    """At most ``max_nodes`` nodes: whole request stories in ``telling_order`` (a story that does
    not fit is left out and the next one tried).

    Each request brings its direct neighbours (requester, addressee, obligation, events,
    responses and responders) and its obligation's treaty; once the requests are in, the
    best-connected remaining nodes fill what is left.
    """
    total = graph.number_of_nodes()
    if total <= max_nodes:
        return ReducedView(graph, total, "")
    undirected = graph.to_undirected(as_view=True)
    keep: set[str] = set()
    requests = telling_order(graph)
    shown_requests = 0
    for request in requests:
        story = {request} | set(undirected[request])
        for neighbour in list(story):
            if graph.nodes[neighbour]["kind"] == "response":
                story.update(graph.successors(neighbour))
            if graph.nodes[neighbour]["kind"] == "obligation":
                story.update(graph.successors(neighbour))
        if len(keep | story) > max_nodes:
            continue
        keep |= story
        shown_requests += 1
    rest = sorted((n for n in graph if n not in keep and graph.nodes[n]["kind"] != "request"),
                  key=lambda n: (-undirected.degree(n), n))
    keep.update(rest[: max(0, max_nodes - len(keep))])
    reduced = ordered_subgraph(graph, keep)
    reduced.graph.update(graph.graph)
    what = (f"{shown_requests} of {len(requests)} requests with their neighbours, {REDUCTION_RULE}"
            if requests else "the best-connected nodes")
    note = (f"showing a reduced view: {len(keep):,} of {total:,} nodes ({what}); "
            "use --focus IRI|LABEL to see one case, or --max-nodes N to show more")
    return ReducedView(reduced, total, note)


def _neg_date(date: str) -> str:
    # newest first within a status: invert the ISO digits so that a plain sort descends
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date) if date else "~"


# ---------------------------------------------------------------- exports


def export_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only scalar attributes (str, bool, float) and a graph-level name, for writers."""
    out = nx.MultiDiGraph()
    out.graph["name"] = f"cstograph {graph.graph.get('view', 'requests')} view"
    for node, data in graph.nodes(data=True):
        out.add_node(node, **{k: v for k, v in data.items() if isinstance(v, (str, bool, float, int))})
    for source, target, key, data in graph.edges(keys=True, data=True):
        out.add_edge(source, target, key=key, **{k: v for k, v in data.items() if isinstance(v, (str, bool, float, int))})
    return out

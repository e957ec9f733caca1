"""Materialise the classification as triples: the CONSTRUCT rules of ``queries/infer/``.

The rules run in file-name order, repeatedly, until a pass adds nothing (a fixpoint). They are
stratified: each rule negates only facts that earlier rules of the same pass derive in full,
so the first pass is already complete and the second proves it. They run inside the engine on
its own copy of the data; the caller's files and graphs are never changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from rdflib import Graph, Literal, URIRef

from cstograph.engines.engine import Engine, OxigraphEngine
from cstograph.engines.queries import QuerySpec, bundled_queries, inline_values, run_named, run_query
from cstograph.errors import CstographError, QueryError
from cstograph.namespaces import CG, DERIVED_PREDICATES
from cstograph.rules.classify import pending_bindings

MAX_PASSES = 10
# the named graph that ``derived_beside`` adds to a store for the time of a question
BESIDE_GRAPH = "https://w3id.org/cstograph/ns#inferredForAQuestion"


@dataclass(frozen=True)
class Inference:
    graph: Graph  # the derived triples only
    passes: int
    added_by_rule: dict[str, int]


def inference_rules() -> list[QuerySpec]:
    return sorted((s for s in bundled_queries().values() if s.kind == "infer"), key=lambda s: s.path.name)


def materialise(engine: Engine, *, with_reasons: bool = True, with_graph: bool = True,
                prove: bool = True, as_of=None, into: str | None = None) -> Inference:
    """Run the rules to a fixpoint inside ``engine``; return what they derived.

    ``with_graph=False``, for callers that only query the engine afterwards (the ally tables,
    the export): on Oxigraph each rule's triples then go from the query into the store without
    becoming rdflib terms (the export of 100k triples spent 1.6 s on that), and the returned
    graph is empty. ``prove=False`` runs one pass and skips the second, which only proves that
    the first was complete (2.2 of the export's 27 s at 1M triples): those callers rely on the
    stratification that ``infer`` proves on every run and tests/test_infer.py on every fixture
    and random graph. ``into``: a named graph of the (Oxigraph) engine's store that its default
    graph reads, to hold the derived triples instead of the default graph (``derived_beside``)."""
    if into is not None and (prove or with_reasons or with_graph):
        raise ValueError("into: one pass (prove=False), no reasons, no graph")
    derived = Graph()
    derived.bind("cg", str(CG._NS))
    added_by_rule: dict[str, int] = {}
    window = pending_bindings(as_of)  # the status rule's pending window (today when as_of is None)
    rules = [replace(rule, text=inline_values(rule.text, window)) if "pendingFrom" in rule.text else rule
             for rule in inference_rules()]
    inside = not with_graph and isinstance(engine, OxigraphEngine)
    for passes in range(1, MAX_PASSES + 1):  # noqa: B007 - the count is returned after the loop
        added = 0
        for rule in rules:
            if into is not None:
                new = _add_into(engine, rule, into)
            elif inside:
                try:
                    new = engine.add_construct(rule.text)
                except QueryError as exc:
                    raise QueryError(f"{rule.path.name}: {exc.message}", hint=exc.hint) from exc
            else:
                result = run_query(engine, rule)
                assert result.graph is not None
                new = engine.add(result.graph)
                if with_graph:
                    derived += result.graph
            added += new
            added_by_rule[rule.name] = added_by_rule.get(rule.name, 0) + new
        if added == 0 or not prove:
            break
    else:
        raise CstographError(f"the inference rules did not reach a fixpoint in {MAX_PASSES} passes")
    if with_reasons:
        reasons = Graph()
        for row in run_named(engine, "request-status", window).records():
            reasons.add((row["request"], CG.statusReason, Literal(str(row["reason"]))))
        engine.add(reasons)
        if with_graph:
            derived += reasons
    return Inference(derived, passes, added_by_rule)


def _add_into(engine: OxigraphEngine, rule: QuerySpec, graph: str) -> int:
    """A rule's triples added to ``graph`` of the engine's store, as N-Triples (no rdflib terms);
    how many: its distinct lines (one pass into a graph that held none of the derived predicates,
    so each is new; counting the store instead scans all of it, twice per rule)."""
    ox = engine._ox
    try:
        data = engine.construct_ntriples(rule.text)
    except QueryError as exc:
        raise QueryError(f"{rule.path.name}: {exc.message}", hint=exc.hint) from exc
    engine.store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return len({line for line in data.split(b"\n") if line.strip()})


@contextmanager
def derived_beside(engine: Engine) -> Iterator[Engine | None]:
    """``engine`` with the rules' triples (one pass, as ``materialise(prove=False)``) in a named
    graph of its own store that its default graph reads, removed again on leaving: the questions
    asked inside see the data and the verdicts without a copy of the data (at 3,300 requests the
    copy cost as much as the rules). For an Oxigraph store that is this process's own (the
    caller's word: files read into it, never a store folder another process may read); None
    when the view already holds a derived predicate (a copy leaves those out first) or the
    store holds the graph already: the caller then infers on a copy."""
    if not isinstance(engine, OxigraphEngine) or engine.materialised:
        yield None
        return
    ox = engine._ox
    graph = ox.NamedNode(BESIDE_GRAPH)
    derived = " ".join(f"<{p}>" for p in sorted(DERIVED_PREDICATES))
    if engine.store.contains_named_graph(graph) or bool(engine.raw_query(
            f"ASK {{ VALUES ?p {{ {derived} }} ?s ?p ?o }}")):
        yield None
        return
    try:
        materialise(engine, with_reasons=False, with_graph=False, prove=False, into=BESIDE_GRAPH)
        yield engine
    finally:
        engine.store.remove_graph(graph)


STATUS_BY_CONCEPT = {CG.Met: "met", CG.Unmet: "unmet", CG.NotTriggered: "not-triggered", CG.Pending: "pending"}


def statuses(derived: Graph) -> dict[str, str]:
    """request IRI -> status, read back from materialised triples."""
    return {
        str(request): STATUS_BY_CONCEPT[URIRef(status)]
        for request, status in derived.subject_objects(CG.status)
    }

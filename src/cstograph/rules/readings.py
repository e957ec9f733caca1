"""Readings of the coding manual: the same rules on the ontology with a few vocabulary triples
added or removed, and the verdicts each reading gives.

A reading is data (``cg:Reading`` with ``cg:readingAdds`` / ``cg:readingRemoves``, in the
ontology or in a user's file), read by ``queries/readings/readings.rq``. It is applied as
``Data.view`` applies an account, without copying the user's data: on embedded Oxigraph the
ontology is moved into its own named graph and each reading gets an edited copy of that small
graph (about a thousand triples) in another; the reading's view is the same store with the
ontology's graph swapped for the reading's (``OxigraphEngine.reading_view``). Engines whose
data cannot take new graphs here (rdflib, a read-only store loaded without them, an endpoint)
classify a private copy of the view with the edits applied.

Only the requests whose verdict a reading can change are classified again: those whose
obligation's condition or type, responses' types or stages, or events' classes are among the
nodes the reading edits (``affected-requests.rq``, bound with VALUES).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from cstograph.engines.engine import (
    ONTOLOGY_GRAPH,
    READING_GRAPHS,
    Engine,
    OxigraphEngine,
    RdflibEngine,
    RowsAbout,
    reading_graph_names,
    text_records,
)
from cstograph.engines.queries import (
    answer_kept,
    expand_iri,
    get_query,
    inline_value_list,
    run_named,
    unordered_text_records,
)
from cstograph.engines.store import create_store
from cstograph.errors import CstographError, UsageError
from cstograph.namespaces import CG
from cstograph.reading.resources import ontology_path

Triple = tuple[Node, Node, Node]
BOUND_AT_MOST = 200  # more requests than this: one unbound query, filtered here (measured below)


@dataclass(frozen=True)
class Reading:
    iri: str
    label: str
    definition: str
    adds: tuple[Triple, ...] = ()
    removes: tuple[Triple, ...] = ()

    @property
    def edits(self) -> bool:
        return bool(self.adds or self.removes)

    @property
    def touched(self) -> tuple[URIRef, ...]:
        """The vocabulary nodes the reading edits (the subjects of its triples): a request's
        verdict can change only if it reaches one of them."""
        return tuple(sorted({s for s, _, _ in self.adds + self.removes if isinstance(s, URIRef)}, key=str))

    @property
    def graph(self) -> str:
        """The named graph of this reading's copy of the ontology."""
        return READING_GRAPHS + hashlib.sha256(self.iri.encode("utf-8")).hexdigest()[:16]


def readings_in(engine: Engine) -> list[Reading]:
    """Every reading the data declares (the ontology's six and a user's own), default first."""
    found: dict[str, dict] = {}
    for row in run_named(engine, "readings").records():
        iri = str(row["reading"])
        entry = found.setdefault(iri, {"label": str(row["label"] or iri.rsplit("#", 1)[-1]),
                                       "definition": str(row["definition"] or ""), "add": [], "remove": []})
        if row["change"] is not None:
            entry[str(row["change"])].append((row["subject"], row["predicate"], row["object"]))
    readings = [Reading(iri, e["label"], e["definition"], tuple(e["add"]), tuple(e["remove"]))
                for iri, e in found.items()]
    return sorted(readings, key=lambda r: (r.iri != str(CG.ReadingDefault), r.iri))


def find_reading(readings: Sequence[Reading], wanted: str, namespaces: NamespaceManager | None = None) -> Reading:
    """A reading by IRI, prefixed name, local name with or without "Reading"
    (ReadingWarEntryCounts, WarEntryCounts) or label."""
    try:
        iri = str(expand_iri(wanted, namespaces, what="reading"))
    except CstographError:
        iri = wanted
    needle = wanted.casefold()
    for reading in readings:
        local = reading.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if reading.iri == iri or needle in (local.casefold(), local.casefold().removeprefix("reading"),
                                            reading.label.casefold()):
            return reading
    names = ", ".join(r.iri.rsplit("#", 1)[-1] for r in readings)
    raise UsageError(f"no reading {wanted!r} in the data", hint=f"one of: {names}")


# ---------------------------------------------------------------- the reading's view


@cache
def ontology_triples() -> tuple:
    """The ontology's triples as pyoxigraph terms."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.rules.readings
    import pyoxigraph as ox

    return tuple(ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE))


def _ox_term(term: Node):
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.rules.readings
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))) if term.datatype else ox.Literal(str(term))
    raise UsageError(f"a reading's statement holds {term!r}: readings edit IRIs and literals only")


def add_reading_graphs(store, readings: Iterable[Reading]) -> None:
    """Move the ontology into its own named graph and write each reading's edited copy of it
    into another (once per store and reading). The default graph of every view is unchanged:
    views take the ontology's graph in and leave the readings' graphs out."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.rules.readings
    import pyoxigraph as ox

    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    triples = ontology_triples()
    if not any(True for _ in store.quads_for_pattern(None, None, None, ontology)):
        for t in triples:
            store.add(ox.Quad(t.subject, t.predicate, t.object, ontology))
            store.remove(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    present = reading_graph_names(store)
    for reading in readings:
        if not reading.edits or reading.graph in present:
            continue
        graph = ox.NamedNode(reading.graph)
        removed = {tuple(_ox_term(x) for x in triple) for triple in reading.removes}
        kept = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples
                if (t.subject, t.predicate, t.object) not in removed]
        added = [ox.Quad(*(_ox_term(x) for x in triple), graph) for triple in reading.adds]
        store.extend(kept + added)


def has_reading_graph(view: Engine, reading: Reading) -> bool:
    """Whether the view's store already holds the reading's graph (a store loaded with it)."""
    return isinstance(view, OxigraphEngine) and reading.graph in reading_graph_names(view.store)


def reading_engine(view: Engine, reading: Reading, *, private: bool) -> Engine:
    """An engine whose default graph is ``view`` with the ontology edited by ``reading``.

    ``private``: the view's store belongs to this process (parsed files, an as-of copy), so the
    reading's graph is written into it; otherwise a store already holding the reading's graph is
    used as it is, and anything else is classified on a private copy."""
    if isinstance(view, OxigraphEngine) and (private or reading.graph in reading_graph_names(view.store)):
        if private:
            add_reading_graphs(view.store, [reading])
        return view.reading_view(reading.graph)
    # deferred to the first call: keeps cstograph.engines.data out of importing cstograph.rules.readings
    from cstograph.engines.data import copy_of

    copy = copy_of(view, None)
    if isinstance(copy, RdflibEngine):
        graph = copy.dataset.default_graph
        for triple in reading.removes:
            graph.remove(triple)
        for triple in reading.adds:
            graph.add(triple)
        return copy
    add_reading_graphs(copy.store, [reading])
    return copy.reading_view(reading.graph)


# ---------------------------------------------------------------- verdicts under readings


def affected_requests(view: Engine, reading: Reading, among: Iterable[str] | None = None) -> list[str]:
    """The requests (of ``among``, when given) whose verdict ``reading`` can change."""
    return affected_by_reading(view, [reading], among).get(reading.iri, [])


def affected_by_reading(view: Engine, readings: Sequence[Reading],
                        among: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Reading IRI -> the requests (of ``among``, when given) it can change, for the readings
    that can change any: one query for all of them."""
    text = _affected_text(readings)
    if text is None:
        return {}
    wanted = None if among is None else set(among)
    reached: dict[str, set[str]] = {}
    for row in text_records(view, text, None if wanted is None else RowsAbout("request", wanted)):
        reached.setdefault(row["touched"], set()).add(row["request"])
    found = {}
    for reading in readings:
        requests = set().union(*(reached.get(str(node), set()) for node in reading.touched))
        if wanted is not None:
            requests &= wanted
        if requests:
            found[reading.iri] = sorted(requests)
    return found


def _affected_text(readings: Sequence[Reading]) -> str | None:
    touched = sorted({node for reading in readings for node in reading.touched}, key=str)
    return inline_value_list(get_query("affected-requests").text, "touched", touched) if touched else None


def _status_text(requests: Sequence[str]) -> str:
    """reading-status.rq bound to a few requests with VALUES; for many, unbound: at 100k triples
    the query for every request (3,300) took 0.10 s and the one bound to 2,000 of them 0.29 s, at
    1M triples 4,705 bound requests took 8 s."""
    text = get_query("reading-status").text
    if len(requests) > BOUND_AT_MOST:
        return text
    return inline_value_list(text, "request", [URIRef(r) for r in requests])


def statuses_under(engine: Engine, requests: Sequence[str], shown: Collection[str] | None = None) -> dict[str, str]:
    """Request IRI -> status on ``engine``, for these requests only (reading-status.rq, the
    status rules of request-status.rq without the reason); filed by request, so read unordered.
    ``shown``: of those, only these are kept (the query stays the one for ``requests``, which a
    store answers from what it kept at load time)."""
    keep = RowsAbout("request", set(requests) if shown is None else set(shown).intersection(requests))
    text = get_query("reading-status").text if answer_kept(engine, "reading-status") else _status_text(sorted(set(requests)))
    return {row["request"]: row["status"] or "" for row in unordered_text_records(engine, text, keep)}


def reading_queries(undisputed: OxigraphEngine) -> list[tuple[str | None, str]]:
    """(reading graph or None, query text) of every query the report runs for the readings on
    this data when it classifies every affected request: what a store answers from files kept at
    load time (``engines.store``), as it does for the report's own queries."""
    texts: list[tuple[str | None, str]] = [(None, get_query("readings").text)]
    readings = readings_in(undisputed)
    affected = _affected_text(readings)
    if affected is None:
        return texts
    texts.append((None, affected))
    reached = affected_by_reading(undisputed, readings)
    for reading in readings:
        if reading.iri in reached:
            texts.append((reading.graph, _status_text(reached[reading.iri])))
    return texts


def keep_readings(store) -> list[tuple[str | None, str]]:
    """What a store folder keeps of the readings when it is loaded (``create_store``'s
    ``prepare``): each reading in its own graph, so that report --store computes them on the
    read-only store as on parsed files (every other view leaves them out), and the queries whose
    answers it keeps (``reading_queries``)."""
    add_reading_graphs(store, readings_in(OxigraphEngine(store)))
    return reading_queries(OxigraphEngine(store))


def create_store_with_readings(directory: Path, paths: Sequence[Path] | None, **options):
    """``engines.store.create_store`` keeping the readings of the coding manual, as ``load
    --store`` builds a store."""
    return create_store(directory, paths, prepare=keep_readings, **options)

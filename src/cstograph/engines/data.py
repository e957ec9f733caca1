"""Where the data comes from, and the one way to see it: by an account, as of a date.

``open_data`` opens files (parsed straight into embedded Oxigraph, the default), a store folder
(``--store DIR``), a remote SPARQL endpoint (``--endpoint URL``) or rdflib in memory
(``--engine rdflib``). The ``Data`` it returns answers every question through ``Data.view``:
the data seen by one account (or none: the undisputed data), as of one day (or all of it), as an
engine whose default graph is exactly that view.

How each kind of engine makes a view:

- embedded Oxigraph and stores: the account graph is added to the default graph of a query
  (nothing is copied); ``--as-of`` runs ``queries/viewpoints/as-of.rq`` on that view and
  queries the triples it returns (an in-memory Oxigraph store);
- rdflib: the same two steps on rdflib (the reference engine);
- an endpoint: the server runs ``account-view.rq`` and ``as-of.rq``; the triples it returns
  are queried locally (a server's default graph cannot be changed per query everywhere).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager

from cstograph.engines.accounts import Account, accounts_in, resolve_account
from cstograph.engines.engine import ENGINE_NAMES, Engine, OxigraphEngine, RdflibEngine
from cstograph.engines.queries import get_query, inline_values
from cstograph.errors import UsageError
from cstograph.namespaces import DERIVED_PREDICATES
from cstograph.reading.resources import graphs_dir, ontology_path


@dataclass(frozen=True)
class Viewpoint:
    """Whose facts and which day: ``account`` None is the undisputed data, ``as_of`` None all dates."""

    account: Account | None = None
    as_of: dt.date | None = None


@dataclass
class Data:
    """Opened data: ``engine`` queries the undisputed data (accounts reachable with GRAPH)."""

    engine: Engine
    namespaces: NamespaceManager
    description: str
    kind: str  # files, store, rdflib or endpoint
    store: object | None = None  # the pyoxigraph Store of files or a store folder
    # the validator a store was checked with when it was loaded, when it found no violation
    # (a read-only store cannot change since)
    validated_at_load: str | None = None
    # the report's queries whose answers a store kept for another text of them (an older load)
    stale_answers: tuple[str, ...] = ()
    _dataset: object | None = field(default=None, repr=False)  # rdflib Dataset (engine rdflib only)
    _views: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------ accounts and views

    @cached_property
    def accounts(self) -> list[Account]:
        return accounts_in(self.engine)

    def account(self, wanted: str | Account | None) -> Account | None:
        """The account a user named (IRI, prefixed name, label or party); None stays None."""
        return None if wanted is None else resolve_account(self.accounts, wanted, self.namespaces)

    def viewpoint(self, according_to: str | Account | None = None, as_of: dt.date | None = None) -> Viewpoint:
        return Viewpoint(self.account(according_to), as_of)

    def view(self, viewpoint: Viewpoint = Viewpoint()) -> Engine:
        """An engine whose default graph is the data seen from ``viewpoint``. Views are cached,
        and the views of embedded data share its store: add nothing to them (see ``copy``)."""
        found = self._views.get(viewpoint)
        if found is None:
            found = self._views[viewpoint] = self._make_view(viewpoint)
        return found

    def _make_view(self, viewpoint: Viewpoint) -> Engine:
        if viewpoint.as_of is not None:
            base = self.view(Viewpoint(viewpoint.account))
            return copy_of(base, "as-of", {"asOf": _date_literal(viewpoint.as_of)})
        account = viewpoint.account
        if account is None:
            return self.engine
        others = frozenset(a.iri for a in self.accounts) - {account.iri}
        if isinstance(self.engine, OxigraphEngine):
            return self.engine.view(others)
        if isinstance(self.engine, RdflibEngine):
            return RdflibEngine(self._dataset, excluded=others)
        return copy_of(self.engine, "account-view", {"account": URIRef(account.iri)})

    def copy(self, viewpoint: Viewpoint = Viewpoint()) -> Engine:
        """A private, writable copy of a view (the inference rules add triples to it)."""
        return copy_of(self.view(viewpoint), None)

    def rdflib_dataset(self):
        """Every graph of the data as an rdflib Dataset (to write it out with derived triples)."""
        if self._dataset is not None:
            return self._dataset
        if self.store is None:
            raise UsageError(
                f"this needs the data locally, not {self.description}",
                hint="pass the files as PATH arguments or use --store DIR",
            )
        # deferred to the first call: keeps cstograph.engines.store out of `import cstograph`
        from cstograph.engines.store import store_dataset

        return store_dataset(self.store, {p: str(n) for p, n in self.namespaces.namespaces()})


def namespace_manager(prefixes: dict[str, str]) -> NamespaceManager:
    # deferred to the first call: keeps cstograph.engines.store out of `import cstograph`
    from cstograph.engines.store import scan_prefixes

    manager = NamespaceManager(Graph(), bind_namespaces="core")
    for prefix, iri in {**scan_prefixes(ontology_path()), **prefixes}.items():
        manager.bind(prefix, iri, override=True, replace=True)
    return manager


def _date_literal(day: dt.date):
    return Literal(day.isoformat(), datatype=XSD.date)


# Every triple of a view but the verdicts derived earlier (a file written by `infer --with-data`):
# the copy is made for the inference rules, which derive them again for this view.
_DERIVED = sorted(str(p) for p in DERIVED_PREDICATES)
_COPY_FACTS = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  ?s ?p ?o
  FILTER (?p NOT IN ({", ".join(f"<{iri}>" for iri in _DERIVED)}))
}}"""
# the same on a copy made of every triple: one DELETE per predicate reads that predicate's index only
_DROP_DERIVED = ";\n".join(f"DELETE WHERE {{ ?s <{iri}> ?o }}" for iri in _DERIVED)


def copy_of(engine: Engine, query_name: str | None, bindings: dict | None = None) -> Engine:
    """The triples a viewpoint CONSTRUCT query (None: every triple of the default graph) returns
    on ``engine``, held by a new engine of the same family (rdflib stays rdflib; Oxigraph and
    endpoints give an in-memory Oxigraph store). The copy's default graph is those triples."""
    # deferred to the first call: keeps pyoxigraph out of `import cstograph`
    import pyoxigraph as ox

    text = (_COPY_FACTS if query_name is None else inline_values(get_query(query_name).text, bindings))
    if isinstance(engine, RdflibEngine):
        dataset = Dataset()
        for prefix, namespace in engine.dataset.namespaces():
            dataset.bind(prefix, namespace, override=False)
        dataset.default_graph += engine.query(text).graph
        return RdflibEngine(dataset, excluded=frozenset())
    target = ox.Store()
    if isinstance(engine, OxigraphEngine) and query_name is None:  # every fact: dumped, not queried
        for data in engine.default_graph_ntriples():  # (1M: 5.2 to 2.2 s)
            target.load(data, format=ox.RdfFormat.N_TRIPLES)
        target.update(_DROP_DERIVED)
    elif isinstance(engine, OxigraphEngine):  # as N-Triples, never as Python objects (1M: 4.8 to 4.1 s)
        target.load(engine.construct_ntriples(text), format=ox.RdfFormat.N_TRIPLES)
    else:  # a remote endpoint: its N-Triples answer straight into the store
        named = tuple(str(v) for v in (bindings or {}).values() if isinstance(v, URIRef))
        target.load(engine.construct_ntriples(text, named), format=ox.RdfFormat.N_TRIPLES)
    return OxigraphEngine(target, excluded=frozenset())


# What a request's status reads (queries/readings/reading-status.rq), as node look-ups from the
# requests: the nodes they point at two steps out (requester, addressee, obligation, events; then
# the treaty, trigger condition, obligation type, event classes, a response's type and stage),
# the responses to them, the alliances founded on those treaties and the memberships and
# suspensions in those alliances. Each look-up binds a batch of nodes with VALUES.
_CG = "https://w3id.org/cstograph/ns#"
_POINTED_AT = "SELECT DISTINCT ?n WHERE { VALUES ?s { %s } ?s ?p ?n FILTER (!isLITERAL(?n)) }"
_POINTING = "SELECT DISTINCT ?n WHERE { VALUES ?o { %s } ?n <%s> ?o }"
# the class hierarchy and what fulfils what, copied whole (the schema, not the data)
_SCHEMA = ("CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?p { <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
           f"<{_CG}fulfils> <{_CG}countsAsDelivered> <{_CG}requiresEventType> <{_CG}onAnyTerritory> }} ?s ?p ?o }}")
_FACTS_OF = ("CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { %s } ?s ?p ?o "
             f"FILTER (?p NOT IN ({', '.join(f'<{iri}>' for iri in _DERIVED)})) }}")
NODES_PER_QUERY = 500


class BlankNodeReached(Exception):
    """A look-up reached a blank node, which a later query cannot name."""


def _nodes(engine: Engine, template: str, nodes: Sequence[str], *args: str) -> set[str]:
    found: set[str] = set()
    ordered = sorted(nodes)
    for start in range(0, len(ordered), NODES_PER_QUERY):
        values = " ".join(f"<{n}>" for n in ordered[start:start + NODES_PER_QUERY])
        for row in engine.query(template % ((values,) + args)).rows:
            if isinstance(row[0], BNode):
                raise BlankNodeReached
            if row[0] is not None:
                found.add(str(row[0]))
    return found


def copy_around(engine: Engine, requests: Sequence[str]) -> Engine:
    """The facts these requests' statuses read, in an in-memory Oxigraph store: those of the
    requests, of what they point at two steps out, of their responses, of the alliances founded
    on their treaties and of those alliances' memberships and suspensions, with the class
    hierarchy and cg:fulfils whole. reading-status.rq gives these requests the statuses it gives
    them on the whole graph, and the copy is bound by the requests, not by the graph (an
    endpoint's whole default graph can be more than the server answers in one query, and more
    than the client should hold). Data reached through a blank node falls back to the whole copy."""
    # deferred to the first call: keeps pyoxigraph out of `import cstograph`
    import pyoxigraph as ox

    try:
        first = set(requests)
        first |= _nodes(engine, _POINTED_AT, list(first)) | _nodes(engine, _POINTING, list(requests), _CG + "respondsTo")
        second = _nodes(engine, _POINTED_AT, list(first - set(requests)))
        alliances = _nodes(engine, _POINTING, list(second), _CG + "foundedOn")
        parts = (_nodes(engine, _POINTING, list(alliances), _CG + "alliance")
                 | _nodes(engine, _POINTING, list(alliances), _CG + "suspendedIn"))
    except BlankNodeReached:
        return copy_of(engine, None)
    nodes = sorted(first | second | alliances | parts)
    target = ox.Store()
    target.load(_ntriples(engine, _SCHEMA), format=ox.RdfFormat.N_TRIPLES)
    for start in range(0, len(nodes), NODES_PER_QUERY):
        values = " ".join(f"<{n}>" for n in nodes[start:start + NODES_PER_QUERY])
        target.load(_ntriples(engine, _FACTS_OF % values), format=ox.RdfFormat.N_TRIPLES)
    return OxigraphEngine(target, excluded=frozenset())


def _ntriples(engine: Engine, text: str) -> bytes:
    if isinstance(engine, RdflibEngine):
        return engine.query(text).graph.serialize(format="nt", encoding="utf-8")
    return engine.construct_ntriples(text)


ENDPOINT_TIMEOUT_VARIABLE = "CSTOGRAPH_ENDPOINT_TIMEOUT"


def endpoint_timeout(default: float) -> float:
    """Seconds to wait for a server's answer to one query: ``CSTOGRAPH_ENDPOINT_TIMEOUT``, else
    ``default``. A graph of tens of millions of triples on a busy server may need more."""
    text = os.environ.get(ENDPOINT_TIMEOUT_VARIABLE, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise UsageError(f"{ENDPOINT_TIMEOUT_VARIABLE}={text!r} is not a number of seconds",
                         hint="write it like 3600 (seconds, more than 0)")
    return seconds


def open_data(
    paths: Sequence[Path] | None = None,
    *,
    engine: str = "oxigraph",
    store: Path | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    default_graph: str | None = None,
) -> Data:
    """Open the data named one way: files (the bundled graphs when none), a store, an endpoint."""
    if engine not in ENGINE_NAMES:
        raise UsageError(f"unknown engine {engine!r}", hint="choose one of " + ", ".join(ENGINE_NAMES))
    given = [name for name, value in (("PATH", paths), ("--store", store), ("--endpoint", endpoint)) if value]
    if len(given) > 1:
        raise UsageError(
            f"{' and '.join(given)} cannot be used together",
            hint="name the data one way: files, a store folder, or an endpoint",
        )
    if (store or endpoint) and engine != "oxigraph":
        raise UsageError(f"--engine {engine} works on files only (--store and --endpoint bring their own engine)")

    if endpoint:
        # deferred to the first call: keeps cstograph.engines.endpoint out of `import cstograph`
        from cstograph.engines.endpoint import DEFAULT_TIMEOUT, EndpointEngine

        remote = EndpointEngine(endpoint, timeout=timeout or endpoint_timeout(DEFAULT_TIMEOUT), default_graph=default_graph)
        return Data(remote, namespace_manager({}), f"the endpoint {endpoint}", "endpoint")

    if store:
        # deferred to the first call: keeps cstograph.engines.store out of `import cstograph`
        from cstograph.engines.store import open_store, stale_answers

        oxstore, info = open_store(store)
        return Data(OxigraphEngine(oxstore, materialised=info.materialised, triples=info.triples),
                    namespace_manager(info.prefixes),
                    f"the store {store}", "store", store=oxstore,
                    validated_at_load=info.validated_with if info.violations == 0 else None,
                    stale_answers=stale_answers(info))

    if engine == "rdflib":
        # deferred to the first call: keeps cstograph.reading.rdf_files out of `import cstograph`
        from cstograph.reading.rdf_files import load_dataset

        dataset = load_dataset(paths)
        return Data(RdflibEngine(dataset), dataset.namespace_manager, "rdflib in memory", "rdflib", _dataset=dataset)

    # deferred to the first call: keeps cstograph.engines.store, cstograph.reading.rdf_files out of `import cstograph`
    from cstograph.engines.store import fits_in_memory, load_files, temporary_store
    from cstograph.reading.rdf_files import expand_paths

    files = expand_paths(paths if paths else [graphs_dir()])
    in_memory = fits_in_memory(files)
    if in_memory:
        loaded = load_files(files)
        where = "Oxigraph in memory"
    else:  # larger than the memory budget: streamed into a store on disk, read there
        loaded = temporary_store(files)
        where = "Oxigraph on disk (a temporary store: the files exceed the memory budget)"
    return Data(OxigraphEngine(loaded.store, loaded.answers, in_memory=in_memory), namespace_manager(loaded.prefixes),
                where, "files", store=loaded.store)

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager

from cstograph.engines.accounts import Account, accounts_in, resolve_account
from cstograph.engines.engine import ENGINE_NAMES, Engine, OxigraphEngine, RdflibEngine
from cstograph.errors import UsageError
from cstograph.namespaces import DERIVED_PREDICATES
from cstograph.reading.resources import ontology_path
from cstograph.rules.validate import ValidationReport

VALIDATORS = ("auto", "scan", "sparql", "pyshacl")



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
    _recorded: Callable[[str], ValidationReport | None] | None = field(default=None, repr=False)
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
        from cstograph.engines.store import store_dataset

        return store_dataset(self.store, {p: str(n) for p, n in self.namespaces.namespaces()})

    # ------------------------------------------------------------ validation

    def validate(self, validator: str = "auto", *, use_recorded: bool = True) -> ValidationReport | None:
        """SHACL validation: the undisputed data, and each account's view when there are accounts
        (accounts may contradict each other, so their union is never validated).

        ``validator``: ``sparql`` (the shapes compiled to set-based queries on this engine),
        ``scan`` (the same checks read from embedded Oxigraph's indexes in Python, several
        times faster), ``pyshacl`` (the reference), or ``auto`` (scan on embedded Oxigraph and
        sparql on an endpoint when the shapes compile, else pyshacl; pyshacl on rdflib).
        ``use_recorded``: a store validated at load time without violations answers from its
        record; False validates again and lists every warning.
        None when the data cannot be validated here.
        """
        if validator not in VALIDATORS:
            raise UsageError(f"unknown validator {validator!r}", hint="choose one of " + ", ".join(VALIDATORS))
        _refuse_validator_here(self.engine, validator)
        if use_recorded and validator == "auto" and self._recorded is not None:
            recorded = self._recorded(validator)
            if recorded is not None:
                return recorded
        from cstograph.base.progress import phase

        with phase("validating"):
            return self._validate(validator)

    def _validate(self, validator: str) -> ValidationReport | None:
        from cstograph.rules.validate import merge_reports, validate_store, validate_views

        use_reference = validator == "pyshacl" or (validator == "auto" and isinstance(self.engine, RdflibEngine))
        compiled = None if use_reference else _compiled_shapes(validator)
        if compiled is not None:
            from cstograph.rules.fastshacl import ENGINE_NAME, METHODS, validate_with_engine

            viewpoints = [Viewpoint(), *(Viewpoint(a) for a in self.accounts)]
            method = validator if validator in METHODS else "auto"
            return merge_reports((validate_with_engine(self.view(v), *compiled, method=method) for v in viewpoints),
                                 engine=ENGINE_NAME)
        if self._dataset is not None:
            return validate_views(self._dataset)
        if self.store is not None:
            if not self.accounts:
                return validate_store(self.store)
            from cstograph.engines.store import store_dataset

            return validate_views(store_dataset(self.store))
        if validator == "pyshacl":
            raise UsageError("pyshacl needs the data locally", hint="use --validator sparql on an endpoint")
        return None


def namespace_manager(prefixes: dict[str, str]) -> NamespaceManager:
    from cstograph.engines.store import scan_prefixes

    manager = NamespaceManager(Graph(), bind_namespaces="core")
    for prefix, iri in {**scan_prefixes(ontology_path()), **prefixes}.items():
        manager.bind(prefix, iri, override=True, replace=True)
    return manager


def _date_literal(day: dt.date):
    from rdflib import Literal
    from rdflib.namespace import XSD

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
    import pyoxigraph as ox

    from cstograph.engines.queries import get_query, inline_values

    text = (_COPY_FACTS if query_name is None else inline_values(get_query(query_name).text, bindings))
    if isinstance(engine, RdflibEngine):
        from rdflib import Dataset

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


def _refuse_validator_here(engine: Engine, validator: str) -> None:
    if validator == "scan" and not isinstance(engine, OxigraphEngine):
        rdflib = isinstance(engine, RdflibEngine)
        raise UsageError(
            "--validator scan reads embedded Oxigraph's indexes and does not run on "
            + ("--engine rdflib" if rdflib else "a SPARQL endpoint"),
            hint="use --validator pyshacl (the default with --engine rdflib)" if rdflib
            else "use --validator sparql (the same checks as SPARQL queries; the default on an endpoint)",
        )
    if validator == "sparql" and isinstance(engine, RdflibEngine):
        raise UsageError(
            "--validator sparql does not run on --engine rdflib: rdflib evaluates a FILTER beside a "
            "sub-select inside OPTIONAL without the outer variables, so the compiled shapes would be wrong",
            hint="use the default engine for the set-based validator, or --validator pyshacl",
        )


def _compiled_shapes(validator: str):
    """(shapes, compiled shapes), or None when they do not compile (then pyshacl runs, unless
    the user asked for the set-based validator)."""
    from cstograph.reading.rdf_files import load_shapes
    from cstograph.rules.fastshacl import Unsupported, compile_shapes

    shapes = load_shapes()
    try:
        return shapes, compile_shapes(shapes)
    except Unsupported as exc:
        if validator in ("sparql", "scan"):
            raise UsageError(f"the shapes cannot be compiled to set-based checks: {exc}",
                             hint="use --validator pyshacl") from None
        return None


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
        from cstograph.engines.endpoint import DEFAULT_TIMEOUT, EndpointEngine

        remote = EndpointEngine(endpoint, timeout=timeout or DEFAULT_TIMEOUT, default_graph=default_graph)
        return Data(remote, namespace_manager({}), f"the endpoint {endpoint}", "endpoint")

    if store:
        from cstograph.engines.store import open_store

        oxstore, info = open_store(store)

        def recorded(validator: str) -> ValidationReport | None:
            if info.violations == 0:  # validated when loaded, and a read-only store cannot change
                return ValidationReport((), engine=f"{info.validated_with} (at load time)")
            return None

        return Data(OxigraphEngine(oxstore, materialised=info.materialised), namespace_manager(info.prefixes),
                    f"the store {store}", "store", store=oxstore, _recorded=recorded)

    if engine == "rdflib":
        from cstograph.reading.rdf_files import load_dataset

        dataset = load_dataset(paths)
        return Data(RdflibEngine(dataset), dataset.namespace_manager, "rdflib in memory", "rdflib", _dataset=dataset)

    from cstograph.engines.store import fits_in_memory, load_files, temporary_store
    from cstograph.reading.rdf_files import expand_paths
    from cstograph.reading.resources import graphs_dir

    files = expand_paths(paths if paths else [graphs_dir()])
    if fits_in_memory(files):
        loaded = load_files(files)
        where = "Oxigraph in memory"
    else:  # larger than the memory budget: streamed into a store on disk, read there
        loaded = temporary_store(files)
        where = "Oxigraph on disk (a temporary store: the files exceed the memory budget)"
    return Data(OxigraphEngine(loaded.store), namespace_manager(loaded.prefixes), where, "files",
                store=loaded.store)


def validate_oxigraph_store(store, validator: str = "auto") -> ValidationReport:
    """Validate a pyoxigraph store that holds the data and the ontology (used by ``load``), one
    view at a time when it holds accounts."""
    data = Data(OxigraphEngine(store), namespace_manager({}), "the store", "files", store=store)
    return data.validate(validator)

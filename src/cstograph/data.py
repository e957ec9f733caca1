"""Where the data comes from, and the engine that answers queries about it.

``open_data`` is what every command calls: files parsed straight into embedded Oxigraph (the
default), a persistent store folder (``--store DIR``), a remote SPARQL endpoint
(``--endpoint URL``), or rdflib in memory (``--engine rdflib``). It returns a ``Data`` with the
engine, the prefixes for display, and a ``validate()`` suited to the source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import NamespaceManager

from cstograph.engine import ENGINE_NAMES, Engine, OxigraphEngine, RdflibEngine
from cstograph.errors import CstographError
from cstograph.resources import ontology_path
from cstograph.validate import ValidationReport


VALIDATORS = ("auto", "sparql", "pyshacl")


class UsageError(CstographError):
    """Options that cannot be used together."""


@dataclass
class Data:
    engine: Engine
    namespaces: NamespaceManager
    description: str
    _validate: Callable[[str], ValidationReport | None]
    store: object | None = None  # the pyoxigraph Store, when the engine is embedded Oxigraph
    _dataset: Callable[[], object] | None = field(default=None, repr=False)

    def validate(self, validator: str = "auto", *, use_recorded: bool = True) -> ValidationReport | None:
        """SHACL validation of the data.

        ``validator``: ``sparql`` (the shapes compiled to set-based queries on this engine),
        ``pyshacl`` (the reference), or ``auto`` (sparql when the shapes compile, else pyshacl).
        None when the data cannot be validated here (pyshacl on a remote endpoint).
        ``use_recorded``: a store validated at load time without violations answers from its
        record (enough for the report); pass False to list every warning again.
        """
        if validator not in VALIDATORS:
            raise UsageError(f"unknown validator {validator!r}", hint="choose one of " + ", ".join(VALIDATORS))
        if not use_recorded and validator == "auto":
            validator = "auto-full"
        return self._validate(validator)

    def validate_views(self, validator: str = "auto") -> ValidationReport:
        """Validate data holding accounts one view at a time: the undisputed data, then each
        account with it (accounts may contradict each other, so their union is never validated).

        On Oxigraph (files or --store) the compiled shapes run on views of the one store;
        ``pyshacl``, or another engine, runs the reference on rdflib copies (validate.validate_views).
        """
        from cstograph.accounts import store_views
        from cstograph.fastshacl import ENGINE_NAME, validate_with_engine
        from cstograph.validate import merge_reports, validate_views

        if validator not in VALIDATORS:
            raise UsageError(f"unknown validator {validator!r}", hint="choose one of " + ", ".join(VALIDATORS))
        _refuse_sparql_on_rdflib(self.engine, validator)
        compiled = _compiled_shapes(validator) if isinstance(self.engine, OxigraphEngine) and validator != "pyshacl" else None
        if compiled is None:
            return validate_views(self.rdflib_dataset())
        accounts, engine_for = store_views(self.engine)
        views = [engine_for(None), *(engine_for(a) for a in accounts)]
        return merge_reports((validate_with_engine(view, *compiled) for view in views), engine=ENGINE_NAME)

    def rdflib_dataset(self):
        """The data as an rdflib Dataset, for features that need rdflib objects."""
        if self._dataset is None:
            raise UsageError(
                f"this command needs the data locally, not {self.description}",
                hint="pass the files as PATH arguments or use --store DIR",
            )
        return self._dataset()


def namespace_manager(prefixes: dict[str, str]) -> NamespaceManager:
    from cstograph.store import scan_prefixes

    manager = NamespaceManager(Graph(), bind_namespaces="core")
    for prefix, iri in {**scan_prefixes(ontology_path()), **prefixes}.items():
        manager.bind(prefix, iri, override=True, replace=True)
    return manager


def _refuse_sparql_on_rdflib(engine: Engine, validator: str) -> None:
    if validator == "sparql" and isinstance(engine, RdflibEngine):
        raise UsageError(
            "--validator sparql does not run on --engine rdflib: rdflib evaluates a FILTER beside a "
            "sub-select inside OPTIONAL without the outer variables, so the compiled shapes would be wrong",
            hint="use the default engine for the set-based validator, or --validator pyshacl",
        )


def _compiled_shapes(validator: str):
    """(shapes, compiled shapes), or None when they do not compile (then pyshacl runs, unless
    the user asked for the set-based validator)."""
    from cstograph.fastshacl import Unsupported, compile_shapes
    from cstograph.load import load_shapes

    shapes = load_shapes()
    try:
        return shapes, compile_shapes(shapes)
    except Unsupported as exc:
        if validator == "sparql":
            raise UsageError(f"the shapes cannot be compiled to SPARQL: {exc}", hint="use --validator pyshacl") from None
        return None


def _validator_for(engine: Engine, reference: Callable[[], ValidationReport] | None, *, prefer_reference: bool = False):
    """validate(validator) for data held by ``engine``; ``reference`` runs pyshacl (None: impossible).

    ``prefer_reference``: ``auto`` means pyshacl (for rdflib, whose SPARQL evaluation is slower).
    """

    def run(validator: str) -> ValidationReport | None:
        from cstograph.fastshacl import validate_with_engine

        validator = "auto" if validator == "auto-full" else validator
        _refuse_sparql_on_rdflib(engine, validator)
        if validator == "sparql" or (validator == "auto" and not prefer_reference):
            compiled = _compiled_shapes(validator)
            if compiled is not None:
                return validate_with_engine(engine, *compiled)
        if reference is None:
            if validator == "pyshacl":
                raise UsageError("pyshacl needs the data locally", hint="use --validator sparql on an endpoint")
            return None
        return reference()

    return run


def open_data(
    paths: Sequence[Path] | None = None,
    *,
    engine: str = "oxigraph",
    store: Path | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    default_graph: str | None = None,
) -> Data:
    from cstograph.validate import validate_dataset, validate_store

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
        from cstograph.endpoint import DEFAULT_TIMEOUT, EndpointEngine

        remote = EndpointEngine(endpoint, timeout=timeout or DEFAULT_TIMEOUT, default_graph=default_graph)
        return Data(remote, namespace_manager({}), f"the endpoint {endpoint}", _validator_for(remote, None))

    if store:
        from cstograph.store import open_store

        oxstore, info = open_store(store)

        engine_on_store = OxigraphEngine(oxstore, materialised=info.materialised)
        validate_here = _validator_for(engine_on_store, lambda: validate_store(oxstore))

        def validate_recorded(validator: str) -> ValidationReport:
            if validator == "auto-full":
                return validate_here("auto")
            if info.violations == 0 and validator == "auto":
                # validated when loaded, and a read-only store cannot change since
                return ValidationReport((), engine=f"{info.validated_with} (at load time)")
            return validate_here(validator)

        def as_dataset():  # the store's own contents: a snapshot, whatever became of the files
            from cstograph.store import store_dataset

            return store_dataset(oxstore, info.prefixes)

        return Data(engine_on_store, namespace_manager(info.prefixes), f"the store {store}",
                    validate_recorded, store=oxstore, _dataset=as_dataset)

    if engine == "rdflib":
        from cstograph.load import load_dataset

        dataset = load_dataset(paths)
        rdflib_engine = RdflibEngine(dataset)
        return Data(rdflib_engine, dataset.namespace_manager, "rdflib in memory",
                    _validator_for(rdflib_engine, lambda: validate_dataset(dataset), prefer_reference=True), _dataset=lambda: dataset)

    from cstograph.store import load_files

    loaded = load_files(paths)

    def as_dataset():
        from cstograph.load import load_dataset

        return load_dataset(paths)

    engine_in_memory = OxigraphEngine(loaded.store)
    return Data(engine_in_memory, namespace_manager(loaded.prefixes), "Oxigraph in memory",
                _validator_for(engine_in_memory, lambda: validate_store(loaded.store)),
                store=loaded.store, _dataset=as_dataset)


def validate_oxigraph_store(store, validator: str = "auto", paths=None) -> ValidationReport:
    """Validate a pyoxigraph store that holds the data and the ontology (used by ``load``).

    Data holding accounts (cg:Account named graphs) is validated one account view at a time
    (see Data.validate_views); ``paths`` are read again only for ``--validator pyshacl``."""
    from cstograph.queries import run_named
    from cstograph.validate import validate_store

    engine = OxigraphEngine(store)
    if run_named(engine, "accounts").rows:
        from cstograph.load import load_dataset

        data = Data(engine, namespace_manager({}), "the store", lambda _: None, store=store,
                    _dataset=lambda: load_dataset(list(paths) if paths else None))
        return data.validate_views(validator)
    return _validator_for(engine, lambda: validate_store(store))(validator)

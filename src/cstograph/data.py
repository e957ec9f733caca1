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


class UsageError(CstographError):
    """Options that cannot be used together."""


@dataclass
class Data:
    engine: Engine
    namespaces: NamespaceManager
    description: str
    _validate: Callable[[], ValidationReport | None]
    store: object | None = None  # the pyoxigraph Store, when the engine is embedded Oxigraph
    _dataset: Callable[[], object] | None = field(default=None, repr=False)

    def validate(self) -> ValidationReport | None:
        """SHACL validation of the data; None when it cannot be done here (a remote endpoint)."""
        return self._validate()

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
        return Data(remote, namespace_manager({}), f"the endpoint {endpoint}", lambda: None)

    if store:
        from cstograph.store import open_store

        oxstore, info = open_store(store)

        def validate_recorded() -> ValidationReport:
            if info.violations == 0:  # validated when loaded, and a read-only store cannot change
                return ValidationReport((), engine=f"{info.validated_with} (at load time)")
            return validate_store(oxstore)

        def as_dataset():
            from cstograph.load import load_dataset

            return load_dataset([Path(f) for f in info.files])

        return Data(OxigraphEngine(oxstore), namespace_manager(info.prefixes), f"the store {store}",
                    validate_recorded, store=oxstore, _dataset=as_dataset)

    if engine == "rdflib":
        from cstograph.load import load_dataset

        dataset = load_dataset(paths)
        return Data(RdflibEngine(dataset), dataset.namespace_manager, "rdflib in memory",
                    lambda: validate_dataset(dataset), _dataset=lambda: dataset)

    from cstograph.store import load_files

    loaded = load_files(paths)

    def as_dataset():
        from cstograph.load import load_dataset

        return load_dataset(paths)

    return Data(OxigraphEngine(loaded.store), namespace_manager(loaded.prefixes), "Oxigraph in memory",
                lambda: validate_store(loaded.store), store=loaded.store, _dataset=as_dataset)

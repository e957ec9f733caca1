"""Which validator checks opened data, and how: the undisputed data and each account's view,
never the union of accounts (they may contradict each other).

``validator``: ``sparql`` (the shapes compiled to set-based queries on the data's engine),
``scan`` (the same checks read from embedded Oxigraph's indexes in Python, several times
faster), ``pyshacl`` (the reference), or ``auto`` (scan on embedded Oxigraph and sparql on an
endpoint when the shapes compile, else pyshacl; pyshacl on rdflib).
"""

from __future__ import annotations

from cstograph.base.progress import phase
from cstograph.engines.data import Data, Viewpoint, namespace_manager
from cstograph.engines.engine import Engine, OxigraphEngine, RdflibEngine
from cstograph.engines.store import store_dataset
from cstograph.errors import UsageError
from cstograph.reading.rdf_files import load_shapes
from cstograph.rules.fastshacl import ENGINE_NAME, METHODS, Unsupported, compile_shapes, validate_with_engine
from cstograph.rules.validate import ValidationReport, merge_reports, validate_store, validate_views

VALIDATORS = ("auto", "scan", "sparql", "pyshacl")


def validate_data(data: Data, validator: str = "auto", *, use_recorded: bool = True) -> ValidationReport | None:
    """SHACL validation of ``data``: the undisputed data, and each account's view when there are
    accounts. ``use_recorded``: a store validated at load time without violations answers from
    its record; False validates again and lists every warning. None when the data cannot be
    validated here."""
    if validator not in VALIDATORS:
        raise UsageError(f"unknown validator {validator!r}", hint="choose one of " + ", ".join(VALIDATORS))
    _refuse_validator_here(data.engine, validator)
    if use_recorded and validator == "auto" and data.validated_at_load is not None:
        return ValidationReport((), engine=f"{data.validated_at_load} (at load time)")
    with phase("validating"):
        return _validate(data, validator)


def _validate(data: Data, validator: str) -> ValidationReport | None:
    use_reference = validator == "pyshacl" or (validator == "auto" and isinstance(data.engine, RdflibEngine))
    compiled = None if use_reference else _compiled_shapes(validator)
    if compiled is not None:
        viewpoints = [Viewpoint(), *(Viewpoint(a) for a in data.accounts)]
        method = validator if validator in METHODS else "auto"
        return merge_reports((validate_with_engine(data.view(v), *compiled, method=method) for v in viewpoints),
                             engine=ENGINE_NAME)
    if data.kind == "rdflib":  # the rdflib Dataset the files were parsed into
        return validate_views(data.rdflib_dataset())
    if data.store is not None:
        if not data.accounts:
            return validate_store(data.store)
        return validate_views(store_dataset(data.store))
    if validator == "pyshacl":
        raise UsageError("pyshacl needs the data locally", hint="use --validator sparql on an endpoint")
    return None


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
    shapes = load_shapes()
    try:
        return shapes, compile_shapes(shapes)
    except Unsupported as exc:
        if validator in ("sparql", "scan"):
            raise UsageError(f"the shapes cannot be compiled to set-based checks: {exc}",
                             hint="use --validator pyshacl") from None
        return None


def validate_oxigraph_store(store, validator: str = "auto", *, in_memory: bool = False) -> ValidationReport:
    """Validate a pyoxigraph store that holds the data and the ontology (used by ``load``), one
    view at a time when it holds accounts; ``in_memory``: the store is held in memory (the files
    fitted the memory budget), so the scan may read path by path."""
    data = Data(OxigraphEngine(store, in_memory=in_memory), namespace_manager({}), "the store", "files", store=store)
    return validate_data(data, validator)

"""SHACL validation of the data (plus the ontology, so concept schemes and subclasses are known)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, Graph, Namespace
from rdflib.namespace import RDF

from cstograph.errors import ShapesError
from cstograph.load import load_shapes, union_graph

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationIssue:
    severity: str  # Violation, Warning or Info
    focus: str
    path: str | None
    message: str
    value: str | None
    shape: str | None
    component: str | None


@dataclass(frozen=True)
class ValidationReport:
    issues: tuple[ValidationIssue, ...]
    engine: str = "pyshacl"

    @property
    def violations(self) -> tuple[ValidationIssue, ...]:
        return tuple(i for i in self.issues if i.severity == "Violation")

    @property
    def conforms(self) -> bool:
        """Conforms to the contract: no violations (warnings and infos are advice)."""
        return not self.violations


def _text(graph: Graph, node, prop) -> str | None:
    value = graph.value(node, prop)
    return None if value is None else str(value)


def validate_dataset(dataset: Dataset, shapes: Graph | None = None) -> ValidationReport:
    """Validate the union of all graphs in ``dataset`` (which holds the ontology) with pyshacl."""
    return validate_graph(union_graph(dataset), shapes)


def store_union_graph(store) -> Graph:
    """All triples of a pyoxigraph store (every graph) as one rdflib Graph, for pyshacl."""
    from cstograph.engine import ox_to_rdflib

    graph = Graph()
    cache: dict = {}

    def term(t):
        key = (type(t), t.value) if not hasattr(t, "datatype") else None
        if key is None:
            return ox_to_rdflib(t)
        found = cache.get(key)
        if found is None:
            found = cache[key] = ox_to_rdflib(t)
        return found

    graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in store)
    return graph


def validate_store(store, shapes: Graph | None = None) -> ValidationReport:
    """Validate everything in a pyoxigraph store (data plus ontology) with pyshacl."""
    return validate_graph(store_union_graph(store), shapes)


def validate_graph(data: Graph, shapes: Graph | None = None) -> ValidationReport:
    """pyshacl on one graph that holds the data and the ontology."""
    import pyshacl  # imported here: it costs 0.2 s at start-up and only validation needs it

    try:
        _, results, _ = pyshacl.validate(
            data,
            shacl_graph=shapes if shapes is not None else load_shapes(),
            inference="none",
            allow_warnings=True,
            allow_infos=True,
            do_owl_imports=False,
        )
    except Exception as exc:  # pyshacl reports bad shapes with several exception types
        raise ShapesError(f"SHACL validation could not run: {' '.join(str(exc).split())}") from exc
    issues = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        issues.append(
            ValidationIssue(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=str(results.value(result, SH.focusNode)),
                path=_text(results, result, SH.resultPath),
                message=_text(results, result, SH.resultMessage) or "constraint not satisfied",
                value=_text(results, result, SH.value),
                shape=_text(results, result, SH.sourceShape),
                component=_text(results, result, SH.sourceConstraintComponent),
            )
        )
    issues.sort(key=lambda i: (SEVERITY_ORDER.get(i.severity, 9), i.focus, i.path or "", i.message))
    return ValidationReport(tuple(issues))

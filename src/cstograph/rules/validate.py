"""SHACL validation of the data (plus the ontology, so concept schemes and subclasses are known)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, Graph, Namespace

from cstograph.errors import ShapesError
from cstograph.reading.rdf_files import load_shapes, union_graph

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
    from cstograph.engines.engine import cached_converter

    graph = Graph()
    term = cached_converter()
    graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in store)
    return graph


def validate_store(store, shapes: Graph | None = None) -> ValidationReport:
    """Validate everything in a pyoxigraph store (data plus ontology) with pyshacl."""
    return validate_graph(store_union_graph(store), shapes)


def validate_graph(data: Graph, shapes: Graph | None = None, focus_nodes=None) -> ValidationReport:
    """Validate ``data`` (not modified), only at ``focus_nodes`` when given."""
    import pyshacl  # imported here: it costs 0.2 s at start-up and only validation needs it
    from pyshacl import errors as pyshacl_errors

    try:
        _, results, _ = pyshacl.validate(
            data,
            shacl_graph=shapes if shapes is not None else load_shapes(),
            inference="none",
            allow_warnings=True,
            allow_infos=True,
            do_owl_imports=False,
            focus_nodes=focus_nodes,
        )
    except (pyshacl_errors.ReportableRuntimeError, ValueError) as exc:  # pyshacl's errors for shapes it cannot run
        raise ShapesError(f"SHACL validation could not run: {' '.join(str(exc).split())}") from exc
    issues = []
    # Only the report's own results: nested sh:detail results (from sh:node) describe the
    # value node, not the focus node the user has to fix.
    for result in results.objects(None, SH.result):
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
    return ValidationReport(tuple(sorted(issues, key=_order)))


def _order(issue: ValidationIssue):
    return (SEVERITY_ORDER.get(issue.severity, 9), issue.focus, issue.path or "", issue.message)


def validate_views(dataset: Dataset, shapes: Graph | None = None) -> ValidationReport:
    """Validate the undisputed data, then each account view (the undisputed data plus one account).

    Accounts may contradict each other (two territories for one event), so their union is
    never validated; each party's account must be consistent with the undisputed data. An
    account can only change what holds at the nodes it mentions and at the nodes that point
    to them (a value's class), so each account view is validated at those nodes only.
    """
    from rdflib import BNode, URIRef

    from cstograph.engines.engine import ACCOUNT_GRAPHS_QUERY
    from cstograph.namespaces import DERIVED_PREDICATES

    dataset.default_union = True
    accounts = sorted(str(row[0]) for row in dataset.query(ACCOUNT_GRAPHS_QUERY))
    shapes = shapes if shapes is not None else load_shapes()
    if not accounts:
        return validate_dataset(dataset, shapes)
    data = Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        if (name is None or str(name) not in accounts) and p not in DERIVED_PREDICATES:
            data.add((s, p, o))
    reports = [validate_graph(data, shapes)]
    for account in accounts:
        extra = [t for t in dataset.graph(URIRef(account)) if t not in data]
        mentioned = {n for s, _, o in extra for n in (s, o) if isinstance(n, (URIRef, BNode))}
        referrers = {s for n in mentioned for s in data.subjects(None, n) if isinstance(s, (URIRef, BNode))}
        focus = mentioned | referrers
        # pyshacl takes focus nodes as IRIs of the schemes http, https, urn and file (any other,
        # 'tag:' say, it reads as a prefixed name and fails): an account that touches a blank
        # node or another IRI is validated whole
        focus_nodes = None if any(not _pyshacl_focus(n) for n in focus) else sorted(focus)
        for triple in extra:
            data.add(triple)
        try:
            reports.append(validate_graph(data, shapes, focus_nodes=focus_nodes))
        finally:
            for triple in extra:
                data.remove(triple)
    return merge_reports(reports)


def _pyshacl_focus(node) -> bool:
    """Whether pyshacl takes ``node`` as a focus node as it is (it expands anything else as a CURIE)."""
    from rdflib import URIRef

    return isinstance(node, URIRef) and str(node).lower().startswith(("http:", "https:", "urn:", "file:"))


def merge_reports(reports, engine: str = "pyshacl") -> ValidationReport:
    """The issues of several views' reports, each once (a fault of the undisputed data shows in every view)."""
    seen: dict[tuple, ValidationIssue] = {}
    for report in reports:
        for issue in report.issues:
            seen.setdefault(_key(issue), issue)
    return ValidationReport(tuple(sorted(seen.values(), key=_order)), engine=engine)


def _key(issue: ValidationIssue) -> tuple:
    return (issue.severity, issue.focus, issue.path, issue.message, issue.value)

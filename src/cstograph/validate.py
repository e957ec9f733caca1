"""SHACL validation of the data (plus the ontology, so concept schemes and subclasses are known)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, Graph, Namespace

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
    import pyshacl  # imported here: it costs 0.2 s at start-up and only validation needs it

    data = union_graph(dataset)
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
    issues.sort(key=lambda i: (SEVERITY_ORDER.get(i.severity, 9), i.focus, i.path or "", i.message))
    return ValidationReport(tuple(issues))


def validate_views(dataset: Dataset, shapes: Graph | None = None) -> ValidationReport:
    """Validate each account view (the undisputed data plus one account) on its own.

    Accounts may contradict each other (two territories for one event), so their union is
    never validated; each party's account must be consistent with the undisputed data.
    """
    from cstograph.accounts import account_view, find_accounts

    accounts = find_accounts(dataset)
    shapes = shapes if shapes is not None else load_shapes()
    if not accounts:
        return validate_dataset(dataset, shapes)
    seen: dict[tuple, ValidationIssue] = {}
    for account in [None, *accounts]:
        for issue in validate_dataset(account_view(dataset, account, accounts), shapes).issues:
            seen.setdefault((issue.severity, issue.focus, issue.path, issue.message, issue.value), issue)
    issues = sorted(seen.values(), key=lambda i: (SEVERITY_ORDER.get(i.severity, 9), i.focus, i.path or "", i.message))
    return ValidationReport(tuple(issues))

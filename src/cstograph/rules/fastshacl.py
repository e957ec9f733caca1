"""Set-based SHACL validation: the shapes compiled into tables of constraints, checked set by set.

pyshacl checks each constraint node by node in Python (67 s for 100k triples measured here with
realistic shapes, and it needs the data as an rdflib graph). This module reads the shapes graph
and turns every constraint into a row of a table; the rows are then checked in one of two ways
with the same results: by the SPARQL queries of ``queries/validation/*.rq`` (one per constraint
component, the rows in VALUES blocks) on any engine, embedded Oxigraph, an on-disk store or a
remote endpoint; or, on embedded Oxigraph, by ``shacl_scan``, which reads the store's indexes
from Python (2.8x faster at 1M triples). The results are the same ``ValidationIssue`` values
pyshacl gives (tests compare both forms with pyshacl on every shape and fixture).

It covers what ``ontology/shapes.ttl`` uses: sh:targetClass, sh:targetObjectsOf and sh:targetSubjectsOf; property
shapes with a plain IRI sh:path and sh:minCount, sh:maxCount, sh:class, sh:datatype, sh:nodeKind,
sh:or over sh:class or over sh:datatype, sh:lessThanOrEquals, sh:pattern (no flags), and sh:node to a shape made of
sh:minCount properties and sh:nodeKind; sh:severity and sh:message. ``compile_shapes`` raises
``Unsupported`` for anything else, and callers then fall back to pyshacl.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.term import Node

from cstograph.engines.engine import Engine, OxigraphEngine, cached_converter
from cstograph.engines.queries import get_query
from cstograph.errors import UnsupportedShape
from cstograph.rules.validate import SEVERITY_ORDER, ValidationIssue, ValidationReport

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPE_KEYS = {  # predicates a node shape may carry here (others -> Unsupported)
    RDF.type, SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf, SH.property, SH.nodeKind,
    URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
}
PROPERTY_KEYS = {  # named property shapes are typed sh:PropertyShape and may carry a comment
    RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH["or"],
    SH.lessThanOrEquals, SH.node, SH.pattern, SH.severity, SH.message, SH.name, SH.description,
}
COMPONENT = {
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
    SH.node: "NodeConstraintComponent",
}

ENGINE_NAME = "cstograph set-based SHACL"  # as ValidationReport.engine names it


Unsupported = UnsupportedShape  # the name this module uses


@dataclass(frozen=True)
class Constraint:
    number: int
    shape: Node  # the node shape whose targets give the focus nodes
    property_shape: Node
    path: URIRef | None
    component: str
    severity: str
    message: str
    parent: int | None = None  # for sh:node: the constraint whose value node this detail is about


@dataclass
class CompiledShapes:
    constraints: list[Constraint] = field(default_factory=list)
    class_targets: list[tuple[Node, URIRef]] = field(default_factory=list)  # (shape, class)
    property_targets: list[tuple[Node, URIRef]] = field(default_factory=list)  # (shape, property): objects of
    subject_targets: list[tuple[Node, URIRef]] = field(default_factory=list)  # (shape, property): subjects of
    rows: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))  # query -> rows
    allowed_classes: list[tuple[int, URIRef]] = field(default_factory=list)  # (constraint, class) pre-expansion
    allowed_datatypes: list[tuple[int, URIRef]] = field(default_factory=list)


def _one(graph: Graph, node: Node, prop: URIRef) -> Node | None:
    values = list(graph.objects(node, prop))
    if len(values) > 1:
        raise Unsupported(f"{node} has several {prop}")
    return values[0] if values else None


def _check_keys(graph: Graph, node: Node, allowed: set) -> None:
    extra = {p for p in graph.predicates(node, None)} - allowed
    if extra:
        raise Unsupported(f"{node} uses {', '.join(sorted(map(str, extra)))}")


def _or_members(graph: Graph, head: Node, key: URIRef) -> list[URIRef]:
    members = []
    for item in Collection(graph, head):
        _check_keys(graph, item, {key})
        value = _one(graph, item, key)
        if not isinstance(value, URIRef):
            raise Unsupported("sh:or members must each be one sh:class or one sh:datatype")
        members.append(value)
    return members


def compile_shapes(shapes: Graph) -> CompiledShapes:
    compiled = CompiledShapes()
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    if set(shapes.subjects(RDF.type, SH.PropertyShape)) - set(shapes.objects(None, SH.property)):
        raise Unsupported("property shapes with their own targets")
    for prop in (SH.targetNode, SH.target, SH.sparql, SH.deactivated, SH.closed):
        if any(shapes.triples((None, prop, None))):
            raise Unsupported(f"{prop} is not compiled")
    targeted = [s for s in node_shapes
                if any((s, kind, None) in shapes for kind in (SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf))]
    for shape in sorted(targeted, key=str):
        _check_keys(shapes, shape, SHAPE_KEYS)
        if (shape, SH.nodeKind, None) in shapes:
            raise Unsupported(f"{shape}: sh:nodeKind on a targeted node shape")
        for cls in shapes.objects(shape, SH.targetClass):
            compiled.class_targets.append((shape, cls))
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            compiled.property_targets.append((shape, prop))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            compiled.subject_targets.append((shape, prop))
        for pshape in sorted(shapes.objects(shape, SH.property), key=str):
            _compile_property(shapes, shape, pshape, compiled)
    return compiled


def _compile_property(shapes: Graph, shape: Node, pshape: Node, compiled: CompiledShapes) -> None:
    _check_keys(shapes, pshape, PROPERTY_KEYS)
    path = _one(shapes, pshape, SH.path)
    if not isinstance(path, URIRef):
        raise Unsupported(f"{pshape}: only plain IRI paths are compiled")
    severity_node = _one(shapes, pshape, SH.severity) or SH.Violation
    severity = str(severity_node).rsplit("#", 1)[-1]
    message_node = _one(shapes, pshape, SH.message)
    if message_node is None:
        raise Unsupported(f"{pshape}: no sh:message (pyshacl's generated messages are not reproduced)")
    message = str(message_node)

    def constraint(key: URIRef) -> Constraint:
        made = Constraint(len(compiled.constraints), shape, pshape, path, COMPONENT[key], severity, message)
        compiled.constraints.append(made)
        return made

    if (pshape, SH.flags, None) in shapes:
        raise Unsupported(f"{pshape}: sh:flags is not compiled")
    for key in (SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH["or"], SH.lessThanOrEquals,
                SH.pattern, SH.node):
        value = _one(shapes, pshape, key)
        if value is None:
            continue
        c = constraint(key)
        if key == SH.minCount:
            _count_row(compiled, "min-count", (shape, c.number, path), value)
        elif key == SH.maxCount:
            _count_row(compiled, "max-count", (shape, c.number, path), value)
        elif key == SH["class"]:
            compiled.rows["class"].append((shape, c.number, path))
            compiled.allowed_classes.append((c.number, value))
        elif key == SH.datatype:
            compiled.rows["datatype"].append((shape, c.number, path))
            compiled.allowed_datatypes.append((c.number, value))
        elif key == SH.nodeKind:
            compiled.rows["node-kind"].append((shape, c.number, path, value))
        elif key == SH.lessThanOrEquals:
            compiled.rows["less-than-or-equals"].append((shape, c.number, path, value))
        elif key == SH.pattern:
            compiled.rows["pattern"].append((shape, c.number, path, value))
        elif key == SH["or"]:
            first = list(Collection(shapes, value))
            if first and (first[0], SH["class"], None) in shapes:
                compiled.rows["class"].append((shape, c.number, path))
                compiled.allowed_classes += [(c.number, cls) for cls in _or_members(shapes, value, SH["class"])]
            elif first and (first[0], SH.datatype, None) in shapes:
                compiled.rows["datatype"].append((shape, c.number, path))
                compiled.allowed_datatypes += [(c.number, dt) for dt in _or_members(shapes, value, SH.datatype)]
            else:
                raise Unsupported(f"{pshape}: sh:or other than of sh:class or of sh:datatype")
        elif key == SH.node:
            _compile_node(shapes, shape, c, value, compiled)


def _compile_node(shapes: Graph, shape: Node, c: Constraint, target: Node, compiled: CompiledShapes) -> None:
    """sh:node to a shape of sh:minCount properties and sh:nodeKind: checked on the value nodes."""
    _check_keys(shapes, target, {RDF.type, SH.property, SH.nodeKind,
                                 URIRef("http://www.w3.org/2000/01/rdf-schema#comment")})
    # pyshacl reports the failing value node's own results too (sh:detail): they are "details" here
    kind = _one(shapes, target, SH.nodeKind)
    if kind is not None:
        detail = Constraint(len(compiled.constraints), shape, target, None, "NodeKindConstraintComponent",
                            "Violation", f"Value is not of Node Kind sh:{str(kind).rsplit('#', 1)[-1]}", c.number)
        compiled.constraints.append(detail)
        compiled.rows["node-kind"].append((shape, detail.number, c.path, kind))
    for inner in sorted(shapes.objects(target, SH.property), key=str):
        allowed = {RDF.type, SH.path, SH.minCount, SH.message, SH.severity, SH.name, SH.description}
        _check_keys(shapes, inner, allowed)
        inner_path, minimum = _one(shapes, inner, SH.path), _one(shapes, inner, SH.minCount)
        message = _one(shapes, inner, SH.message)
        if not isinstance(inner_path, URIRef) or minimum is None or message is None:
            raise Unsupported(f"{target}: sh:node shapes may only hold sh:minCount properties with a message")
        severity = str(_one(shapes, inner, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        detail = Constraint(len(compiled.constraints), shape, inner, inner_path, "MinCountConstraintComponent",
                            severity, str(message), c.number)
        compiled.constraints.append(detail)
        _count_row(compiled, "node-min-count", (shape, detail.number, c.path, inner_path), minimum)


def _count_row(compiled: CompiledShapes, query: str, row: tuple, count: Node) -> None:
    """A count of 1 goes to the query's ``-one`` variant, which checks it without counting
    (no GROUP BY over every focus node); any other count to the counting query."""
    if isinstance(count, Literal) and not isinstance(count.value, bool) and count.value == 1:
        compiled.rows[f"{query}-one"].append(row)
    else:
        compiled.rows[query].append((*row, count))


# ---------------------------------------------------------------- running


_VALUES_BLOCK = re.compile(r"VALUES\s*\(([^)]*)\)\s*\{[^{}]*\}")
UNFILLED = URIRef("urn:cstograph:unfilled")


def fill_values(text: str, tables: dict[tuple[str, ...], Iterable[tuple]]) -> str:
    """Replace the rows of each ``VALUES (?a ?b) { ... }`` block with the rows given for that
    variable list, plus one row of a placeholder IRI that matches nothing: rdflib cannot
    evaluate an empty VALUES block, and Virtuoso 7.2 mis-compiles a one-row VALUES joined
    inside OPTIONAL ("ssg_print_rvr_fixed_val(): no SPART_VARR_FIXED")."""

    def replace(match: re.Match) -> str:
        names = tuple(v.lstrip("?$") for v in match.group(1).split())
        rows = list(tables.get(names, ())) + [(UNFILLED,) * len(names)]
        body = " ".join("(" + " ".join(term.n3() for term in row) + ")" for row in rows)
        return f"VALUES ({match.group(1)}) {{ {body} }}"

    return _VALUES_BLOCK.sub(replace, text)


def _lit(value: int) -> Literal:
    return Literal(value)


METHODS = ("auto", "sparql", "scan")


def validate_with_engine(engine: Engine, shapes: Graph, compiled: CompiledShapes | None = None,
                         method: str = "auto") -> ValidationReport:
    """Run the compiled shapes on ``engine`` (which must hold the data and the ontology).

    ``method``: "sparql" runs the validation queries (any engine); "scan" reads an embedded
    Oxigraph store's indexes from Python (``shacl_scan``: the same rows, several times faster);
    "auto" scans where it can."""
    if method not in METHODS:
        raise ValueError(f"unknown validation method {method!r}: one of {', '.join(METHODS)}")
    compiled = compiled or compile_shapes(shapes)
    closure = _subclass_closure(engine, compiled)
    scan = method == "scan" or (method == "auto" and isinstance(engine, OxigraphEngine))
    if scan:
        if not isinstance(engine, OxigraphEngine):
            raise ValueError("the scan validator needs an embedded Oxigraph engine")
        # deferred to the first call: keeps cstograph.rules.shacl_scan out of importing cstograph.rules.fastshacl
        from cstograph.rules.shacl_scan import scan_rows

        convert = cached_converter()
        found = {(number, convert(focus), convert(value)) for number, focus, value in scan_rows(engine, compiled, closure)}
    else:
        found = _sparql_rows(engine, compiled, closure)
    return _report(compiled, found)


def _subclass_closure(engine: Engine, compiled: CompiledShapes) -> dict[URIRef, list[URIRef]]:
    """Each class the shapes name -> it and all its subclasses in the data."""
    parents: dict[Node, set[Node]] = defaultdict(set)  # super -> direct subclasses
    for sub, sup in engine.query(get_query("shape-subclasses").text).rows:
        parents[sup].add(sub)

    def subclasses(cls: URIRef) -> list[URIRef]:
        seen, todo = {cls}, [cls]
        while todo:
            for sub in parents.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return sorted(seen)

    return {cls: subclasses(cls) for cls in
            {c for _, c in compiled.class_targets} | {c for _, c in compiled.allowed_classes}}


def _sparql_rows(engine: Engine, compiled: CompiledShapes, closure: dict[URIRef, list[URIRef]]) -> set[tuple]:
    """(constraint number, focus, value or None) of every failing check, from the validation queries."""
    targets = {
        ("shape", "targetType"): [(s, sub) for s, cls in compiled.class_targets for sub in closure[cls]],
        ("shape", "targetProperty"): compiled.property_targets,
        ("shape", "targetSubjectProperty"): compiled.subject_targets,
        ("constraint", "allowedType"): [(_lit(n), sub) for n, cls in compiled.allowed_classes for sub in closure[cls]],
        ("constraint", "allowedDatatype"): [(_lit(n), dt) for n, dt in compiled.allowed_datatypes],
    }
    columns = {
        "min-count": ("shape", "constraint", "path", "min"),
        "min-count-one": ("shape", "constraint", "path"),
        "max-count": ("shape", "constraint", "path", "max"),
        "max-count-one": ("shape", "constraint", "path"),
        "class": ("shape", "constraint", "path"),
        "datatype": ("shape", "constraint", "path"),
        "node-kind": ("shape", "constraint", "path", "kind"),
        "less-than-or-equals": ("shape", "constraint", "path", "other"),
        "node-min-count": ("shape", "constraint", "path", "innerPath", "min"),
        "node-min-count-one": ("shape", "constraint", "path", "innerPath"),
        "pattern": ("shape", "constraint", "path", "pattern"),
    }
    texts = []
    for name, rows in compiled.rows.items():
        if not rows:
            continue
        table = [(row[0], _lit(row[1]), *row[2:]) for row in rows]
        shapes_here = {row[0] for row in rows}  # focus nodes of the shapes this query checks, no others
        focus_tables = {names: [row for row in target_rows if row[0] in shapes_here]
                        for names, target_rows in targets.items() if names[0] == "shape"}
        texts.append(fill_values(get_query(name).text, {**targets, **focus_tables, columns[name]: table}))
    found: set[tuple[int, Node, Node | None]] = set()
    for result in map(engine.query, texts):
        for record in result.records():
            found.add((int(record["constraint"]), record["focus"], record.get("value")))
    return found


def _report(compiled: CompiledShapes, found: Iterable[tuple[int, Node, Node | None]]) -> ValidationReport:
    """The report of the failing (constraint number, focus, value) rows. A row of an sh:node
    detail counts as its parent's result on the focus node (its details on the value node are
    not reported, as validate.py keeps only pyshacl's top-level results)."""
    results = set()
    for number, focus, value in found:
        parent = compiled.constraints[number].parent
        results.add((number if parent is None else parent, focus, value))
    issues = []
    for number, focus, value in results:
        c = compiled.constraints[number]
        issues.append(ValidationIssue(
            severity=c.severity,
            focus=str(focus),
            path=None if c.path is None else str(c.path),
            message=c.message,
            value=None if value is None else str(value),
            shape=None if isinstance(c.property_shape, BNode) else str(c.property_shape),
            component=str(SH) + c.component,
        ))
    issues.sort(key=lambda i: (SEVERITY_ORDER.get(i.severity, 9), i.focus, i.path or "", i.message, i.value or ""))
    return ValidationReport(tuple(issues), engine=ENGINE_NAME)

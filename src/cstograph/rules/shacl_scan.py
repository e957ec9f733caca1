"""The compiled shapes checked by reading an embedded Oxigraph store's indexes from Python.

The SPARQL form of the checks (``queries/validation``) has Oxigraph join every focus node with
every constraint of its shape, one index lookup per pair: about 1.5 million lookups, 4 s at 1M
triples. Here each path the shapes name is read once (``quads_for_pattern``: one range of an
index), its values grouped by subject in a dict, and each constraint becomes set operations and
dict lookups over those groups. The rows are the SPARQL queries' rows, term for term
(``tests/test_fastshacl.py`` compares both, and pyshacl, on every fixture and on damaged graphs).

Two checks keep SPARQL's own meaning by asking Oxigraph about the candidate values alone (a
VALUES query, no data read): sh:lessThanOrEquals is SPARQL's ``<=`` (numbers, dates with and
without time zones, strings), and sh:pattern is an XPath regular expression.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import chain

from rdflib import Literal, URIRef
from rdflib.term import Node

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SH = "http://www.w3.org/ns/shacl#"

# The lexical forms datatype.rq accepts (test_fastshacl checks both files say the same)
_DATE = (r"((-?([1-9][0-9]{3,}|0[0-9]{3})-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
         r"|02-(0[1-9]|1[0-9]|2[0-8])))|(-?(([0-9]*(0[48]|[2468][048]|[13579][26]))|([0-9]*([02468][048]|[13579][26])00))"
         r"-02-29))")
_ZONE = r"(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)?"
LEXICAL_FORMS = {
    XSD + "date": "^" + _DATE + _ZONE + "$",
    XSD + "dateTime": "^" + _DATE + r"T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)" + _ZONE + "$",
    XSD + "integer": "^[+-]?[0-9]+$",
}
_LEXICAL = {datatype: re.compile(pattern) for datatype, pattern in LEXICAL_FORMS.items()}

CHUNK = 2000  # candidate rows per VALUES query

Row = tuple[int, object, object | None]  # (constraint number, focus, value): pyoxigraph terms


class _Paths:
    """What the scan reads from the store, each part once: the values of each path grouped by
    subject, and the instances of each class, in the default graph of an engine that leaves
    out the ``excluded`` named graphs."""

    def __init__(self, store, excluded: frozenset[str]) -> None:
        # deferred to the first call: keeps pyoxigraph out of importing cstograph.rules.shacl_scan
        import pyoxigraph as ox

        self.ox = ox
        self.store = store
        self.excluded = excluded
        self._values: dict[object, dict[object, list]] = {}
        self._instances: dict[str, set] = {}
        self._several: dict[object, dict[object, int]] = {}
        self._distinct: dict[object, set] = {}

    def quads(self, predicate, obj=None) -> Iterator:
        found = self.store.quads_for_pattern(None, predicate, obj)
        if not self.excluded:
            return found
        excluded = self.excluded
        return (q for q in found if getattr(q.graph_name, "value", None) not in excluded)

    def values(self, path) -> dict[object, list]:
        """subject -> its values of ``path`` (each value once, even when several graphs hold it)."""
        found = self._values.get(path)
        if found is None:
            found = self._values[path] = {}
            get = found.get
            for quad in self.quads(path):
                subject, value = quad.subject, quad.object
                known = get(subject)
                if known is None:
                    found[subject] = [value]
                elif value not in known:
                    known.append(value)
        return found

    def distinct(self, path) -> set:
        """Every value of ``path``, once."""
        found = self._distinct.get(path)
        if found is None:
            found = self._distinct[path] = set(chain.from_iterable(self.values(path).values()))
        return found

    def several(self, path) -> dict[object, int]:
        """subject -> how many values of ``path``, for the subjects with two or more."""
        found = self._several.get(path)
        if found is None:
            found = self._several[path] = {s: len(v) for s, v in self.values(path).items() if len(v) > 1}
        return found

    def instances(self, cls: str) -> set:
        found = self._instances.get(cls)
        if found is None:
            ox = self.ox
            found = self._instances[cls] = {q.subject for q in self.quads(ox.NamedNode(RDF_TYPE), ox.NamedNode(cls))}
        return found


def _number(literal: Node) -> float | None:
    """A count from the shapes as a number; None when SPARQL could not compare it (no result)."""
    value = literal.toPython() if isinstance(literal, Literal) else None
    return None if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) else float(value)


def scan_rows(engine, compiled, closure: dict[URIRef, list[URIRef]]) -> set[Row]:
    """The rows the validation queries would give on ``engine`` (an OxigraphEngine), found by
    scanning its store. ``closure`` maps each class the shapes name to it and its subclasses."""
    # The scan makes a list per subject and path (a million at 1M triples) and no reference
    # cycles: the cyclic garbage collector, run again and again meanwhile, found nothing and
    # took a third of the time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _scan_rows(engine, compiled, closure)
    finally:
        if enabled:
            gc.enable()


def _scan_rows(engine, compiled, closure: dict[URIRef, list[URIRef]]) -> set[Row]:
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.rules.shacl_scan
    import pyoxigraph as ox

    paths = _Paths(engine.store, engine.left_out())
    iri = {}

    def node(term: URIRef):
        found = iri.get(term)
        if found is None:
            found = iri[term] = ox.NamedNode(str(term))
        return found

    focus_of: dict[Node, set] = {}

    def focus(shape: Node) -> set:
        found = focus_of.get(shape)
        if found is None:
            found = focus_of[shape] = set()
            for target_shape, cls in compiled.class_targets:
                if target_shape == shape:
                    for sub in closure[cls]:
                        found |= paths.instances(str(sub))
            for target_shape, prop in compiled.property_targets:
                if target_shape == shape:
                    for values in paths.values(node(prop)).values():
                        found.update(values)
            for target_shape, prop in compiled.subject_targets:
                if target_shape == shape:
                    found.update(paths.values(node(prop)))
        return found

    def pairs(shape: Node, path: URIRef) -> Iterator[tuple[object, list]]:
        """(focus node, its values of path) for the focus nodes of ``shape`` that have any."""
        nodes, values = focus(shape), paths.values(node(path))
        if len(values) < len(nodes):
            return ((s, v) for s, v in values.items() if s in nodes)
        return ((s, values[s]) for s in nodes if s in values)

    def holding(shape: Node, path: URIRef, number: int, bad: set) -> Iterator[Row]:
        """The rows of the focus nodes of ``shape`` whose values of path include a bad one.
        Checks look at each distinct value once and come here only when one fails, so valid
        data costs nothing per focus node."""
        if bad:
            nodes = focus(shape)
            for f, values in paths.values(node(path)).items():
                if f in nodes:
                    yield from ((number, f, v) for v in values if v in bad)

    rows: set[Row] = set()
    allowed_classes: dict[int, list[str]] = {}
    for number, cls in compiled.allowed_classes:
        allowed_classes.setdefault(number, []).extend(str(sub) for sub in closure[cls])
    allowed_datatypes: dict[int, set] = {}
    for number, datatype in compiled.allowed_datatypes:
        allowed_datatypes.setdefault(number, set()).add(node(datatype))
    compare: list[tuple[Row, object, object]] = []  # (row, value, other value) for SPARQL's <=

    for shape, number, path in compiled.rows.get("min-count-one", ()):
        rows.update((number, f, None) for f in focus(shape).difference(paths.values(node(path))))
    for shape, number, path, minimum in compiled.rows.get("min-count", ()):
        least, values = _number(minimum), paths.values(node(path))
        if least is not None:
            rows.update((number, f, None) for f in focus(shape) if len(values.get(f, ())) < least)
    for shape, number, path in compiled.rows.get("max-count-one", ()):
        nodes = focus(shape)
        rows.update((number, f, None) for f in paths.several(node(path)) if f in nodes)
    for shape, number, path, maximum in compiled.rows.get("max-count", ()):
        most = _number(maximum)
        if most is not None:
            rows.update((number, f, None) for f, values in pairs(shape, path) if len(values) > most)
    for shape, number, path in compiled.rows.get("class", ()):
        members = [paths.instances(cls) for cls in allowed_classes.get(number, ())]
        bad = {v for v in paths.distinct(node(path)) if not any(v in m for m in members)}
        rows.update(holding(shape, path, number, bad))
    for shape, number, path in compiled.rows.get("datatype", ()):
        well_typed = _datatype_check(ox, allowed_datatypes.get(number, set()))
        rows.update(holding(shape, path, number, {v for v in paths.distinct(node(path)) if not well_typed(v)}))
    for shape, number, path, kind in compiled.rows.get("node-kind", ()):
        fits = _kind_check(ox, str(kind))
        rows.update(holding(shape, path, number, {v for v in paths.distinct(node(path)) if not fits(v)}))
    for shape, number, path, inner in compiled.rows.get("node-min-count-one", ()):
        bad = paths.distinct(node(path)).difference(paths.values(node(inner)))
        rows.update(holding(shape, path, number, bad))
    for shape, number, path, inner, minimum in compiled.rows.get("node-min-count", ()):
        least, having = _number(minimum), paths.values(node(inner))
        if least is not None:
            bad = {v for v in paths.distinct(node(path)) if len(having.get(v, ())) < least}
            rows.update(holding(shape, path, number, bad))
    for shape, number, path, other in compiled.rows.get("less-than-or-equals", ()):
        values = paths.values(node(path))
        for f, others in pairs(shape, other):
            for v in values.get(f, ()):
                for o in others:
                    if _sparql_value(ox, v) and _sparql_value(ox, o):
                        compare.append(((number, f, v), v, o))
                    else:  # <= of a blank node (or a quoted triple) is an error: a violation
                        rows.add((number, f, v))
    for shape, number, path, pattern in compiled.rows.get("pattern", ()):
        distinct = paths.distinct(node(path))
        bad = {v for v in distinct if isinstance(v, ox.BlankNode)}  # SHACL: a blank node never matches
        # STR() of a quoted triple is an error, so no result: only IRIs and literals are asked
        asked = [(v, v) for v in distinct if _sparql_value(ox, v)]
        bad.update(_failing(engine, asked, lambda pair: str(pair[1]), "?value",
                            f"FILTER (!REGEX(STR(?value), STR({pattern.n3()})))"))
        rows.update(holding(shape, path, number, bad))

    rows.update(_failing(engine, compare, lambda pair: f"{pair[1]} {pair[2]}", "?value ?otherValue",
                         "FILTER (!COALESCE(?value <= ?otherValue, false))"))
    return rows


def _sparql_value(ox, term) -> bool:
    """Whether ``term`` can be written in a VALUES block (an IRI or a literal)."""
    return isinstance(term, (ox.NamedNode, ox.Literal))


def _failing(engine, candidates: list, cells: Callable[[tuple], str], variables: str, test: str) -> Iterable[Row]:
    """The rows of the candidates for which ``test`` holds, asked of the engine in chunks; each
    candidate is numbered so that blank focus nodes need not be written in the query."""
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start:start + CHUNK]
        body = " ".join(f"({start + i} {cells(pair)})" for i, pair in enumerate(chunk))
        text = f"SELECT ?row WHERE {{ VALUES (?row {variables}) {{ {body} }} {test} }}"
        for (row,) in engine.query(text).rows:
            yield candidates[int(row)][0]


def _datatype_check(ox, allowed: set) -> Callable[[object], bool]:
    """Whether a value is a literal of an allowed datatype, with a well-formed lexical form for
    xsd:date, xsd:dateTime and xsd:integer (what datatype.rq checks)."""
    literal = ox.Literal

    def check(value) -> bool:
        if not isinstance(value, literal):
            return False
        datatype = value.datatype
        if datatype not in allowed:
            return False
        lexical = _LEXICAL.get(datatype.value)
        return lexical is None or lexical.fullmatch(value.value) is not None

    return check


def _kind_check(ox, kind: str) -> Callable[[object], bool]:
    """sh:nodeKind as node-kind.rq reads it: anything neither an IRI nor a blank node counts as a
    literal; an unknown kind fits nothing."""
    iri, blank = ox.NamedNode, ox.BlankNode
    checks = {
        SH + "IRI": lambda v: isinstance(v, iri),
        SH + "Literal": lambda v: not isinstance(v, (iri, blank)),
        SH + "BlankNode": lambda v: isinstance(v, blank),
        SH + "BlankNodeOrIRI": lambda v: isinstance(v, (iri, blank)),
        SH + "BlankNodeOrLiteral": lambda v: not isinstance(v, iri),
        SH + "IRIOrLiteral": lambda v: not isinstance(v, blank),
    }
    return checks.get(kind, lambda v: False)

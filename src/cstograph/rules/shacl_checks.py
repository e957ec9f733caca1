"""What both validation scans check a value with (``shacl_scan`` focus node by focus node,
``shacl_scan_paths`` path by path): the lexical forms of datatypes, node kinds, counts from the
shapes, and the VALUES queries that keep SPARQL's own meaning for ``<=`` and REGEX."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from rdflib import Literal
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


def shape_number(literal: Node) -> float | None:
    """A count from the shapes as a number; None when SPARQL could not compare it (no result)."""
    value = literal.toPython() if isinstance(literal, Literal) else None
    return None if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) else float(value)


def sparql_value(ox, term) -> bool:
    """Whether ``term`` can be written in a VALUES block (an IRI or a literal)."""
    return isinstance(term, (ox.NamedNode, ox.Literal))


ANSWERS_KEPT = 100_000  # answers of failing_rows kept for the next view, before the memo is emptied
_answers: dict[tuple[str, str], bool] = {}  # (test, cells) -> whether the test holds


def failing_rows(engine, candidates: list, cells: Callable[[tuple], str], variables: str, test: str) -> Iterable[Row]:
    """The rows of the candidates for which ``test`` holds, asked of the engine in chunks; each
    candidate is numbered so that blank focus nodes need not be written in the query. The test
    reads only the candidate's own values (no data), so each answer is kept for the next call:
    the views of the accounts, validated one after the other, repeat the undisputed data's
    values and send no query for them (10 views of the bundled graphs: 20 queries -> 2)."""
    asked = []
    for candidate in candidates:
        found = _answers.get((test, cells(candidate)))
        if found is None:
            asked.append(candidate)
        elif found:
            yield candidate[0]
    for start in range(0, len(asked), CHUNK):
        chunk = asked[start:start + CHUNK]
        body = " ".join(f"({i} {cells(pair)})" for i, pair in enumerate(chunk))
        text = f"SELECT ?row WHERE {{ VALUES (?row {variables}) {{ {body} }} {test} }}"
        failing = {int(row) for (row,) in engine.query(text).rows}
        if len(_answers) + len(chunk) > ANSWERS_KEPT:
            _answers.clear()
        for i, pair in enumerate(chunk):
            _answers[(test, cells(pair))] = i in failing
            if i in failing:
                yield pair[0]


def datatype_check(ox, allowed: set) -> Callable[[object], bool]:
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


def kind_check(ox, kind: str) -> Callable[[object], bool]:
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

"""The one way a table cell holds an RDF term, written by the export and read back by the case
importer.

Ids are IRIs separated by '; '; literals are written bare when they have the column's datatype
and language and one per line in a list; any other literal is written in Turtle syntax
(``"Договор"@ru``, ``"1999"^^<...#gYear>``), as is every value of an unmapped column (``<IRI>``
for a node).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cstograph.base.table_schema import LIST_SEPARATOR, XSD, Fact

XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
PARTIAL_DATES = ((re.compile(r"[0-9]{4}-[0-9]{2}", re.ASCII), XSD + "gYearMonth"),
                 (re.compile(r"[0-9]{4}", re.ASCII), XSD + "gYear"))
_TURTLE_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^<>"\s]*)>)?', re.S)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}


@dataclass(frozen=True)
class Term:
    """An RDF term as text: an IRI (``datatype`` 'iri') or a literal's lexical form, datatype and language."""

    value: str
    datatype: str | None = None  # None for a literal: xsd:string
    language: str | None = None
    iri: bool = False


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


def turtle_form(term: Term) -> str:
    if term.iri:
        return f"<{term.value}>"
    suffix = f"@{term.language}" if term.language else (f"^^<{term.datatype}>" if term.datatype not in (None, XSD_STRING) else "")
    return f'"{_escape(term.value)}"{suffix}'


def _bare(term: Term, fact: Fact) -> bool:
    """Whether the column's reader gives this literal back from its bare text."""
    text = term.value
    if term.iri or "\n" in text or "\r" in text or text.startswith(('"', "<", "'")) or text != text.strip() or not text:
        return False
    datatype = None if term.datatype in (None, XSD_STRING) else term.datatype
    if term.language:
        return datatype in (None, RDF_LANG_STRING) and term.language == fact.language
    if fact.language:
        return False  # a string without a language in a column of English prose: quoted
    if fact.partial_dates:
        return datatype == partial_date_type(text)
    return datatype == fact.datatype


def partial_date_type(text: str) -> str | None:
    """The datatype a dcterms:issued cell's text has: xsd:date, gYearMonth or gYear (None: none)."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text, re.ASCII):
        return XSD + "date"
    return next((dt for pattern, dt in PARTIAL_DATES if pattern.fullmatch(text)), None)


def cell_text(terms: list[Term], fact: Fact | None) -> str | None:
    """The cell of a column holding ``terms``."""
    if not terms:
        return None
    if fact is None:  # a column of its own for a property the schema does not map
        return "\n".join(sorted(turtle_form(t) for t in terms))
    if fact.values == "iri":
        return LIST_SEPARATOR.join(sorted(t.value if t.iri else turtle_form(t) for t in terms))
    return "\n".join(sorted(t.value if _bare(t, fact) else turtle_form(t) for t in terms))


def parse_turtle_literal(text: str) -> Term | None:
    """A literal in Turtle syntax (as ``turtle_form`` writes it), or None when the text is not one."""
    match = _TURTLE_LITERAL.fullmatch(text)
    if match is None:
        return None
    value = re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m.group(1), m.group(0)), match.group(1))
    return Term(value, match.group(3) or None, match.group(2))


def split_cell(text: str, fact: Fact | None) -> list[str]:
    """The values of a cell: ids split at '; ', literals at line breaks (Turtle-quoted ones kept whole)."""
    if fact is not None and fact.values == "iri":
        return [part.strip() for part in text.split(LIST_SEPARATOR.strip()) if part.strip()]
    parts, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        current.append(line)
        joined = "\n".join(current)
        if joined.startswith('"') and parse_turtle_literal(joined) is None and not joined.endswith('"'):
            continue  # a quoted literal that goes on (Turtle escapes line breaks, but be lenient)
        parts.append(joined)
        current = []
    if current:
        parts.append("\n".join(current))
    return [p for p in (part.strip() for part in parts) if p]

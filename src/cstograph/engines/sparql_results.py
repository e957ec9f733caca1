"""The SPARQL 1.1 Protocol's answers: which result format a request gets (the Accept header or a
``format`` parameter), and SELECT, ASK and graph results serialised in it. Used by the endpoint
(``serve``) and by its query workers (``query_workers``)."""

from __future__ import annotations

import csv
import io
import json
from http import HTTPStatus
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from cstograph.engines.engine import XSD_STRING
from cstograph.errors import CstographError

SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples"}
_ACCEPT_ALIASES = {
    "application/json": "json", "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
    "text/turtle": "turtle", "application/x-turtle": "turtle",
    "application/n-triples": "ntriples", "text/plain": "ntriples",
}


class QueryRefused(CstographError):
    """A query the server answers with an HTTP error status (caught by the handler)."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------- result serialisation


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        value["datatype"] = term.datatype.value
    return value


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def serialize_select(variables: list[str], rows: list[list], fmt: str) -> bytes:
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>" + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row) if t is not None) + "</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_term(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialize_ask(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return ("_askResult\n" if fmt == "csv" else "?_askResult\n").encode() + (b"true\n" if value else b"false\n")


def serialize_graph(triples: list, fmt: str) -> bytes:
    rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
    return ox.serialize(triples, format=rdf_format)


def negotiate(kind: str, accept: str | None, requested: str | None) -> str:
    """The answer format: the ``format`` parameter, else the first acceptable type, else the default."""
    allowed = SELECT_TYPES if kind in ("select", "ask") else GRAPH_TYPES
    if requested:
        name = _ACCEPT_ALIASES.get(requested, requested)
        if name not in allowed:
            raise QueryRefused(HTTPStatus.NOT_ACCEPTABLE, f"format {requested!r} is not one of {', '.join(allowed)}")
        return name
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        name = _ACCEPT_ALIASES.get(media)
        if name in allowed:
            return name
    return "json" if kind in ("select", "ask") else "turtle"

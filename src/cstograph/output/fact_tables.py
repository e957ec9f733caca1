"""Every fact of the data as table rows.

A row describes one node of one kind (the kinds of ``table_schema.FACT_TABLES``: states, alliances,
treaties, clauses, memberships, changes, events, accounts, requests, responses, sources) in one
graph: the undisputed data, or an account's named graph (the ``in_account`` column). A property
the schema has a column for goes there; any other property of the node gets a column of its own,
named by its prefixed name (``dcterms:extent``) or its ``<IRI>``, so nothing the data says about a node of these kinds
is left out, and a property the ontology gains comes along in the next export.

How a cell holds an RDF term: ``base/table_cells.py`` (the case importer reads cells back with it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cstograph.base.table_cells import Term, cell_text
from cstograph.base.table_schema import CG, FACT_TABLES, IN_ACCOUNT, OWL, Field, TableSpec

# the quads of every node a table can describe: typed (in some graph) with a kind or a subclass of one,
# or cited as a source and titled (an untyped source: the import states its class)
FACT_QUADS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?kind ?g ?s ?p ?o WHERE {
  { SELECT DISTINCT ?s ?kind WHERE {
      { VALUES ?kind { %s }
        ?class rdfs:subClassOf* ?kind .
        { ?s a ?class } UNION { GRAPH ?tg { ?s a ?class } } }
      UNION { [] dcterms:source ?s . ?s dcterms:title [] . BIND (<%sSource> AS ?kind) }
      FILTER (isIRI(?s))
  } }
  { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }
}
"""


# ---------------------------------------------------------------- rows from the data


def property_columns(spec: TableSpec) -> dict[str, Field]:
    """The schema's column of each property in a table (the first, where two share one)."""
    found: dict[str, Field] = {}
    for f in spec.fields:
        if f.fact is not None:
            found.setdefault(f.fact.property, f)
    return found


def extra_column_name(prop: str) -> str:
    """An unmapped property's column: its prefixed name for the prefixes every import knows
    (cg:, dcterms:, skos:, ...), else the IRI in angle brackets."""
    # deferred to the first call: keeps cstograph.reading.importers.turtle
    # out of importing cstograph.output.fact_tables
    from cstograph.reading.importers.turtle import PREFIXES

    prefixes = {**PREFIXES, "owl": OWL}
    for prefix, namespace in sorted(prefixes.items(), key=lambda p: -len(p[1])):
        local = prop[len(namespace):]
        if prefix and prop.startswith(namespace) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", local):
            return f"{prefix}:{local}"
    return f"<{prop}>"


def _term(node) -> Term:
    # deferred to the first call: keeps rdflib out of importing cstograph.output.fact_tables
    from rdflib import Literal, URIRef

    if isinstance(node, URIRef):
        return Term(str(node), iri=True)
    if isinstance(node, Literal):
        return Term(str(node), None if node.datatype is None else str(node.datatype), node.language)
    return Term(f"_:{node}")  # a blank node: not carried (the report of an export counts them)


@dataclass
class FactRows:
    """Rows per table (dicts keyed by column names) and the columns added for unmapped properties."""

    rows: dict[str, list[dict]]
    extra: dict[str, list[str]]
    blank: int  # triples with a blank node object, which no cell can hold


def fact_rows(engine) -> FactRows:
    """Every node of every kind in every graph, as rows (the default graph's rows first)."""
    # deferred to the first call: keeps rdflib, cstograph.namespaces out of importing cstograph.output.fact_tables
    from rdflib import BNode

    from cstograph.namespaces import DERIVED_PREDICATES

    derived = {str(p) for p in DERIVED_PREDICATES}
    kinds = {spec.kind: spec for spec in FACT_TABLES}
    found: dict[tuple[str, str, str], dict[str, list[Term]]] = {}
    text = FACT_QUADS % (" ".join(f"<{k}>" for k in kinds), CG)
    seen_kind: dict[str, str] = {}
    records = engine.query(text).records()
    # a node typed with two kinds (a request that is also an event?) goes to the first table of FACT_TABLES
    order = {spec.kind: n for n, spec in enumerate(FACT_TABLES)}
    for r in records:
        s, kind = str(r["s"]), str(r["kind"])
        if s not in seen_kind or order[kind] < order[seen_kind[s]]:
            seen_kind[s] = kind
    blank = 0
    for r in records:
        s = str(r["s"])
        if str(r["kind"]) != seen_kind[s] or str(r["p"]) in derived:  # derived: recomputed from the rest
            continue
        if isinstance(r["o"], BNode):
            blank += 1
            continue
        obj = _term(r["o"])
        graph = "" if r["g"] is None else str(r["g"])
        found.setdefault((seen_kind[s], graph, s), {}).setdefault(str(r["p"]), []).append(obj)
    rows: dict[str, list[dict]] = {spec.name: [] for spec in FACT_TABLES}
    extra: dict[str, list[str]] = {spec.name: [] for spec in FACT_TABLES}
    for (kind, graph, node), properties in sorted(found.items(), key=lambda item: (item[0][1], item[0][2])):
        spec = kinds[kind]
        columns = property_columns(spec)
        row: dict = {spec.primary_key: node, IN_ACCOUNT: graph or None}
        for prop, terms in properties.items():
            unique = list(dict.fromkeys(terms))
            column = columns.get(prop)
            if column is None:
                name = extra_column_name(prop)
                if name not in extra[spec.name]:
                    extra[spec.name].append(name)
                row[name] = cell_text(unique, None)
            else:
                row[column.name] = cell_text(unique, column.fact)
        rows[spec.name].append(row)
    for names in extra.values():
        names.sort()
    return FactRows(rows, extra, blank)


def extended(spec: TableSpec, extra: list[str]) -> TableSpec:
    """A table's schema with the columns of unmapped properties appended."""
    if not extra:
        return spec

    added = tuple(Field(name, "string", f"The property {name}, in Turtle syntax (a property the schema has no "
                        "column for).", imported=True) for name in extra)
    return replace(spec, fields=spec.fields + added)



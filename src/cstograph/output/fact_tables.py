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
from cstograph.base.table_schema import CG, FACT_TABLES, IN_ACCOUNT, OWL, XSD, Field, TableSpec

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


# typed literals whose lexical form rdflib would keep as it is (a valid value already in its
# canonical form, or an invalid one it leaves alone): read without building the rdflib term
_AS_WRITTEN = {XSD + "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
               XSD + "boolean": re.compile(r"true|false"),
               XSD + "integer": re.compile(r"0|-?[1-9][0-9]*")}
XSD_STRING = XSD + "string"


def _ox_terms():
    """A converter of a pyoxigraph object term to its cell ``Term`` (None for a blank node): the
    ``_term`` of the equal rdflib term, built from the text where that is the same (IRIs, strings,
    tagged literals, typed ones already canonical), through rdflib otherwise (it may normalise the
    lexical form); once per distinct term."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.output.fact_tables
    import pyoxigraph as ox

    from cstograph.engines.engine import ox_to_rdflib

    cache: dict = {}

    def convert(node) -> Term | None:
        found = cache.get(node)
        if found is not None or node in cache:
            return found
        if isinstance(node, ox.NamedNode):
            found = Term(node.value, iri=True)
        elif isinstance(node, ox.BlankNode):
            found = None
        elif node.language:
            found = Term(node.value, None, node.language)
        else:
            datatype = node.datatype.value
            written = _AS_WRITTEN.get(datatype)
            if datatype == XSD_STRING:
                found = Term(node.value)
            elif written is not None and written.fullmatch(node.value):
                found = Term(node.value, datatype)
            else:
                found = _term(ox_to_rdflib(node))
        cache[node] = found
        return found

    return convert


def _quads(engine, text: str):
    """(kind, graph, subject, predicate, object Term or None for a blank node) of FACT_QUADS'
    rows, as text: on Oxigraph read from its terms (at 100k triples building the rdflib terms of
    every row took most of the fact tables' time), elsewhere from the rdflib terms."""
    # deferred to the first call: keeps cstograph.engines.engine out of importing cstograph.output.fact_tables
    from cstograph.engines.engine import OxigraphEngine
    from cstograph.errors import QueryError

    if isinstance(engine, OxigraphEngine):  # no store keeps this query's answer: asked of Oxigraph
        convert = _ox_terms()
        try:
            for row in engine.raw_query(text):
                graph = row["g"]
                yield (row["kind"].value, "" if graph is None else graph.value, row["s"].value, row["p"].value,
                       convert(row["o"]))
        except (OSError, RuntimeError) as exc:  # lazy: errors surface as the rows are read
            raise QueryError(f"query failed: {exc}") from exc
        return
    from rdflib import BNode

    for r in engine.query(text).records():
        yield (str(r["kind"]), "" if r["g"] is None else str(r["g"]), str(r["s"]), str(r["p"]),
               None if isinstance(r["o"], BNode) else _term(r["o"]))


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
    from cstograph.namespaces import DERIVED_PREDICATES

    derived = {str(p) for p in DERIVED_PREDICATES}
    kinds = {spec.kind: spec for spec in FACT_TABLES}
    found: dict[tuple[str, str, str], dict[str, list[Term]]] = {}
    text = FACT_QUADS % (" ".join(f"<{k}>" for k in kinds), CG)
    seen_kind: dict[str, str] = {}
    records = list(_quads(engine, text))
    # a node typed with two kinds (a request that is also an event?) goes to the first table of FACT_TABLES
    order = {spec.kind: n for n, spec in enumerate(FACT_TABLES)}
    for kind, _, s, _, _ in records:
        if s not in seen_kind or order[kind] < order[seen_kind[s]]:
            seen_kind[s] = kind
    blank = 0
    for kind, graph, s, p, obj in records:
        if kind != seen_kind[s] or p in derived:  # derived: recomputed from the rest
            continue
        if obj is None:  # a blank node
            blank += 1
            continue
        found.setdefault((kind, graph, s), {}).setdefault(p, []).append(obj)
    rows: dict[str, list[dict]] = {spec.name: [] for spec in FACT_TABLES}
    extra: dict[str, set[str]] = {spec.name: set() for spec in FACT_TABLES}
    columns_of = {kind: property_columns(spec) for kind, spec in kinds.items()}  # once a kind, not once a node
    extra_names: dict[str, str] = {}  # an unmapped property's column name, once a property
    for (kind, graph, node), properties in sorted(found.items(), key=lambda item: (item[0][1], item[0][2])):
        spec = kinds[kind]
        columns = columns_of[kind]
        row: dict = {spec.primary_key: node, IN_ACCOUNT: graph or None}
        for prop, terms in properties.items():
            unique = list(dict.fromkeys(terms))
            column = columns.get(prop)
            if column is None:
                name = extra_names.get(prop) or extra_names.setdefault(prop, extra_column_name(prop))
                extra[spec.name].add(name)
                row[name] = cell_text(unique, None)
            else:
                row[column.name] = cell_text(unique, column.fact)
        rows[spec.name].append(row)
    return FactRows(rows, {table: sorted(names) for table, names in extra.items()}, blank)


def extended(spec: TableSpec, extra: list[str]) -> TableSpec:
    """A table's schema with the columns of unmapped properties appended."""
    if not extra:
        return spec

    added = tuple(Field(name, "string", f"The property {name}, in Turtle syntax (a property the schema has no "
                        "column for).", imported=True) for name in extra)
    return replace(spec, fields=spec.fields + added)



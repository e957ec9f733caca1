"""What a table import may name, read from the data: the nodes with their classes and labels, the
vocabulary's terms, and which nodes each named graph describes (``reading/importers/cases.py``
enters the rows against it)."""

from __future__ import annotations

import pyoxigraph as ox

from cstograph.base.table_schema import OWL
from cstograph.engines.engine import OxigraphEngine
from cstograph.engines.queries import run_named_text
from cstograph.engines.store import load_file
from cstograph.reading.importers import turtle as t
from cstograph.reading.importers.cases import Reference
from cstograph.reading.resources import ontology_path


def reference_from(kg_or_engine, prefixes: dict[str, str] | None = None) -> Reference:
    """The nodes and terms a table may name, from a ``KnowledgeGraph`` (or an engine and its prefixes)."""
    if hasattr(kg_or_engine, "data"):
        engine = kg_or_engine.data.engine
        prefixes = {p: str(ns) for p, ns in kg_or_engine.data.namespaces.namespaces()}
    else:
        engine = kg_or_engine
    reference = Reference(prefixes={**(prefixes or {}), **t.PREFIXES, "owl": OWL})
    # the rows as text (what the reference keeps): no rdflib term is built for them
    for row in run_named_text(engine, "vocabulary-terms"):
        term = row["term"]
        reference.terms.add(term)
        if row["super"] is not None:
            reference.supers.setdefault(term, {term}).add(row["super"])
    for row in run_named_text(engine, "referable-nodes"):
        reference.add(row["node"], row["class"], row["label"])
    for row in run_named_text(engine, "account-nodes"):
        reference.in_graph.add((row["g"], row["node"]))
    return reference


def ontology_reference() -> Reference:
    """The reference of an import made with nothing but the ontology."""
    store = ox.Store()
    load_file(store, ontology_path())
    return reference_from(OxigraphEngine(store), {})

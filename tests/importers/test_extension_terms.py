"""The extension's terms are defined in the ontology and in the CG namespace, and its queries load."""

from __future__ import annotations

import rdflib

from cstograph.engines.queries import bundled_queries
from cstograph.namespaces import CG
from cstograph.reading.resources import ontology_path


def test_every_cg_term_in_the_ontology_is_in_the_namespace_and_back():
    graph = rdflib.Graph().parse(ontology_path())
    defined = {str(s) for s in graph.subjects() if str(s).startswith(str(CG._NS))}
    declared = {str(CG._NS) + name for name in CG.__annotations__}
    assert defined == declared


def test_reliability_queries_are_in_the_catalogue():
    catalogue = bundled_queries()
    for name in ("fulfilment-table", "commitment-record"):
        spec = catalogue[name]
        assert spec.kind == "reliability" and spec.summary and spec.columns
    assert [p.name for p in catalogue["commitment-record"].params] == ["atopId"]

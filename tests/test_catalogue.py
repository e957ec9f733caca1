"""The query catalogue and the vocabulary stay consistent: headers, columns, names, terms."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.plugins.sparql.parser import parseQuery

from cstograph.engines.guard import check_query_is_safe
from cstograph.engines.queries import bundled_queries, parse_header, read_query_file
from cstograph.errors import QueryError
from cstograph.namespaces import CG
from cstograph.reading.resources import ontology_path, queries_dir


def select_variables(parsed) -> list[str]:
    """rdflib's projected variables of a parsed SELECT query (what ``prepareQuery`` would give:
    it is ``translateQuery`` of ``parseQuery``)."""
    from rdflib.plugins.sparql.algebra import translateQuery

    return [str(v) for v in translateQuery(parsed).algebra["PV"]]


def oxigraph_variables(text: str) -> list[str] | None:
    """Oxigraph's projected variables of a SELECT query (None for CONSTRUCT and ASK), read from
    its answer on an empty store: parsing there takes a millisecond, rdflib's parse a tenth of a
    second, and the rdflib engine's own check of the columns is the slow test below."""
    import pyoxigraph as ox

    result = ox.Store().query(text)
    return [v.value for v in result.variables] if isinstance(result, ox.QuerySolutions) else None


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_query_header_and_columns(name):
    spec = bundled_queries()[name]
    check_query_is_safe(spec.text)  # the query command trusts bundled queries (this parses it with rdflib)
    assert spec.summary.endswith(".")
    assert spec.columns, "declare the result columns with '#+ columns:'"
    projected = oxigraph_variables(spec.text)
    if projected is not None:
        assert list(spec.columns) == projected
    else:  # CONSTRUCT rules: the columns name the variables of the template
        for column in spec.columns:
            assert re.search(rf"\?{column}\b", spec.text), column
    for param in spec.params:
        assert re.search(rf"\?{param.name}\b", spec.text), f"parameter {param.name} is not used"
    # Oxigraph parsed the query with no prefixes of its own: every prefix it uses is declared in it


@pytest.mark.slow  # rdflib's algebra of every query (the rdflib-engine runs are slow); Oxigraph's columns are checked above
def test_rdflib_projects_the_declared_columns():
    for name, spec in bundled_queries().items():
        parsed = parseQuery(spec.text)
        if parsed[1].name == "SelectQuery":
            assert list(spec.columns) == select_variables(parsed), name  # translateQuery ran without initNs


def test_query_names_are_unique_across_folders():
    stems = [p.stem for p in queries_dir().rglob("*.rq") if p.parent.name != "fragments"]
    assert len(stems) == len(set(stems))
    assert len(bundled_queries()) == len(stems)


def test_header_rejects_unknown_keys_and_bad_params(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: x.\n#+ colour: red\nSELECT * { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="bad.rq:2: unknown header line"):
        read_query_file(bad, "file")
    with pytest.raises(QueryError, match="bad param line"):
        parse_header("#+ param: when datetime required\n", bad)


def test_namespace_mirrors_the_ontology():
    onto = Graph().parse(ontology_path())
    declared = {
        str(s)
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, SKOS.Concept,
                     SKOS.ConceptScheme)
        for s in onto.subjects(RDF.type, kind)
        if str(s).startswith(str(CG._NS))
    }
    in_python = {str(CG._NS) + name for name in CG.__annotations__}
    assert declared == in_python


def test_every_ontology_term_has_label_and_definition():
    onto = Graph().parse(ontology_path())
    terms = {s for s in onto.subjects() if str(s).startswith(str(CG._NS))}
    assert len(terms) > 40
    for term in terms:
        assert onto.value(term, RDFS.label) is not None, term
        assert onto.value(term, SKOS.definition) is not None, term


def test_contract_response_types_fulfil_what_the_contract_says():
    onto = Graph().parse(ontology_path())
    fulfils = {(str(s).split("#")[1], str(o).split("#")[1]) for s, o in onto.subject_objects(CG.fulfils)}
    contract = {
        ("MilitaryDeployment", "CollectiveDefence"),
        ("ArmsSupply", "CollectiveDefence"),
        ("Consultations", "Consultation"),
    }
    assert contract <= fulfils  # extensions add response types and obligation types of their own
    for extra_type, _ in fulfils - contract:
        assert extra_type not in {"FactFindingMission", "DiplomaticStatement", "Refusal"}
    # the CSTO case-base extension: measures fulfil "consultation and measures", consultations do not
    assert {("MilitaryDeployment", "ConsultationAndMeasures"), ("ArmsSupply", "ConsultationAndMeasures")} <= fulfils
    assert ("Consultations", "ConsultationAndMeasures") not in fulfils
    assert onto.value(CG.AssistanceOffer, SKOS.inScheme) == CG.ResponseTypes and (CG.AssistanceOffer, CG.fulfils, None) not in onto
    for concept in ("FactFindingMission", "DiplomaticStatement", "Refusal"):
        assert (onto.value(CG[concept], SKOS.inScheme)) == CG.ResponseTypes

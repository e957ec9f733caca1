"""Comparison helpers shared by the cross-engine and server tests."""

from __future__ import annotations

import re

from rdflib import BNode, Literal
from rdflib.term import Node

from cstograph.engines.engine import QueryResult
from cstograph.engines.queries import QuerySpec, bind_params, bundled_queries, coerce_param

# Values for required parameters (dates fall inside the fixtures' periods).
SAMPLE_PARAMS = {"onDate": "2005-06-01", "asOf": "2005-06-01", "account": "http://example.org/no-such-account",
                 "alliance": "https://w3id.org/cstograph/data/CSTO",
                 "touched": "https://w3id.org/cstograph/ns#ThreatToMember"}  # a node readings edit


def _unordered_lists(text: str) -> str:
    """GROUP_CONCAT's order is engine-defined (SPARQL 1.1 fixes none), so texts are compared as
    multisets of words: a missing, extra or different word still fails, a reordered list does not."""
    return " ".join(sorted(re.findall(r"[^\s,;:()]+", text)))


INEXACT = {"http://www.w3.org/2001/XMLSchema#" + name for name in ("decimal", "double", "float")}


def term_key(term: Node | None) -> str:
    if term is None:
        return "UNBOUND"
    if isinstance(term, BNode):
        return "_:bnode"  # engines name blank nodes differently
    if isinstance(term, Literal) and str(term.datatype) in INEXACT:
        # decimal division precision is implementation-defined (XPath F&O): 2/3 has 18 digits on
        # Oxigraph and others elsewhere, so numbers are compared to 12 significant digits
        return f'"{float(term):.12g}"^^<{term.datatype}>'
    if isinstance(term, Literal) and term.datatype is not None:
        return f'"{term}"^^<{term.datatype}>'
    if isinstance(term, Literal):
        # language tags are case-insensitive (RDF 1.1); Oxigraph lowercases them, rdflib keeps them
        return f'"{_unordered_lists(str(term))}"@{(term.language or "").lower()}'
    return term.n3()


def canonical(result: QueryResult):
    """Rows as sorted tuples of comparable strings (order-insensitive), or the boolean/graph size."""
    if result.kind == "select":
        return result.variables, sorted(tuple(term_key(t) for t in row) for row in result.rows)
    if result.kind == "ask":
        return result.boolean
    return sorted(tuple(term_key(t) for t in triple) for triple in result.graph)


# Optional parameters, bound on top of the required ones by the cross-engine and server tests,
# so that the VALUES binding of every parameter type (booleans included) is compared too.
CG, CGD = "https://w3id.org/cstograph/ns#", "https://w3id.org/cstograph/data/"
PARAM_CASES = {
    "war-observations": [
        {"period": CG + "Period1945to2003", "coding": CG + "LLMCoding", "relevantOnly": "true"},
        {"coding": CG + "BFCoding", "relevantOnly": "false"},
    ],
    "commitment-record": [{"atopId": "1020"}],
    "members-on-date": [{"onDate": "2022-09-13", "alliance": CGD + "CSTO"}],
}


def param_cases(spec: QuerySpec, engine=None) -> list[dict]:
    """The required bindings alone, then with each case of optional parameters added."""
    required = sample_bindings(spec, engine)
    return [required] + [{**required, **bind_params(spec, case)} for case in PARAM_CASES.get(spec.name, [])]


def shipped_queries() -> list[QuerySpec]:
    return list(bundled_queries().values())


def sample_bindings(spec: QuerySpec, engine=None) -> dict:
    """Values for the required parameters; ``request`` (and ``node``, a fact node with sources) is
    the data's first request (by date), ``alliance`` its first alliance."""
    bindings = {}
    for p in spec.params:
        if not p.required:
            continue
        if p.name in ("request", "node"):
            from cstograph.engines.queries import run_named

            rows = run_named(engine, "request-labels").rows if engine is not None else ()
            bindings[p.name] = rows[0][0] if rows else coerce_param(p, "http://example.org/no-request")
        elif p.name == "alliance" and engine is not None:  # the data's first alliance
            from cstograph.engines.queries import run_named

            rows = run_named(engine, "alliance-labels").rows
            bindings[p.name] = rows[0][0] if rows else coerce_param(p, SAMPLE_PARAMS[p.name])
        else:
            bindings[p.name] = coerce_param(p, SAMPLE_PARAMS[p.name])
    return bindings


def verdict_keys(verdicts) -> list[tuple]:
    """Verdicts in a comparable form (reason texts as word multisets, responses sorted)."""
    keys = []
    for v in verdicts:
        keys.append((
            v.request, v.requester, v.addressee, v.obligation, v.date, v.status, v.alliance,
            _unordered_lists(v.reason), _unordered_lists(v.requester_label), _unordered_lists(v.obligation_label),
            tuple(sorted((r.response, r.responder, r.type, r.date, r.fulfils) for r in v.responses)),
            tuple(sorted((a.account, a.status) for a in v.contested)),  # which account says what
        ))
    return sorted(keys)


# ---------------------------------------------------------------- verdicts from files or a loaded Dataset


def kg_of(source, engine_name: str = "oxigraph"):
    """A KnowledgeGraph over paths (None: the bundled graphs) or an rdflib Dataset already loaded."""
    import cstograph
    from rdflib import Dataset

    if not isinstance(source, Dataset):
        return cstograph.open(source, engine=engine_name)
    from cstograph.api import KnowledgeGraph
    from cstograph.engines.data import Data
    from cstograph.engines.engine import OxigraphEngine, RdflibEngine

    if engine_name == "rdflib":
        return KnowledgeGraph(Data(RdflibEngine(source), source.namespace_manager, "a Dataset", "rdflib", _dataset=source))
    engine = OxigraphEngine(source)
    return KnowledgeGraph(Data(engine, source.namespace_manager, "a Dataset", "files", store=engine.store))


def assess(source, engine_name: str, *, according_to=None, as_of=None):
    """Every verdict (contested marked) of paths or a Dataset, on one engine."""
    return kg_of(source, engine_name).verdicts(according_to, as_of)


def assess_data(data, engine_name: str = "oxigraph", *, according_to=None, as_of=None, request=None):
    """Every verdict of opened Data (cstograph.engines.data.open_data)."""
    from cstograph.rules.verdicts import verdicts

    return verdicts(data, data.viewpoint(according_to, as_of), request)


def open_engine(source, engine_name: str = "oxigraph"):
    """A writable engine over the undisputed data of paths or a Dataset (the rules add triples)."""
    return kg_of(source, engine_name).data.copy()

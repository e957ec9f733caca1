"""Query engines behind one interface.

``OxigraphEngine`` (embedded pyoxigraph, the default) and ``RdflibEngine`` (rdflib's own SPARQL
evaluator) take the same query text (parameters already bound, see queries.inline_values) and return the same
``QueryResult`` of rdflib terms, so every command can run on either and results can be compared.
Queries see the union of all graphs as their default graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from cstograph.errors import QueryError

ENGINE_NAMES = ("oxigraph", "rdflib")


@dataclass(frozen=True)
class QueryResult:
    """A SELECT (variables + rows), ASK (boolean) or CONSTRUCT/DESCRIBE (graph) result."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = None

    def records(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]


class Engine(Protocol):
    name: str

    def query(self, text: str) -> QueryResult: ...

    def add(self, graph: Graph) -> int:
        """Add triples to the engine's data (for materialised inferences); returns how many were new."""
        ...


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class OxigraphEngine:
    name = "oxigraph"

    def __init__(self, dataset: Dataset | None = None, *, store=None, excluded: frozenset[str] = frozenset()) -> None:
        import pyoxigraph as ox

        self._ox = ox
        if store is None:
            store = ox.Store()
            data = dataset.serialize(format="nquads", encoding="utf-8")
            store.load(data, format=ox.RdfFormat.N_QUADS)
        self.store = store
        self._excluded = excluded

    def view(self, excluded: frozenset[str]) -> "OxigraphEngine":
        """An engine over the same store whose default graph leaves out the ``excluded`` named graphs."""
        return OxigraphEngine(store=self.store, excluded=frozenset(excluded))

    def _dataset_options(self) -> dict:
        if not self._excluded:
            return {"use_default_graph_as_union": True}
        ox = self._ox
        graphs = [g for g in self.store.named_graphs() if g.value not in self._excluded]
        return {"default_graph": [ox.DefaultGraph(), *graphs]}

    def _to_rdflib(self, term) -> Node | None:
        ox = self._ox
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype == "http://www.w3.org/2001/XMLSchema#string":
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(datatype))
        raise QueryError(f"unsupported result term {term!r}")

    def add(self, graph: Graph) -> int:
        ox = self._ox
        before = len(self.store)
        data = graph.serialize(format="nt", encoding="utf-8")
        self.store.load(data, format=ox.RdfFormat.N_TRIPLES)
        return len(self.store) - before

    def query(self, text: str) -> QueryResult:
        ox = self._ox
        try:
            result = self.store.query(text, **self._dataset_options())
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {_one_line(exc)}") from exc
        except OSError as exc:
            raise QueryError(f"query failed: {_one_line(exc)}") from exc
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            rows = tuple(
                tuple(self._to_rdflib(solution[v]) for v in variables) for solution in result
            )
            return QueryResult("select", variables, rows)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        graph = Graph()
        for triple in result:
            graph.add(
                (
                    self._to_rdflib(triple.subject),
                    self._to_rdflib(triple.predicate),
                    self._to_rdflib(triple.object),
                )
            )
        return QueryResult("graph", graph=graph)


class RdflibEngine:
    """rdflib's evaluator: slower, but pure Python and the reference for cross-engine tests."""

    name = "rdflib"

    def __init__(self, dataset: Dataset) -> None:
        import rdflib.plugins.sparql

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM <url> graphs
        self.dataset = dataset
        self.dataset.default_union = True

    def query(self, text: str) -> QueryResult:
        try:
            result = self.dataset.query(text)
        except Exception as exc:
            raise QueryError(f"query failed: {_one_line(exc)}") from exc
        if result.type == "SELECT":
            variables = tuple(str(v) for v in result.vars)
            rows = tuple(tuple(row) for row in result)
            return QueryResult("select", variables, rows)
        if result.type == "ASK":
            return QueryResult("ask", boolean=bool(result.askAnswer))
        graph = Graph()
        for triple in result:
            graph.add(triple)
        return QueryResult("graph", graph=graph)

    def add(self, graph: Graph) -> int:
        target = self.dataset.default_graph
        before = len(target)
        for triple in graph:
            target.add(triple)
        return len(target) - before


def make_engine(name: str, dataset: Dataset) -> Engine:
    if name == "oxigraph":
        return OxigraphEngine(dataset)
    if name == "rdflib":
        return RdflibEngine(dataset)
    raise QueryError(f"unknown engine {name!r}", hint="choose one of " + ", ".join(ENGINE_NAMES))

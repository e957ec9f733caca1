"""Query engines behind one interface.

``OxigraphEngine`` (embedded pyoxigraph, the default) and ``RdflibEngine`` (rdflib's own SPARQL
evaluator) take the same query text (parameters already bound, see queries.inline_values) and return the same
``QueryResult`` of rdflib terms, so every command can run on either and results can be compared.
Queries see *the undisputed data* as their default graph: the default graph plus every named
graph that is not declared a ``cg:Account`` (the data contract's rule). Every named graph, accounts
included, stays reachable with ``GRAPH``. ``view`` gives the same store seen another way (one
account added, see ``cstograph.engines.data``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from cstograph.base.deep_calls import run_deep
from cstograph.errors import QueryError

ENGINE_NAMES = ("oxigraph", "rdflib")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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


_LEXICAL = re.compile(
    r'#[^\n]*|<[^\s<>"{}|^`\\]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|(?<![\w:?$.-])[A-Za-z]+(?![\w:.-])'
)
_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


def _query_kind(text: str) -> str:
    """select, ask or graph: the first query-form keyword outside comments, IRIs and strings.

    A lexical scan (microseconds) instead of rdflib's parser (0.35 s for request-status.rq);
    syntax errors are reported by the engine that runs the query.
    """
    for match in _LEXICAL.finditer(text):
        word = match.group(0)
        if word[0].isalpha() and word.upper() in _FORMS:
            return _FORMS[word.upper()]
    raise QueryError("SPARQL syntax error: no SELECT, ASK, CONSTRUCT or DESCRIBE found")


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def query_key(text: str, reading: str | None = None) -> str:
    """The key of a query text for materialised results (any change to the text misses). The
    prefix marks results computed on the undisputed data: stores whose results were computed on
    the union of all graphs (before accounts were kept apart) miss and query the store.
    ``reading``: results computed under that reading's graph."""
    prefix = "undisputed\n" if reading is None else f"undisputed under {reading}\n"
    return hashlib.sha256((prefix + text).encode("utf-8")).hexdigest()


ACCOUNT_GRAPHS_QUERY = """PREFIX cg: <https://w3id.org/cstograph/ns#>
SELECT DISTINCT ?account WHERE { ?account a cg:Account . GRAPH ?account { ?s ?p ?o } }"""


# A reading of the coding manual is computed on the data with the ontology swapped for the
# reading's edited copy (rules/readings.py): the ontology then sits in its own named graph and
# each reading's copy in another, which every other view leaves out.
ONTOLOGY_GRAPH = "https://w3id.org/cstograph/ns/graph/ontology"
READING_GRAPHS = "https://w3id.org/cstograph/ns/graph/reading/"


def reading_graph_names(store) -> frozenset[str]:
    """The named graphs of a pyoxigraph store that hold a reading's copy of the ontology."""
    return frozenset(g.value for g in store.named_graphs() if getattr(g, "value", "").startswith(READING_GRAPHS))


def account_graph_names(store) -> frozenset[str]:
    """The named graphs of a pyoxigraph store that are declared a cg:Account (in any graph)."""
    if not any(True for _ in store.named_graphs()):
        return frozenset()
    rows = store.query(ACCOUNT_GRAPHS_QUERY, use_default_graph_as_union=True)
    return frozenset(row["account"].value for row in rows if hasattr(row["account"], "value"))


def ox_to_rdflib(term) -> Node | None:
    """A pyoxigraph term as the equal rdflib term (xsd:string literals become plain literals)."""
    # deferred to the first call: keeps pyoxigraph out of the CLI's start-up
    import pyoxigraph as ox

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
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise QueryError(f"unsupported result term {term!r}")


def cached_converter():
    """ox_to_rdflib with a cache: results and stores repeat terms (states, dates, labels)."""
    cache: dict = {}

    def convert(term):
        if term is None:
            return None
        found = cache.get(term)
        if found is None:
            found = cache[term] = ox_to_rdflib(term)
        return found

    return convert


class OxigraphEngine:
    """pyoxigraph evaluating over a ``Store``: in memory (the default) or on disk (``--store``).

    Built from an rdflib Dataset (copied through N-Quads), or from a pyoxigraph ``Store`` that
    was loaded directly from files (see ``cstograph.engines.store``), which skips rdflib's parser.
    """

    name = "oxigraph"

    def __init__(
        self, source, materialised: dict[str, str] | None = None, excluded: frozenset[str] | None = None,
        reading: str | None = None, *, in_memory: bool | None = None, triples: int | None = None,
    ) -> None:
        """``materialised`` maps query_key(text) to a SPARQL TSV results file computed when a
        read-only store was loaded: those exact queries are answered from the file (only on the
        undisputed data, which the files were computed on).
        ``excluded`` names the named graphs the default graph leaves out; None: the accounts, so
        that the default graph is the undisputed data; an empty set: nothing (every graph).
        ``reading``: the named graph of a reading's copy of the ontology, which then replaces
        the ontology's graph in the default graph; other readings' graphs are always left out.
        ``in_memory``: the store is held in memory (the files fitted the memory budget): the
        validation scan may then group values by path (None: only when this engine made the store);
        ``triples``: how many the store holds, when known without counting (a store's record)."""
        # deferred to the first call: keeps pyoxigraph out of the CLI's start-up
        import pyoxigraph as ox

        self._ox = ox
        self._excluded = None if excluded is None else frozenset(excluded)
        self.reading = reading
        self.materialised = (materialised or {}) if excluded is None else {}
        self._options: dict | None = None
        self._options_for: frozenset = frozenset()
        self.in_memory = bool(in_memory) or not isinstance(source, ox.Store)
        self.triples = triples
        if isinstance(source, ox.Store):
            self.store = source
        else:
            self.store = ox.Store()
            data = source.serialize(format="nquads", encoding="utf-8")
            self.store.load(data, format=ox.RdfFormat.N_QUADS)

    def account_graphs(self) -> frozenset[str]:
        """The named graphs declared a cg:Account (declared in any graph, and not empty)."""
        return account_graph_names(self.store)

    def view(self, excluded: frozenset[str]) -> OxigraphEngine:
        """An engine over the same store whose default graph leaves out the ``excluded`` named
        graphs (used for account views); it shares the store, so ``add`` is seen by both."""
        return OxigraphEngine(self.store, excluded=frozenset(excluded), in_memory=self.in_memory,
                              triples=self.triples)

    def reading_view(self, reading: str) -> OxigraphEngine:
        """This view with the ontology's graph swapped for a reading's graph (same store; a
        store's answers kept at load time under that reading still answer)."""
        return OxigraphEngine(self.store, self.materialised if self._excluded is None else None,
                              excluded=self._excluded, reading=reading, in_memory=self.in_memory,
                              triples=self.triples)

    def left_out(self) -> frozenset[str]:
        """The named graphs this engine's default graph leaves out (the others are in it, with
        the store's default graph)."""
        base = self.account_graphs() if self._excluded is None else self._excluded
        readings = reading_graph_names(self.store)
        if self.reading is None:
            return base | readings
        return base | (readings - {self.reading}) | {ONTOLOGY_GRAPH}

    def default_graphs(self) -> list:
        """The graphs this engine's default graph is made of: the store's default graph and
        every named graph not left out."""
        excluded = self.left_out()
        named = (g for g in self.store.named_graphs() if getattr(g, "value", None) not in excluded)
        return [self._ox.DefaultGraph(), *named]

    def _dataset_options(self) -> dict:
        if not self.left_out():
            return {"use_default_graph_as_union": True}
        options = {"default_graph": self.default_graphs()}
        hidden = reading_graph_names(self.store) | {ONTOLOGY_GRAPH}
        named = list(self.store.named_graphs())
        if any(getattr(g, "value", None) in hidden for g in named):  # GRAPH ?g sees the data's graphs only
            options["named_graphs"] = [g for g in named if getattr(g, "value", None) not in hidden]
        return options

    def dataset_options(self) -> dict:
        """pyoxigraph's query options that make this engine's default graph (for ``serve``)."""
        graphs = frozenset(self.store.named_graphs())  # a reading's graph may have been added since
        if self._options is None or self._options_for != graphs:
            self._options, self._options_for = self._dataset_options(), graphs
        return self._options

    def default_graph_ntriples(self) -> Iterator[bytes]:
        """The N-Triples of each of ``default_graphs``, dumped by Oxigraph: copying 1M triples
        this way takes a third of the time of a CONSTRUCT of them."""
        for graph in self.default_graphs():
            yield self.store.dump(format=self._ox.RdfFormat.N_TRIPLES, from_graph=graph)

    def add(self, graph: Graph) -> int:
        ox = self._ox
        before = len(self.store)
        self.store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        self._options = None  # the store changed
        return len(self.store) - before

    def construct_ntriples(self, text: str) -> bytes:
        """The N-Triples of a CONSTRUCT query, serialised by Oxigraph (never as Python objects),
        as ``EndpointEngine.construct_ntriples`` gives a server's."""
        try:
            return self.raw_query(text).serialize(format=self._ox.RdfFormat.N_TRIPLES)
        except (OSError, RuntimeError) as exc:  # lazy: errors surface here (RuntimeError: an unreadable SERVICE answer)
            raise QueryError(f"query failed: {_one_line(exc)}") from exc

    def add_construct(self, text: str) -> int:
        """Add the triples of a CONSTRUCT query to the data without leaving Oxigraph (no rdflib
        terms on the way); returns how many were new."""
        ox = self._ox
        data = self.construct_ntriples(text)
        before = len(self.store)
        self.store.load(data, format=ox.RdfFormat.N_TRIPLES)
        self._options = None  # the store changed
        return len(self.store) - before

    def raw_query(self, text: str):
        """The pyoxigraph result object (lazy), for callers that stream or serialise it."""
        try:
            return self.store.query(text, **self.dataset_options())
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {_one_line(exc)}") from exc
        except (OSError, RuntimeError) as exc:  # RuntimeError: a SERVICE answer pyoxigraph cannot read
            raise QueryError(f"query failed: {_one_line(exc)}") from exc

    def query(self, text: str) -> QueryResult:
        kind = _query_kind(text)
        stored = self.materialised.get(query_key(text, self.reading)) if self.materialised else None
        if stored is not None and kind == "select":
            return read_tsv_results(stored)
        result = self.raw_query(text)
        convert = cached_converter()

        try:
            if kind == "select":
                variables = tuple(v.value for v in result.variables)
                names = result.variables
                rows = tuple(tuple(convert(solution[v]) for v in names) for solution in result)
                return QueryResult("select", variables, rows)
            if kind == "ask":
                return QueryResult("ask", boolean=bool(result))
            graph = Graph()
            for triple in result:
                graph.add((convert(triple.subject), convert(triple.predicate), convert(triple.object)))
        except (OSError, RuntimeError) as exc:  # lazy: errors surface here (RuntimeError: an unreadable SERVICE answer)
            raise QueryError(f"query failed: {_one_line(exc)}") from exc
        return QueryResult("graph", graph=graph)

    def text_records(self, text: str, keep: Callable[[dict], bool] | None = None) -> list[dict[str, str | None]]:
        """The rows of a SELECT query with each cell as ``str()`` of its rdflib term (None when
        unbound), built without the rdflib terms: IRIs and plain or language-tagged literals are
        their text; other literals go through rdflib once per distinct value (it may normalise
        their lexical form). For callers that only read text, such as the report. ``keep``: only
        the rows it accepts, chosen as they are read (a stored answer is never held whole)."""
        stored = self.materialised.get(query_key(text, self.reading)) if self.materialised else None
        if stored is not None:
            return read_tsv_texts(stored, keep)
        result = self.raw_query(text)
        try:
            # serialised as SPARQL TSV by Oxigraph and read as a stored result is: the cells are
            # read as text without a Python call per cell (a third of the time of the site's
            # explanations went into reading cells one by one)
            tsv = result.serialize(format=self._ox.QueryResultsFormat.TSV)
        except (OSError, RuntimeError) as exc:  # lazy: errors surface here (RuntimeError: an unreadable SERVICE answer)
            raise QueryError(f"query failed: {_one_line(exc)}") from exc
        lines = tsv.decode("utf-8").split("\n")
        if lines[-1] == "":
            lines.pop()  # the end of the last row (a row of one unbound cell is an empty line before it)
        return tsv_rows(lines, keep)


def text_records(engine: Engine, text: str, keep: Callable[[dict], bool] | None = None) -> list[dict[str, str | None]]:
    """SELECT rows as text (``str()`` of each term, None when unbound), on any engine; Oxigraph
    skips the rdflib terms (see ``OxigraphEngine.text_records``); ``keep``: only the rows it accepts."""
    if isinstance(engine, OxigraphEngine):
        return engine.text_records(text, keep)
    rows = ({name: None if value is None else str(value) for name, value in row.items()}
            for row in engine.query(text).records())
    return [row for row in rows if keep is None or keep(row)]


_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")


def _unescape(match: re.Match) -> str:
    code = match.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)


def tsv_term(token: str) -> Node | None:
    """One cell of SPARQL 1.1 TSV results (Turtle/N-Triples term syntax) as an rdflib term."""
    if not token:
        return None
    first = token[0]
    if first == "<":
        return URIRef(token[1:-1])
    if first == '"':
        end = token.rfind('"')
        lexical = _ESCAPE.sub(_unescape, token[1:end]) if "\\" in token else token[1:end]
        rest = token[end + 1:]
        if rest.startswith("^^<"):
            datatype = rest[3:-1]
            return Literal(lexical) if datatype == XSD_STRING else Literal(lexical, datatype=URIRef(datatype))
        if rest.startswith("@"):
            return Literal(lexical, lang=rest[1:])
        return Literal(lexical)
    if token.startswith("_:"):
        return BNode(token[2:])
    if token in ("true", "false"):
        return Literal(token, datatype=URIRef(_XSD + "boolean"))
    if _INTEGER.match(token):
        return Literal(token, datatype=URIRef(_XSD + "integer"))
    if _DECIMAL.match(token):
        return Literal(token, datatype=URIRef(_XSD + "decimal"))
    return Literal(token, datatype=URIRef(_XSD + "double"))


def read_tsv_results(path: str) -> QueryResult:
    """SELECT results saved as SPARQL TSV (see store.py), read without a per-row round trip
    through pyoxigraph objects: each distinct cell is converted once."""
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n")
        variables = tuple(v[1:] for v in header.split("\t")) if header else ()
        cache: dict[str, Node | None] = {"": None}
        rows = []
        for line in handle:
            cells = line.rstrip("\n").split("\t")
            row = []
            for cell in cells:
                term = cache.get(cell, cache)
                if term is cache:
                    term = cache[cell] = tsv_term(cell)
                row.append(term)
            rows.append(tuple(row))
    return QueryResult("select", variables, tuple(rows))


def tsv_text(token: str) -> str | None:
    """``str(tsv_term(token))`` without building the term where the text is the token's own."""
    if not token:
        return None
    first = token[0]
    if first == "<":
        return token[1:-1]
    if first == '"':
        end = token.rfind('"')
        rest = token[end + 1:]
        if not rest or rest.startswith("@") or rest == f"^^<{XSD_STRING}>":
            return _ESCAPE.sub(_unescape, token[1:end]) if "\\" in token else token[1:end]
        if rest.startswith("^^<") and canonical_as_is(token[1:end], rest[3:-1]):
            return token[1:end]
    return str(tsv_term(token))


_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AS_IS = {_XSD + "boolean": lambda text: text in ("true", "false"), _XSD + "date": _PLAIN_DATE.fullmatch}


def canonical_as_is(lexical: str, datatype: str) -> bool:
    """Whether rdflib keeps this literal's text as it is (the commonest dates and booleans), so
    that ``str()`` of its term is the text without building the term."""
    check = _AS_IS.get(datatype)
    return bool(check and check(lexical))


def read_tsv_texts(path: str, keep: Callable[[dict], bool] | None = None) -> list[dict[str, str | None]]:
    """SELECT results saved as SPARQL TSV as rows of text (see ``OxigraphEngine.text_records``),
    read line by line: with ``keep``, only the rows it accepts are held."""
    with open(path, encoding="utf-8") as handle:
        if isinstance(keep, RowsAbout) and keep.mentions is not None:
            return tsv_rows(_lines_mentioning(handle, keep.mentions), keep)
        return tsv_rows(handle, keep)


def _lines_mentioning(handle, mentions: Sequence[str], chunk: int = 1 << 22) -> Iterator[str]:
    """The header and, in order, the lines of a TSV file holding any of ``mentions``, found by
    searching pieces of 4 MB of text (the file is never held whole, nor split into every line)."""
    yield handle.readline()
    tail = ""
    while True:
        piece = handle.read(chunk)
        text = tail + piece
        cut = len(text) if not piece else text.rfind("\n") + 1
        body, tail = text[:cut], text[cut:]
        starts = set()
        for mention in mentions:
            found = body.find(mention)
            while found >= 0:
                start = body.rfind("\n", 0, found) + 1
                end = body.find("\n", found)
                end = len(body) if end < 0 else end + 1
                starts.add((start, end))
                found = body.find(mention, end)
        for start, end in sorted(starts):
            yield body[start:end]
        if not piece:
            return


class RowsAbout:
    """A ``keep`` filter: the rows whose ``column`` is one of ``values`` (IRIs or blank nodes, as
    text). For a few values, a line that mentions none of them as a TSV cell (``<iri>``, ``_:id``)
    is passed over before its cells are read: explaining one request of a 10M-triple store read
    123,000 rows of a kept answer to keep one."""

    MENTIONS_AT_MOST = 64  # past this, looking for each value in each line costs more than reading it

    def __init__(self, column: str, values: Iterable[str], also: Callable[[dict], bool] | None = None) -> None:
        """``also``: a further filter the kept rows must pass."""
        self.column, self.values, self.also = column, frozenset(values), also
        self.mentions = (sorted(token for value in self.values for token in (f"<{value}>", f"_:{value}"))
                         if len(self.values) <= self.MENTIONS_AT_MOST else None)

    def __call__(self, row: dict) -> bool:
        return row[self.column] in self.values and (self.also is None or self.also(row))

    def passes_over(self, line: str) -> bool:
        """True when the line cannot be a kept row: it holds none of the values' texts."""
        return self.mentions is not None and not any(value in line for value in self.mentions)


CACHED_TERMS_AT_MOST = 20_000


def tsv_rows(lines: Iterable[str], keep: Callable[[dict], bool] | None = None) -> list[dict[str, str | None]]:
    """The lines of SPARQL TSV results as rows of text: each cell ``str()`` of its rdflib term,
    None when unbound; ``keep``: only the rows it accepts (a ``RowsAbout`` also passes over the
    lines that cannot hold one)."""
    lines = iter(lines)
    header = next(lines, "").rstrip("\n")
    variables = [v[1:] for v in header.split("\t")] if header else []
    cache: dict[str, str | None] = {"": None}
    rows = []
    # a term that repeats is one string; past a bound only the terms of the rows kept are
    # cached, or the cache would hold every term of the rows read (a 10M-triple store's 330,000
    # status rows for the 115,774 unmet) rather than of those kept
    passes_over = keep.passes_over if isinstance(keep, RowsAbout) else None
    for line in lines:
        if passes_over is not None and passes_over(line):
            continue
        row, fresh = [], []
        room = len(cache) < CACHED_TERMS_AT_MOST
        for token in line.rstrip("\n").split("\t"):
            text = cache.get(token, cache)
            if text is cache:
                text = tsv_text(token)
                if room:
                    cache[token] = text
                else:
                    fresh.append((token, text))
            row.append(text)
        record = dict(zip(variables, row))
        if keep is None or keep(record):
            rows.append(record)
            cache.update(fresh)
    return rows


class RdflibEngine:
    """rdflib's evaluator: slower, but pure Python and the reference for cross-engine tests."""

    name = "rdflib"

    def __init__(self, dataset: Dataset, excluded: frozenset[str] | None = None) -> None:
        """``excluded`` as for OxigraphEngine: None leaves the accounts out of the default graph."""
        # deferred to the first call: keeps rdflib out of the CLI's start-up
        import rdflib.plugins.sparql

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM <url> graphs
        dataset.default_union = True
        if excluded is None:
            excluded = frozenset(str(row[0]) for row in dataset.query(ACCOUNT_GRAPHS_QUERY))
        self.dataset = _default_graph_without(dataset, excluded) if excluded else dataset

    def account_graphs(self) -> frozenset[str]:
        self.dataset.default_union, union = True, self.dataset.default_union
        try:
            return frozenset(str(row[0]) for row in self.dataset.query(ACCOUNT_GRAPHS_QUERY))
        finally:
            self.dataset.default_union = union

    def query(self, text: str) -> QueryResult:
        # deferred to the first call: keeps rdflib, cstograph.engines.rdflib_regex out of the CLI's start-up
        from rdflib.plugins.sparql import prepareQuery
        from rdflib.plugins.sparql.sparql import SPARQLError

        from cstograph.engines.rdflib_regex import use_linear_regex

        kind = _query_kind(text)
        try:
            prepared = run_deep(prepareQuery, text)
        except RecursionError as exc:
            raise QueryError("the query nests too deeply to parse") from exc
        except Exception as exc:  # noqa: BLE001 - rdflib's parser raises plain Exception (unknown prefix) and pyparsing's
            raise QueryError(f"SPARQL syntax error: {_one_line(exc)}") from exc
        use_linear_regex(prepared)  # Python's re backtracks: '^(a+)+$' could run for hours
        try:
            result = self.dataset.query(prepared)
            if kind == "select":
                rows = run_deep(lambda: tuple(tuple(row) for row in result))
            elif kind == "graph":
                graph = Graph()
                for triple in result:
                    graph.add(triple)
            else:
                answer = bool(result.askAnswer)
        except RecursionError as exc:
            raise QueryError("the query nests too deeply to evaluate") from exc
        except (SPARQLError, ValueError, re.error, TypeError, KeyError, AttributeError) as exc:
            # re.error: a REGEX pattern Python cannot compile; the others: a SERVICE answer of the
            # wrong shape (only with --allow-network), which rdflib reads without checking
            raise QueryError(f"query failed: {_one_line(exc)}") from exc
        if kind == "select":
            variables = tuple(str(v) for v in result.vars)
            return QueryResult("select", variables, rows)
        if kind == "ask":
            return QueryResult("ask", boolean=answer)
        return QueryResult("graph", graph=graph)

    def add(self, graph: Graph) -> int:
        target = self.dataset.default_graph
        before = len(target)
        for triple in graph:
            target.add(triple)
        return len(target) - before


def _default_graph_without(dataset: Dataset, excluded: frozenset[str]) -> Dataset:
    """A copy of ``dataset`` whose default graph holds the triples of every graph but the
    ``excluded`` ones; all named graphs are kept, reachable with GRAPH."""
    view = Dataset(default_union=False)
    for prefix, namespace in dataset.namespaces():
        view.bind(prefix, namespace, override=False)
    default = view.graph(DATASET_DEFAULT_GRAPH_ID)
    for graph in dataset.graphs():
        name = graph.identifier
        if name == DATASET_DEFAULT_GRAPH_ID:
            default += graph
            continue
        view.graph(name).__iadd__(graph)
        if str(name) not in excluded:
            default += graph
    return view


def make_engine(name: str, dataset) -> Engine:
    """An engine by name over an rdflib Dataset (or, for oxigraph, a pyoxigraph Store)."""
    if name == "oxigraph":
        return OxigraphEngine(dataset)
    if name == "rdflib":
        return RdflibEngine(dataset)
    raise QueryError(f"unknown engine {name!r}", hint="choose one of " + ", ".join(ENGINE_NAMES))

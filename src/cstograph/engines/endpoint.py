"""Remote SPARQL 1.1 endpoints: run the shipped queries on a server, and upload data to it.

``EndpointEngine`` sends each query with the SPARQL 1.1 Protocol (POST, form-encoded) and reads
SPARQL JSON results (N-Triples for CONSTRUCT/DESCRIBE) into the same ``QueryResult`` the
embedded engines return. Queries see the server's default graph, which ``upload`` fills with the
undisputed data (accounts stay in their named graphs); Virtuoso's default graph is the union of
all graphs, so there the data goes into one named graph (``--graph G``) and queries name it as
their default graph (``--endpoint 'URL?default-graph-uri=G'``). An account's view is the
server's answer to ``queries/viewpoints/account-view.rq``.

``upload`` pushes a pyoxigraph store (the files plus the ontology) to a server with SPARQL 1.1
Update (``INSERT DATA``) or the Graph Store Protocol (HTTP POST of N-Triples), in chunks. All
triples that mention a blank node travel in one request, so no blank node is split in two.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.term import Node

from cstograph.engines.engine import XSD_STRING, QueryResult, _one_line, _query_kind, account_graph_names
from cstograph.errors import EndpointError, QueryError

USER_AGENT = "cstograph"
DEFAULT_TIMEOUT = 300.0
UPLOAD_METHODS = ("update", "gsp")



class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another http(s) URL (urllib would follow one to ftp: or file:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise EndpointError(f"the endpoint redirects to {newurl[:200]!r}, which is not an http(s) URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpRedirectsOnly)


def _http(request: urllib.request.Request, timeout: float, what: str) -> bytes:
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.read()
    except EndpointError:
        raise
    except urllib.error.HTTPError as exc:
        body = exc.read()[:300].decode("utf-8", "replace")
        detail = " ".join(body.split())
        raise EndpointError(
            f"{what}: HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else ""),
        ) from None
    except urllib.error.URLError as exc:
        raise EndpointError(
            f"{what}: cannot reach {request.full_url}: {exc.reason}",
            hint="is the server running, and is the URL its SPARQL query endpoint?",
        ) from None
    except TimeoutError:
        raise EndpointError(f"{what}: no answer from {request.full_url} within {timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:  # a broken answer, a bad URL
        raise EndpointError(f"{what}: {request.full_url}: {_one_line(exc)}") from None


def json_term(value: dict | None) -> Node | None:
    """A term of SPARQL 1.1 Query Results JSON as the equal rdflib term."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(value.get(key, ""), str)
                                              for key in ("type", "value", "xml:lang", "datatype")):
        raise EndpointError(f"the endpoint's answer holds a term that is not a SPARQL JSON term: {str(value)[:120]}")
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):  # typed-literal: Virtuoso's pre-standard spelling
        lang = value.get("xml:lang")
        datatype = value.get("datatype")
        if lang:
            return Literal(text, lang=lang)
        if datatype and datatype != XSD_STRING:
            return Literal(text, datatype=URIRef(datatype))
        return Literal(text)
    raise QueryError(f"unknown term type {kind!r} in the endpoint's answer")


class EndpointEngine:
    """A SPARQL 1.1 Protocol endpoint (Oxigraph, Virtuoso, Fuseki, GraphDB, QLever, Neptune...)."""

    name = "endpoint"

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, default_graph: str | None = None) -> None:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise EndpointError(f"--endpoint {url!r} is not an http(s) URL", hint="e.g. http://127.0.0.1:7878/query")
        # a default graph named in the URL (...?default-graph-uri=G) is sent like --graph
        query = urllib.parse.parse_qs(parsed.query)
        named_in_url = query.pop("default-graph-uri", [None])[-1]
        self.url = urllib.parse.urlunparse(parsed._replace(query=urllib.parse.urlencode(query, doseq=True)))
        self.timeout = timeout
        self.default_graph = default_graph or named_in_url

    def _post(self, text: str, accept: str, named_graphs: tuple[str, ...] = ()) -> bytes:
        """POST one query; with a default graph set, ``named_graphs`` are the named graphs the
        query may reach (the protocol gives a query naming its default graph no named graphs)."""
        fields = [("query", text)]
        if self.default_graph:
            fields.append(("default-graph-uri", self.default_graph))
            fields.extend(("named-graph-uri", name) for name in named_graphs)
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": accept,
                "User-Agent": USER_AGENT,
            },
            method="POST",
        )
        return _http(request, self.timeout, "query failed")

    def construct_ntriples(self, text: str, named_graphs: tuple[str, ...] = ()) -> bytes:
        """The N-Triples answer of a CONSTRUCT query, unparsed (to load it into a local store)."""
        return self._post(text, "application/n-triples, text/plain;q=0.5", named_graphs)

    def query(self, text: str) -> QueryResult:
        kind = _query_kind(text)
        if kind == "graph":
            body = self._post(text, "application/n-triples, text/plain;q=0.5")
            graph = Graph()
            try:
                graph.parse(data=body, format="nt")
            except (ParserError, ValueError) as exc:
                raise EndpointError(f"the endpoint's CONSTRUCT answer is not N-Triples: {_one_line(exc)}") from exc
            return QueryResult("graph", graph=graph)
        body = self._post(text, "application/sparql-results+json")
        answer = _results_json(body)
        if kind == "ask":
            if not isinstance(answer.get("boolean"), bool):
                raise _not_results(body)
            return QueryResult("ask", boolean=answer["boolean"])
        head, results = answer.get("head"), answer.get("results")
        if not isinstance(head, dict) or not isinstance(results, dict):
            raise _not_results(body)
        variables, bindings = head.get("vars", []), results.get("bindings", [])
        if not (isinstance(variables, list) and all(isinstance(v, str) for v in variables)
                and isinstance(bindings, list) and all(isinstance(b, dict) for b in bindings)):
            raise _not_results(body)
        try:
            rows = tuple(tuple(json_term(binding.get(v)) for v in variables) for binding in bindings)
        except ValueError as exc:  # rdflib refuses the term (a language tag it cannot read)
            raise EndpointError(f"the endpoint's answer holds a term rdflib cannot read: {_one_line(exc)}") from exc
        return QueryResult("select", tuple(variables), rows)


def _not_results(body: bytes) -> EndpointError:
    return EndpointError(
        f"the endpoint did not answer SPARQL JSON results: {body[:120]!r}",
        hint="check that --endpoint is the query URL (Oxigraph: /query, Virtuoso: /sparql, Fuseki: /DATASET/sparql)")


def _results_json(body: bytes) -> dict:
    """The answer as a JSON object: NaN and Infinity (which Python's json reads), nesting too
    deep to parse and anything but an object are not SPARQL results."""
    def refuse(constant: str):
        raise ValueError(f"{constant} is not JSON")

    try:
        answer = json.loads(body, parse_constant=refuse)
    except (ValueError, RecursionError) as exc:
        raise _not_results(body) from exc
    if not isinstance(answer, dict):
        raise _not_results(body)
    return answer


# ---------------------------------------------------------------- uploads


@dataclass(frozen=True)
class UploadSummary:
    triples: int
    requests: int
    graphs: int


def _ntriples_chunks(store, graph, chunk: int) -> Iterator[list[str]]:
    """N-Triples lines of one graph: plain triples in chunks, then every blank-node triple at once."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.engines.endpoint
    import pyoxigraph as ox

    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).decode("utf-8")
    plain: list[str] = []
    with_bnodes: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        # a false positive (a literal holding "> _:") only moves the line to the last request
        (with_bnodes if line.startswith("_:") or "> _:" in line else plain).append(line)
        if len(plain) >= chunk:
            yield plain
            plain = []
    if plain:
        yield plain
    if with_bnodes:
        yield with_bnodes


def upload(
    store,
    url: str,
    *,
    method: str = "update",
    graph: str | None = None,
    chunk: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> UploadSummary:
    """Send the data of ``store`` to the server at ``url`` so that the server's default graph
    (or ``graph``) holds the undisputed data, as cstograph's own engines see it.

    The default graph and every named graph that is not a ``cg:Account`` go to the default
    graph, or into the named graph ``graph`` (for servers whose default graph is the union of all
    graphs, such as Virtuoso: query them with ``default-graph-uri``). Every named graph, accounts
    included, is also sent as itself, so ``GRAPH`` reaches it on the server.

    ``method="update"``: ``url`` is the SPARQL Update endpoint; ``INSERT DATA`` requests.
    ``method="gsp"``: ``url`` is the Graph Store Protocol endpoint; ``POST url?default`` or
    ``POST url?graph=IRI`` with an N-Triples body.
    """
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.engines.endpoint
    import pyoxigraph as ox

    if method not in UPLOAD_METHODS:
        raise EndpointError(f"unknown upload method {method!r}", hint="choose update or gsp")
    if chunk is None:  # Virtuoso's SPARQL compiler runs out of memory past ~5,000 lines per update
        chunk = 2_000 if method == "update" else 100_000
    accounts = account_graph_names(store)
    named = sorted(store.named_graphs(), key=lambda g: str(g))
    undisputed = [ox.DefaultGraph(), *(g for g in named if g.value not in accounts)]
    sends = [(g, graph) for g in undisputed] + [(g, g.value) for g in named if g.value != graph]
    graphs = [ox.DefaultGraph(), *named]
    triples = requests = 0
    for source_graph, target in sends:
        for lines in _ntriples_chunks(store, source_graph, chunk):
            body = "\n".join(lines) + "\n"
            if method == "update":
                inner = f"GRAPH <{target}> {{\n{body}}}" if target else body
                # INSERT DATA may hold blank nodes (SPARQL 1.1), but Virtuoso refuses them there;
                # INSERT {...} WHERE {} means the same and every server takes it.
                has_bnodes = lines[0].startswith("_:") or "> _:" in lines[0]
                update = f"INSERT {{\n{inner}}} WHERE {{}}" if has_bnodes else f"INSERT DATA {{\n{inner}}}"
                request = urllib.request.Request(
                    url,
                    data=urllib.parse.urlencode({"update": update}).encode("utf-8"),
                    headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
                    method="POST",
                )
            else:
                query = "graph=" + urllib.parse.quote(target, safe="") if target else "default"
                request = urllib.request.Request(
                    url + ("&" if "?" in url else "?") + query,
                    data=body.encode("utf-8"),
                    headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
                    method="POST",
                )
            _http(request, timeout, "upload failed")
            triples += len(lines)
            requests += 1
    return UploadSummary(triples=triples, requests=requests, graphs=len(graphs))

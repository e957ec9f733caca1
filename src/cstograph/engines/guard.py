"""Refuse queries that would reach outside the loaded data.

rdflib fetches ``FROM <url>`` graphs and ``SERVICE`` endpoints, and pyoxigraph executes
``SERVICE`` with its own HTTP client, so the check runs on the parse tree before any engine
sees the query. Updates (including ``LOAD``) are refused too: cstograph only reads.
"""

from __future__ import annotations

import re

import threading


from cstograph.errors import QueryError, UnsafeQueryError


# rdflib's parser (pyparsing) is not thread-safe: concurrent parses fail at random (seen under
# `cstograph serve` with several clients). Parsing takes milliseconds, so parses take turns.
_PARSE_LOCK = threading.Lock()


def _walk(node):
    from rdflib.plugins.sparql.parserutils import CompValue

    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)
    elif hasattr(node, "asList") and not isinstance(node, str):
        for item in node:
            yield from _walk(item)


def check_query_is_safe(text: str, *, allow_network: bool = False, source: str = "query") -> None:
    """Raise unless ``text`` is a read-only query that stays inside the loaded data.

    ``source`` names the query (a file name) in error messages.
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate  # 60 ms: only when a query is checked
    from rdflib.plugins.sparql.parserutils import CompValue

    if not re.sub(r"(?m)#.*$", "", text).strip():  # an empty text is a valid (empty) update
        raise QueryError(f"{source}: holds no query (only comments or nothing)")
    try:
        with _PARSE_LOCK:
            parsed = parseQuery(text)
    except Exception as query_exc:
        try:
            with _PARSE_LOCK:
                parseUpdate(text)
        except Exception:
            raise QueryError(
                f"{source}: SPARQL syntax error: " + " ".join(str(query_exc).split())
            ) from query_exc
        raise UnsafeQueryError(f"{source}: updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused: cstograph only reads")
    if allow_network:
        return
    for node in _walk(parsed[1]):
        if isinstance(node, CompValue) and node.name == "DatasetClause":
            raise UnsafeQueryError(
                f"{source}: FROM and FROM NAMED are refused: they could fetch or read data outside the loaded files",
                hint="pass the data as PATH arguments instead, or use --allow-network",
            )
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise UnsafeQueryError(
                f"{source}: SERVICE is refused: it would send the query to another server",
                hint="use --allow-network if you mean it",
            )

"""Refuse queries that would reach outside the loaded data.

rdflib fetches ``FROM <url>`` graphs and ``SERVICE`` endpoints, and pyoxigraph executes
``SERVICE`` with its own HTTP client, so the check runs before any engine sees the query.
Updates (including ``LOAD``) are refused too: cstograph only reads.

The query is first rewritten as its canonical text (``sparql_text``: one tokeniser, no
comments, no whitespace but spaces and line feeds); the guard checks that text's keywords and
rdflib's parse tree of it, and the engine is handed that same text.
"""

from __future__ import annotations

import re

from cstograph.base.deep_calls import run_deep
from cstograph.errors import QueryError, UnsafeQueryError


def _walk(node):
    # deferred to the first call: keeps rdflib out of importing cstograph.engines.guard
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


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def resolve_codepoint_escapes(text: str, source: str = "query") -> str:
    """The query with its codepoint escapes (backslash-u and four hex digits, backslash-U and
    eight) replaced, once, by their characters.

    SPARQL 1.1 (section 19.2) processes these escapes before parsing; rdflib does, Oxigraph only
    inside strings. Resolved once here, the text the guard checks is the text every engine runs,
    so no escape can hide a SERVICE from one and show it to the other. An escape that is still
    there after one pass (an escaped escape) is refused rather than read two ways.
    """
    def character(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"{source}: {match.group(0)} is not a character")
        return chr(code)

    resolved = _CODEPOINT.sub(character, text)
    if resolved != text and _CODEPOINT.search(resolved):
        raise UnsafeQueryError(f"{source}: a codepoint escape that writes another escape is refused",
                               hint="write the character itself")
    return resolved


def check_query_is_safe(text: str, *, allow_network: bool = False, source: str = "query") -> str:
    """Raise unless ``text`` is a read-only query that stays inside the loaded data; return the
    canonical text that was checked (``sparql_text.canonical_text``): run that text, never the
    original, so that the engine reads exactly the query the guard judged.

    ``source`` names the query (a file name) in error messages.
    """
    # deferred to the first call: keeps cstograph.engines.sparql_text out of importing cstograph.engines.guard
    from cstograph.engines.sparql_text import UPDATE_KEYWORDS, canonical_text, reaching_keywords

    text, tokens = canonical_text(resolve_codepoint_escapes(text, source), source)
    if not tokens:
        raise QueryError(f"{source}: holds no query (only comments or nothing)")
    keywords = reaching_keywords(tokens)
    if keywords & UPDATE_KEYWORDS:
        raise UnsafeQueryError(f"{source}: updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused: cstograph only reads")
    if "SERVICE" in keywords and not allow_network:
        raise _service_refused(source)
    if "FROM" in keywords and not allow_network:
        raise _from_refused(source)
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate  # 60 ms: only when a query is checked
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        parsed = run_deep(parseQuery, text)
    except RecursionError:
        raise _too_deep(source) from None
    except Exception as query_exc:
        try:
            run_deep(parseUpdate, text)
        except Exception:
            raise QueryError(
                f"{source}: SPARQL syntax error: " + " ".join(str(query_exc).split())
            ) from query_exc
        raise UnsafeQueryError(f"{source}: updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused: cstograph only reads") from None
    if allow_network:
        return text
    try:
        nodes = run_deep(lambda tree: list(_walk(tree)), parsed[1])
    except RecursionError:
        raise _too_deep(source) from None
    for node in nodes:
        if isinstance(node, CompValue) and node.name == "DatasetClause":
            raise _from_refused(source)
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise _service_refused(source)
    return text


def _too_deep(source: str) -> QueryError:
    return QueryError(f"{source}: the query nests too deeply to parse",
                      hint="split it into smaller groups, or use fewer nested brackets")


def _service_refused(source: str) -> UnsafeQueryError:
    return UnsafeQueryError(f"{source}: SERVICE is refused: it would send the query to another server",
                            hint="use --allow-network if you mean it")


def _from_refused(source: str) -> UnsafeQueryError:
    return UnsafeQueryError(
        f"{source}: FROM and FROM NAMED are refused: they could fetch or read data outside the loaded files",
        hint="pass the data as PATH arguments instead, or use --allow-network")

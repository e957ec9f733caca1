"""REGEX and REPLACE on the rdflib engine, evaluated by Oxigraph's regular expressions.

rdflib evaluates SPARQL's REGEX and REPLACE with Python's ``re``, a backtracking matcher: a
pattern such as ``^(a+)+$`` against forty ``a`` and a ``b`` runs for minutes, and the thread
cannot be stopped. Oxigraph uses Rust's ``regex`` crate, which has no backtracking and runs in
time linear in the text. So a query prepared for the rdflib engine has its REGEX and REPLACE
calls re-pointed (on that parsed query only; rdflib itself is left as it is) to a one-row
Oxigraph query that evaluates the same call: both engines then match with one matcher and give
the same answers, a pattern neither can compile is an evaluation error on both (a FILTER over it
is false), and no pattern takes longer than its text. A call costs about 0.2 ms (an Oxigraph
query), so answers are cached by their arguments: drawing the bundled graphs on rdflib makes
6,337 calls on 425 distinct arguments.
"""

from __future__ import annotations

from functools import lru_cache
from types import MethodType

_STORE = None  # one empty in-memory Oxigraph store evaluates every call


def _store():
    global _STORE
    if _STORE is None:
        import pyoxigraph as ox

        _STORE = ox.Store()
    return _STORE


def _evaluate(call: str, arguments: list) -> object | None:
    """The value of ``call`` (a SPARQL expression over ?a0, ?a1, ...) with the given rdflib
    literals bound, or None when Oxigraph finds it an error (an invalid pattern, say)."""
    from rdflib import Literal

    key = tuple((str(v), v.language, v.datatype) if isinstance(v, Literal) else (str(v), None, None)
                for v in arguments)
    return _evaluate_once(call, key)


@lru_cache(maxsize=65536)  # queries repeat a call on the same values (a label per row, say)
def _evaluate_once(call: str, key: tuple) -> object | None:
    import pyoxigraph as ox
    from rdflib import Literal

    arguments = [Literal(text, lang=language, datatype=datatype) for text, language, datatype in key]
    terms = " ".join(str(_to_oxigraph(ox, value)) for value in arguments)
    names = " ".join(f"?a{i}" for i in range(len(arguments)))
    for solution in _store().query(f"SELECT ({call} AS ?value) {{ VALUES ({names}) {{ ({terms}) }} }}"):
        return solution["value"]
    return None


def _to_oxigraph(ox, value):
    from rdflib import Literal

    if not isinstance(value, Literal):  # string() has checked the text; flags may be anything
        value = Literal(str(value))
    if value.language:
        return ox.Literal(str(value), language=value.language)
    if value.datatype is not None:
        return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
    return ox.Literal(str(value))


def _regex(expr, ctx):
    from rdflib import Literal
    from rdflib.plugins.sparql.operators import string
    from rdflib.plugins.sparql.sparql import SPARQLError

    arguments = [string(expr.text), string(expr.pattern)]
    if expr.flags is not None:
        arguments.append(expr.flags)
    value = _evaluate(f"REGEX({', '.join(f'?a{i}' for i in range(len(arguments)))})", arguments)
    if value is None:
        raise SPARQLError(f"REGEX: the pattern {str(expr.pattern)!r} cannot be evaluated")
    return Literal(value.value == "true")


def _replace(expr, ctx):
    from rdflib import Literal
    from rdflib.plugins.sparql.operators import string
    from rdflib.plugins.sparql.sparql import SPARQLError

    text = string(expr.arg)
    arguments = [Literal(str(text)), string(expr.pattern), string(expr.replacement)]
    if expr.flags is not None:
        arguments.append(expr.flags)
    value = _evaluate(f"REPLACE({', '.join(f'?a{i}' for i in range(len(arguments)))})", arguments)
    if value is None:
        raise SPARQLError(f"REPLACE: the pattern {str(expr.pattern)!r} cannot be evaluated")
    return Literal(value.value, datatype=text.datatype, lang=text.language)


_REPLACEMENTS = {"Builtin_REGEX": _regex, "Builtin_REPLACE": _replace}


def use_linear_regex(prepared) -> None:
    """Re-point every REGEX and REPLACE of an rdflib prepared query (``prepareQuery``'s result)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    seen: set[int] = set()
    stack = [prepared.algebra]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            replacement = _REPLACEMENTS.get(node.name)
            if replacement is not None:
                node._evalfn = MethodType(replacement, node)
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, set)):
            stack.extend(node)

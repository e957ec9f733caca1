"""The query catalogue: ``.rq`` files with a ``#+`` header, found by name, run with bound parameters.

Header keys (one per line, ``#+ key: value``):
``summary`` (required), ``description`` (may repeat), ``tags`` (comma-separated),
``columns`` (comma-separated result columns), and ``param`` (may repeat):
``#+ param: NAME TYPE required|optional -- what it means`` with TYPE one of iri, date, string,
integer, boolean. Parameters are bound by a VALUES block opening the WHERE group (see
``inline_values``), serialised as RDF terms, so a value can never change the query's shape.

``include`` (may repeat) names a fragment of ``queries/fragments/`` that the query uses: a rule
or idiom stated once there and written ``{{NAME ?arg ...}}`` where it applies; the catalogue
expands it when it reads the file, so every engine, ``cstograph query`` and the tests see the
expanded text. A fragment file has ``summary``, ``description`` and ``arguments`` (the
variables it is written with, replaced in order by the ones a query gives).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager
from rdflib.term import Node

from cstograph.engines.engine import Engine, OxigraphEngine, QueryResult, query_key, text_records
from cstograph.engines.sparql_text import tokenize
from cstograph.errors import ParameterError, QueryError
from cstograph.reading.resources import queries_dir

HEADER_KEYS = {"summary", "description", "tags", "columns", "param", "include"}
FRAGMENT_KEYS = {"summary", "description", "arguments"}
FRAGMENTS = "fragments"  # the folder of queries/ that holds fragments, not queries
_PLACEHOLDER = re.compile(r"\{\{\s*([\w-]+)((?:\s+\?\w+)*)\s*\}\}")
PARAM_TYPES = {"iri", "date", "string", "integer", "boolean"}
BOOLEAN_WORDS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
_PARAM_LINE = re.compile(r"^(\w+)\s+(\w+)\s+(required|optional)\s*(?:--\s*(.*))?$")


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str
    required: bool
    description: str = ""


@dataclass(frozen=True)
class QuerySpec:
    name: str
    path: Path
    kind: str  # the folder: obligations, reports, infer, ... ("file" for a user's own file)
    summary: str
    description: str
    tags: tuple[str, ...]
    columns: tuple[str, ...]
    params: tuple[ParamSpec, ...]
    text: str


def parse_header(text: str, path: Path) -> dict:
    summary, description, tags, columns, params = "", [], (), (), []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            continue
        key, sep, value = line[2:].strip().partition(":")
        key, value = key.strip(), value.strip()
        if not sep or key not in HEADER_KEYS:
            raise QueryError(
                f"{path}:{number}: unknown header line {line.strip()!r}",
                hint="header keys are " + ", ".join(sorted(HEADER_KEYS)),
            )
        if key == "include":
            continue  # read by expand_includes
        if key == "summary":
            summary = value
        elif key == "description":
            description.append(value)
        elif key == "tags":
            tags = tuple(t.strip() for t in value.split(",") if t.strip())
        elif key == "columns":
            columns = tuple(c.strip() for c in value.split(",") if c.strip())
        else:
            match = _PARAM_LINE.match(value)
            if not match or match.group(2) not in PARAM_TYPES:
                raise QueryError(
                    f"{path}:{number}: bad param line {value!r}",
                    hint="write '#+ param: NAME iri|date|string|integer|boolean required|optional -- meaning'",
                )
            name, type_, need, meaning = match.groups()
            params.append(ParamSpec(name, type_, need == "required", meaning or ""))
    return {
        "summary": summary,
        "description": " ".join(description),
        "tags": tags,
        "columns": columns,
        "params": tuple(params),
    }


@dataclass(frozen=True)
class Fragment:
    name: str
    arguments: tuple[str, ...]
    body: str

    @property
    def internal(self) -> frozenset[str]:
        """The variables the fragment keeps to itself: those of its body that are not arguments."""
        return frozenset(re.findall(r"\?(\w+)", self.body)) - set(self.arguments)


@cache
def _fragment_names() -> frozenset[str]:
    return frozenset(path.stem for path in (queries_dir() / FRAGMENTS).glob("*.rq"))


@cache
def fragment(name: str) -> Fragment:
    """A fragment of ``queries/fragments/`` by name (the file stem)."""
    path = queries_dir() / FRAGMENTS / f"{name}.rq"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise QueryError(f"no fragment {name!r} (queries/{FRAGMENTS}/{name}.rq)") from None
    arguments: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#+"):
            key, sep, value = line[2:].strip().partition(":")
            if not sep or key.strip() not in FRAGMENT_KEYS:
                raise QueryError(f"{path}:{number}: unknown fragment header line {line.strip()!r}",
                                 hint="fragment header keys are " + ", ".join(sorted(FRAGMENT_KEYS)))
            if key.strip() == "arguments":
                arguments = tuple(word.lstrip("?") for word in value.split())
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()
    return Fragment(name, arguments, body)


def expand_includes(text: str, path: Path) -> str:
    """``text`` with each ``{{NAME ?arg ...}}`` replaced by the fragment NAME written with those
    variables; every fragment used must be declared with ``#+ include: NAME``, and every one
    declared must exist and be used."""
    declared = {line[2:].partition(":")[2].strip() for line in text.splitlines()
                if line.startswith("#+") and line[2:].partition(":")[0].strip() == "include"}
    used: set[str] = set()

    def expanded(match: re.Match) -> str:
        name, given = match.group(1), match.group(2).split()
        if name not in declared:
            raise QueryError(f"{path}: uses the fragment {name!r} without '#+ include: {name}'")
        found = fragment(name)
        if len(given) != len(found.arguments):
            raise QueryError(f"{path}: the fragment {name!r} takes {len(found.arguments)} variable(s) "
                             f"({', '.join('?' + a for a in found.arguments)}), given {len(given)}")
        used.add(name)
        for variable in given:
            if variable[1:] in found.internal:
                raise QueryError(f"{path}: the fragment {name!r} is given {variable}, a variable it uses itself")
        body = found.body
        if found.arguments:
            renamed = dict(zip(found.arguments, given, strict=True))
            # every argument replaced in one pass, so that a variable given for one argument is
            # never taken for another
            body = re.sub(r"\?(" + "|".join(map(re.escape, found.arguments)) + r")\b",
                          lambda match: renamed[match.group(1)], body)
        line_start = match.string.rfind("\n", 0, match.start()) + 1
        indent = re.match(r"[ \t]*", match.string[line_start:]).group(0)
        return body.replace("\n", "\n" + indent)  # a fragment of several lines, indented as its placeholder

    outside = _PLACEHOLDER.sub(" ", text)
    for name in sorted(declared):
        if name in _fragment_names():
            clash = sorted(v for v in fragment(name).internal if re.search(rf"\?{re.escape(v)}\b", outside))
            if clash:
                raise QueryError(f"{path}: uses ?{clash[0]}, a variable of the fragment {name!r} "
                                 "(a query must not use the variables a fragment keeps to itself)")
    result = _PLACEHOLDER.sub(expanded, text)
    for name in sorted(declared - used):
        fragment(name)  # an include that names no fragment is an error even when unused
        raise QueryError(f"{path}: includes the fragment {name!r} but never uses it")
    return result


def read_query_file(path: Path, kind: str) -> QuerySpec:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read: {exc}") from exc
    text = expand_includes(text, path)
    header = parse_header(text, path)
    return QuerySpec(name=path.stem, path=path, kind=kind, text=text, **header)


@cache
def bundled_queries() -> dict[str, QuerySpec]:
    """Every shipped query by name (the file stem, unique across folders)."""
    catalogue: dict[str, QuerySpec] = {}
    root = queries_dir()
    for path in sorted(root.rglob("*.rq")):
        if path.parent.relative_to(root).parts[:1] == (FRAGMENTS,):
            continue
        spec = read_query_file(path, kind=path.parent.relative_to(root).as_posix())
        if not spec.summary:
            raise QueryError(f"{path}: the header has no '#+ summary:' line")
        if spec.name in catalogue:
            raise QueryError(f"{path}: query name {spec.name!r} is used twice")
        catalogue[spec.name] = spec
    return catalogue


def get_query(name: str) -> QuerySpec:
    catalogue = bundled_queries()
    if name not in catalogue:
        close = [n for n in catalogue if name in n or n in name]
        hint = ("did you mean " + ", ".join(close) + "?") if close else "run 'cstograph queries' to list them"
        raise QueryError(f"unknown query {name!r}", hint=hint)
    return catalogue[name]


def resolve_query(name_or_file: str) -> QuerySpec:
    """A bundled query by name, or a user's query file (anything with a suffix or a slash)."""
    path = Path(name_or_file)
    if path.suffix or "/" in name_or_file or path.exists():
        if not path.is_file():
            raise QueryError(f"{path}: is a folder, not a query file" if path.is_dir() else f"{path}: no such query file")
        return read_query_file(path, kind="file")
    return get_query(name_or_file)


def query_from_text(text: str) -> QuerySpec:
    """SPARQL text given directly (the Python API), with its ``#+`` header if it has one."""
    path = Path("query.rq")
    text = expand_includes(text, path)
    return QuerySpec(name="query", path=path, kind="text", text=text, **parse_header(text, path))


def coerce_param(spec: ParamSpec, raw, namespaces: NamespaceManager | None = None) -> Node:
    """A parameter value as an RDF term: a string as typed on the command line, or (from the
    Python API) an RDF term, a date, an int or a bool."""
    if isinstance(raw, (URIRef, Literal)):
        return raw
    if not isinstance(raw, (str, int, float, dt.date)):
        raise ParameterError(f"parameter {spec.name}: a {type(raw).__name__} is not a value",
                             hint="give a string, a number, a date, a bool or an rdflib term")
    if isinstance(raw, bool):
        raw = "true" if raw else "false"
    elif isinstance(raw, (int, dt.date)):
        raw = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
    if spec.type == "date":
        try:
            return Literal(dt.date.fromisoformat(raw), datatype=XSD.date)
        except ValueError:
            raise ParameterError(f"parameter {spec.name}: {raw!r} is not a date (YYYY-MM-DD)") from None
    if spec.type == "integer":
        try:
            return Literal(int(raw), datatype=XSD.integer)
        except ValueError:
            raise ParameterError(f"parameter {spec.name}: {raw!r} is not an integer") from None
    if spec.type == "boolean":
        word = raw.strip().lower()
        if word not in BOOLEAN_WORDS:
            raise ParameterError(f"parameter {spec.name}: {raw!r} is not a boolean (true or false)")
        return Literal(BOOLEAN_WORDS[word], datatype=XSD.boolean)
    if spec.type == "iri":
        return expand_iri(raw, namespaces, what=f"parameter {spec.name}")
    return Literal(raw)


def expand_iri(raw: str, namespaces: NamespaceManager | None, what: str) -> URIRef:
    """A full IRI (with or without <>), or a prefixed name known to the loaded data."""
    value = raw.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value) or value.startswith("urn:"):
        return _checked_iri(value, raw, what)
    if ":" in value and namespaces is not None:
        try:
            return _checked_iri(str(namespaces.expand_curie(value)), raw, what)
        except ValueError:
            pass
    raise ParameterError(
        f"{what}: {raw!r} is neither a full IRI nor a prefixed name declared in the data"
    )


_NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _checked_iri(value: str, raw: str, what: str) -> URIRef:
    """An IRI that can be written in SPARQL and Turtle: no space, quote, angle bracket, ..."""
    bad = _NOT_IN_IRIS.search(value)
    if bad:
        raise ParameterError(f"{what}: {raw!r} is not an IRI (it holds {bad.group(0)!r})",
                             hint="percent-encode the character (a space is %20)")
    return URIRef(value)


def bind_params(
    spec: QuerySpec, raw: Mapping[str, str], namespaces: NamespaceManager | None = None
) -> dict[str, Node]:
    known = {p.name: p for p in spec.params}
    for name in raw:
        if name not in known:
            listed = ", ".join(known) or "none"
            raise ParameterError(f"query {spec.name!r} has no parameter {name!r} (parameters: {listed})")
    missing = [p.name for p in spec.params if p.required and p.name not in raw]
    if missing:
        raise ParameterError(
            f"query {spec.name!r} needs the parameter(s) {', '.join(missing)}",
            hint="pass them as --param NAME=VALUE",
        )
    bound = {}
    for name, value in raw.items():
        try:
            bound[name] = coerce_param(known[name], value, namespaces)
        except ParameterError as exc:
            meaning = known[name].description
            raise ParameterError(exc.message, hint=f"{name} ({known[name].type}): {meaning}" if meaning else exc.hint) from None
    return bound


@lru_cache(maxsize=512)
def _where_brace(text: str) -> int:
    """Offset of the '{' that opens the query's outermost WHERE group.

    Read from the tokens of ``sparql_text.tokenize`` (comments, IRIs and strings are tokens of
    their own, so no brace inside them counts); for CONSTRUCT the template's braces come first,
    so the group is the first top-level '{' after the WHERE keyword. Kept per text (as the
    sub-select offsets): the catalogue's queries are bound again and again, and reading a
    query's tokens took most of the time of a one-request question.
    """
    tokens = tokenize(text)
    is_construct = any(t.kind == "word" and t.text.upper() == "CONSTRUCT" for t in tokens)
    depth, seen_where = 0, False
    for token in tokens:
        if depth == 0 and token.kind == "word" and token.text.upper() == "WHERE":
            seen_where = True
        elif token.kind == "punct" and token.text == "{":
            if depth == 0 and (seen_where or not is_construct):
                return token.start
            depth += 1
        elif token.kind == "punct" and token.text == "}":
            depth -= 1
    raise QueryError("cannot find the query's WHERE group to bind parameters")


def inline_values(text: str, bindings: Mapping[str, Node] | None) -> str:
    """Bind parameters with a VALUES block opening the WHERE group.

    The values are serialised as RDF terms (escaped by rdflib), so the binding is as safe as
    initBindings; unlike engine-specific binding APIs it means the same on every engine and on
    remote endpoints, and the group's FILTERs see the bound values.
    """
    if not bindings:
        return text
    names = list(bindings)
    values = " ".join(bindings[name].n3() for name in names)
    block = " VALUES (" + " ".join("?" + name for name in names) + ") { (" + values + ") } "
    at = _where_brace(text) + 1
    inserts = {at: block}
    # A sub-select does not see the outer VALUES: one that projects a parameter gets the value
    # too, so that a query about one request does the work of one request, not of all of them.
    # The result is the same (the outer join keeps only that value anyway).
    for name in names:
        single = f" VALUES ?{name} {{ {bindings[name].n3()} }} "
        for brace in _subselect_braces(text, name, outer=at - 1):
            inserts[brace + 1] = inserts.get(brace + 1, "") + single
    for position in sorted(inserts, reverse=True):
        text = text[:position] + inserts[position] + text[position:]
    return text


def inline_value_list(text: str, name: str, values: Sequence[Node]) -> str:
    """Bind ``?name`` to several values (one VALUES row each) at the opening of the WHERE group
    and of each sub-select that projects it, as ``inline_values`` does for one value: a query
    about a few hundred requests then does the work of those requests only."""
    block = f" VALUES ?{name} {{ {' '.join(value.n3() for value in values)} }} "
    at = _where_brace(text) + 1
    positions = [at, *(brace + 1 for brace in _subselect_braces(text, name, outer=at - 1))]
    for position in sorted(positions, reverse=True):
        text = text[:position] + block + text[position:]
    return text


@lru_cache(maxsize=1024)
def _subselect_braces(text: str, name: str, outer: int) -> tuple[int, ...]:
    """Offsets of the '{' opening the WHERE group of each sub-select (inside the outer WHERE
    group at ``outer``) whose projection lists ``?name`` itself (not inside an expression)."""
    tokens = tokenize(text)
    found = []
    for number, token in enumerate(tokens):
        if token.start <= outer or token.kind != "word" or token.text.upper() != "SELECT":
            continue
        depth, plain = 0, []
        for after, following in enumerate(tokens[number + 1:], start=number + 1):
            if following.kind == "word" and following.text.upper() == "WHERE":
                brace = tokens[after + 1] if after + 1 < len(tokens) else None
                if brace is not None and brace.kind == "punct" and brace.text == "{" and name in plain:
                    found.append(brace.start)
                break
            if following.kind == "punct" and following.text in "()":
                depth += 1 if following.text == "(" else -1
            elif following.kind == "var" and depth == 0:
                plain.append(following.text[1:])
    return tuple(found)


def run_query(engine: Engine, spec: QuerySpec, bindings: Mapping[str, Node] | None = None) -> QueryResult:
    try:
        return engine.query(inline_values(spec.text, bindings))
    except QueryError as exc:
        raise QueryError(f"{spec.path.name}: {exc.message}", hint=exc.hint) from exc


def run_named(engine: Engine, name: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
    return run_query(engine, get_query(name), bindings)


def text_rows_for_values(engine: Engine, name: str, variable: str, values: Sequence[Node] | None,
                         bindings: Mapping[str, Node] | None = None) -> list[dict[str, str | None]]:
    """A bundled SELECT query about several nodes at once, its rows as text (as ``run_named_text``):
    ``?variable`` bound to each of ``values`` (one VALUES row each, ``inline_value_list``), or to
    the one value with ``bindings`` beside it (``inline_values``); unbound when ``values`` is None
    (every node: a bulk question)."""
    spec = get_query(name)
    if values is None:
        text = spec.text
    elif len(values) == 1:
        text = inline_values(spec.text, {variable: values[0], **(bindings or {})})
    else:
        text = inline_value_list(spec.text, variable, values)
    try:
        return text_records(engine, text)
    except QueryError as exc:
        raise QueryError(f"{spec.path.name}: {exc.message}", hint=exc.hint) from exc


def run_named_text(engine: Engine, name: str, bindings: Mapping[str, Node] | None = None,
                   keep: Callable[[dict], bool] | None = None, *, ordered: bool = True) -> list[dict[str, str | None]]:
    """A bundled SELECT query's rows as text (``str()`` of each term, None when unbound): the
    report reads only text, and on Oxigraph this skips building rdflib terms; ``keep``: only
    the rows it accepts, chosen as they are read; ``ordered=False``: the rows in whatever order
    the engine gives them (``unordered_text_records``), for a caller that files them by key."""
    spec = get_query(name)
    text = inline_values(spec.text, bindings)
    try:
        return text_records(engine, text, keep) if ordered else unordered_text_records(engine, text, keep)
    except QueryError as exc:
        raise QueryError(f"{spec.path.name}: {exc.message}", hint=exc.hint) from exc


def answer_kept(engine: Engine, name: str) -> bool:
    """Whether the store behind ``engine`` kept the answer of the bundled query ``name``, unbound,
    at load time (then reading that answer's rows about one request beats asking the store)."""
    stored = getattr(engine, "materialised", None) if isinstance(engine, OxigraphEngine) else None
    return bool(stored) and query_key(get_query(name).text, engine.reading) in stored


def unordered_text_records(engine: Engine, text: str,
                           keep: Callable[[dict], bool] | None = None) -> list[dict[str, str | None]]:
    """``text_records`` of a SELECT query without its final ORDER BY, unless a store kept the
    answer of the query as written (then that answer is read, in its order). Oxigraph sorts by
    decoding each compared term: ORDER BY ?node took 8 of the 8.3 s of case-texts.rq on a
    1M-triple store (0.3 of 0.33 s at 100k), so a caller that only looks rows up leaves it out."""
    stored = getattr(engine, "materialised", None) if isinstance(engine, OxigraphEngine) else None
    if stored and query_key(text, engine.reading) in stored:
        return text_records(engine, text, keep)
    return text_records(engine, without_order(text), keep)


@lru_cache(maxsize=256)
def without_order(text: str) -> str:
    """A SELECT query without the ORDER BY of its outer query (the same rows, in the engine's
    order); unchanged when it has none, or when a LIMIT or OFFSET picks rows by that order."""
    depth, order, after = 0, None, len(text)
    for token in tokenize(text):
        if token.kind == "punct" and token.text in "{}":
            depth += 1 if token.text == "{" else -1
        elif depth == 0 and token.kind == "word":
            word = token.text.upper()
            if word in ("LIMIT", "OFFSET"):
                return text
            if word == "ORDER":
                order = token.start
            elif word == "VALUES" and order is not None:  # a trailing VALUES clause stays
                after = token.start
                break
    return text if order is None else text[:order] + text[after:]


def parse_param_options(options: Sequence[str]) -> dict[str, str]:
    """['name=value', ...] -> {'name': 'value'}"""
    result: dict[str, str] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--param {option!r}: write NAME=VALUE")
        if name.strip() in result:
            raise ParameterError(f"--param {name.strip()} is given twice ({result[name.strip()]!r} and {value!r})",
                                 hint="a parameter takes one value")
        result[name.strip()] = value
    return result

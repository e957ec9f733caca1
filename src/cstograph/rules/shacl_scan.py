"""The compiled shapes checked by reading an embedded Oxigraph store from Python, in memory that
does not grow with the graph; ``scan_rows`` hands a graph whose path dicts fit the memory budget
to the faster path-by-path scan (``shacl_scan_paths``) instead.

The SPARQL form of the checks (``queries/validation``) has Oxigraph join every focus node with
every constraint of its shape, one index lookup per pair: about 1.5 million lookups, 4 s at 1M
triples. Here the focus nodes of each shape are read as a stream (the instances of its classes,
the subjects or objects of its properties), each focus node's own quads are read once (one range
of the subject index) and all the constraints of its shape are checked on them. What a check
needs to know about a value beyond the focus node (its classes for sh:class, its inner values
for sh:node) is looked up in the store and kept in caches emptied at ``CACHE_LIMIT`` entries, so
a state, an obligation or a source named by a million requests is looked up about once. Only
the failing rows are held: memory is the same at 1M and at 100M triples. (The path-by-path
scan groups every path's values by subject in dicts of terms: faster, but 3.4 GB at 10M
triples, so it runs only where its dicts fit.) Each shape's checks are arranged once by path (``_plan``), so
a focus node pays only for the paths it has (about a fifth less CPU than before; 3.1 s at 1M
triples in memory, 19.1 s on disk: ``bench/validators.py``, 2026-12-07). The rows are the
SPARQL queries' rows, term for term (``tests/test_fastshacl.py`` and ``tests/test_shacl_scan.py`` compare both, and pyshacl, on every
fixture and on damaged graphs).

Two checks keep SPARQL's own meaning by asking Oxigraph about the candidate values alone (a
VALUES query, no data read, sent as soon as ``CHUNK`` candidates wait): sh:lessThanOrEquals is
SPARQL's ``<=`` (numbers, dates with and without time zones, strings), and sh:pattern is an
XPath regular expression.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from itertools import chain

from rdflib import URIRef

from cstograph.base.progress import phase
from cstograph.rules.shacl_checks import (
    CHUNK,
    LEXICAL_FORMS,
    RDF_TYPE,
    Row,
    datatype_check,
    failing_rows,
    kind_check,
    shape_number,
    sparql_value,
)

__all__ = ["LEXICAL_FORMS", "scan_rows"]

# The kinds of value checks, in the order the scan tries them (the most frequent first)
_CLASS, _DATATYPE, _MAX_COUNT, _NODE_KIND, _NODE_MIN_COUNT, _LESS_THAN_OR_EQUALS, _PATTERN = range(7)

CACHE_LIMIT = 100_000  # entries of each look-up cache before it is emptied (memory stays bounded)
PROGRESS_EVERY = 20_000  # focus nodes between two updates of the progress display


class _Cache(dict):
    """A dict emptied whenever it reaches ``CACHE_LIMIT`` entries: repeated look-ups of the
    same value (a state, an obligation, a source) are answered once, and memory stays bounded."""

    def put(self, key, value):
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[key] = value
        return value


class _Pending:
    """Candidate rows whose check is asked of Oxigraph in VALUES queries of ``CHUNK`` rows, sent
    as soon as a chunk is full, so that the candidates never pile up."""

    def __init__(self, engine, cells: Callable[[tuple], str], variables: str, test: str, rows: set) -> None:
        self.engine, self.cells, self.variables, self.test, self.rows = engine, cells, variables, test, rows
        self.candidates: list = []

    def add(self, candidate: tuple) -> None:
        self.candidates.append(candidate)
        if len(self.candidates) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.candidates:
            self.rows.update(failing_rows(self.engine, self.candidates, self.cells, self.variables, self.test))
            self.candidates = []


BY_PATH_BYTES_PER_TRIPLE = 350  # what the path-by-path scan holds: about 300 MB at 1M triples


def scan_rows(engine, compiled, closure: dict[URIRef, list[URIRef]]) -> set[Row]:
    """The rows the validation queries would give on ``engine`` (an OxigraphEngine), found by
    reading its store. ``closure`` maps each class the shapes name to it and its subclasses.
    A graph held in memory, or a store whose path dicts fit the memory budget, is checked path
    by path (``shacl_scan_paths``: faster, in memory that grows with the graph); any other focus
    node by focus node, with progress: the focus nodes checked, with a rate."""
    # The scans make small dicts and lists and no reference cycles: the cyclic garbage
    # collector, run again and again meanwhile, would find nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        if by_path(engine):
            # deferred to the first call: keeps cstograph.rules.shacl_scan_paths out of importing this module
            from cstograph.rules.shacl_scan_paths import scan_rows_by_path

            with phase("checking shapes"):
                return scan_rows_by_path(engine, compiled, closure)
        with phase("checking shapes", unit="nodes") as advance:
            return _scan_rows(engine, compiled, closure, advance)
    finally:
        if enabled:
            gc.enable()


def by_path(engine) -> bool:
    """Whether the path-by-path scan's dicts fit: the data is held in memory already (it fitted
    the memory budget), or a store's record says how many triples it holds and their dicts fit
    the budget (``CSTOGRAPH_MEMORY_BUDGET``: up to about 6M triples with the default 2 GiB)."""
    if getattr(engine, "in_memory", False):
        return True
    triples = getattr(engine, "triples", None)
    if triples is None:
        return False
    # deferred to the first call: keeps cstograph.engines.store out of importing this module
    from cstograph.engines.store import memory_budget

    return triples * BY_PATH_BYTES_PER_TRIPLE <= memory_budget()


def _scan_rows(engine, compiled, closure, advance) -> set[Row]:
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.rules.shacl_scan
    import pyoxigraph as ox

    store, excluded = engine.store, engine.left_out()

    def node(term) -> object:
        return ox.NamedNode(str(term))

    def quads(subject=None, predicate=None, obj=None) -> Iterator:
        try:
            found = store.quads_for_pattern(subject, predicate, obj)
        except TypeError:  # a literal as subject: it has no quads
            return iter(())
        if not excluded:
            return found
        return (q for q in found if getattr(q.graph_name, "value", None) not in excluded)

    rdf_type = ox.NamedNode(RDF_TYPE)
    checks: dict[object, list[tuple]] = {}  # shape -> (kind, number, path node, other...)
    for kind, entries in compiled.rows.items():
        for shape, number, path, *extra in entries:
            if kind in ("node-min-count-one", "node-min-count", "less-than-or-equals"):
                extra[0] = node(extra[0])
            elif kind in ("min-count", "max-count"):
                extra[0] = shape_number(extra[0])
                if extra[0] is None:  # SPARQL cannot compare it: no result
                    continue
            checks.setdefault(shape, []).append((kind, number, node(path), *extra))
    wanted = {shape: {c[2] for c in found} | {c[3] for c in found if c[0] == "less-than-or-equals"}
              for shape, found in checks.items()}
    allowed_classes: dict[int, frozenset[str]] = {}
    for number, cls in compiled.allowed_classes:
        allowed_classes[number] = allowed_classes.get(number, frozenset()) | {str(sub) for sub in closure[cls]}
    allowed_datatypes: dict[int, set] = {}
    for number, datatype in compiled.allowed_datatypes:
        allowed_datatypes.setdefault(number, set()).add(node(datatype))
    well_typed = {number: datatype_check(ox, allowed) for number, allowed in allowed_datatypes.items()}

    def _plan(shape_checks: list[tuple], paths: set) -> tuple[list[tuple], dict[object, list[tuple]]]:
        """A shape's checks arranged for the scan: the counts every focus node needs, (number,
        path, least), and for each path read the checks of its values, (kind, number, argument)
        with the argument ready (the allowed classes, a datatype or node-kind test, a count)."""
        required: list[tuple] = []
        by_path: dict[object, list[tuple]] = {path: [] for path in paths}
        for kind, number, path, *extra in shape_checks:
            if kind == "min-count-one":
                required.append((number, path, 1))
            elif kind == "min-count":
                required.append((number, path, extra[0]))
            elif kind in ("max-count-one", "max-count"):
                by_path[path].append((_MAX_COUNT, number, 1 if kind == "max-count-one" else extra[0]))
            elif kind == "class":
                by_path[path].append((_CLASS, number, allowed_classes.get(number, frozenset())))
            elif kind == "datatype":
                by_path[path].append((_DATATYPE, number, well_typed.get(number) or datatype_check(ox, set())))
            elif kind == "node-kind":
                by_path[path].append((_NODE_KIND, number, kind_check(ox, str(extra[0]))))
            elif kind in ("node-min-count-one", "node-min-count"):
                least = 1 if kind == "node-min-count-one" else shape_number(extra[1])
                if least is not None:  # SPARQL cannot compare it: no result
                    by_path[path].append((_NODE_MIN_COUNT, number, (extra[0], least)))
            elif kind == "less-than-or-equals":
                by_path[path].append((_LESS_THAN_OR_EQUALS, number, extra[0]))
            elif kind == "pattern":
                by_path[path].append((_PATTERN, number, extra[0]))
            else:
                raise ValueError(f"the scan has no check for {kind!r}")
        return required, by_path

    rows: set[Row] = set()
    classes_of, inner_counts = _Cache(), _Cache()

    def classes(value) -> frozenset[str]:
        found = classes_of.get(value)
        if found is None:
            found = classes_of.put(value, frozenset(q.object.value for q in quads(value, rdf_type)
                                                    if isinstance(q.object, ox.NamedNode)))
        return found

    def inner_count(value, inner) -> int:
        key = (value, inner)
        found = inner_counts.get(key)
        if found is None:
            found = inner_counts.put(key, len({q.object for q in quads(value, inner)}))
        return found

    compare = _Pending(engine, lambda c: f"{c[1]} {c[2]}", "?value ?otherValue",
                       "FILTER (!COALESCE(?value <= ?otherValue, false))", rows)
    patterns: dict[int, _Pending] = {}

    def focus_nodes(shape) -> Iterator:
        """The focus nodes of ``shape``; one that two targets or two graphs give comes twice, which
        costs a second check and adds no row (rows are a set)."""
        streams = []
        for target_shape, cls in compiled.class_targets:
            if target_shape == shape:
                streams.extend((q.subject for q in quads(None, rdf_type, node(sub))) for sub in closure[cls])
        for target_shape, prop in compiled.property_targets:
            if target_shape == shape:
                streams.append(q.object for q in quads(None, node(prop)))
        for target_shape, prop in compiled.subject_targets:
            if target_shape == shape:
                streams.append(q.subject for q in quads(None, node(prop)))
        recent: set = set()  # the nodes given lately (the objects of a path come sorted by object)
        for focus in chain.from_iterable(streams):
            if focus not in recent:
                if len(recent) >= CACHE_LIMIT:
                    recent.clear()
                recent.add(focus)
                yield focus

    done = 0
    for shape in sorted(checks, key=str):
        required, by_path = _plan(checks[shape], wanted[shape])
        for focus in focus_nodes(shape):
            values: dict[object, list] = {}
            for quad in quads(focus):
                predicate = quad.predicate
                if predicate in by_path:
                    known = values.get(predicate)
                    if known is None:
                        values[predicate] = [quad.object]
                    elif quad.object not in known:
                        known.append(quad.object)
            for number, path, least in required:
                if len(values.get(path, ())) < least:
                    rows.add((number, focus, None))
            for path, found in values.items():
                for kind, number, arg in by_path[path]:
                    if kind == _CLASS:
                        for v in found:
                            known_classes = classes_of.get(v)
                            if known_classes is None:
                                known_classes = classes(v)
                            if arg.isdisjoint(known_classes):
                                rows.add((number, focus, v))
                    elif kind == _DATATYPE:
                        for v in found:
                            if not arg(v):
                                rows.add((number, focus, v))
                    elif kind == _MAX_COUNT:
                        if len(found) > arg:
                            rows.add((number, focus, None))
                    elif kind == _NODE_KIND:
                        for v in found:
                            if not arg(v):
                                rows.add((number, focus, v))
                    elif kind == _NODE_MIN_COUNT:
                        inner, least = arg
                        for v in found:
                            if inner_count(v, inner) < least:
                                rows.add((number, focus, v))
                    elif kind == _LESS_THAN_OR_EQUALS:
                        for v in found:
                            for o in values.get(arg, ()):
                                if sparql_value(ox, v) and sparql_value(ox, o):
                                    compare.add(((number, focus, v), v, o))
                                else:  # <= of a blank node (or a quoted triple) is an error: a violation
                                    rows.add((number, focus, v))
                    else:  # _PATTERN
                        pending = patterns.get(number)
                        if pending is None:
                            pending = patterns[number] = _Pending(
                                engine, lambda c: str(c[1]), "?value", f"FILTER (!REGEX(STR(?value), STR({arg.n3()})))", rows)
                        for v in found:
                            if isinstance(v, ox.BlankNode):  # SHACL: a blank node never matches
                                rows.add((number, focus, v))
                            elif sparql_value(ox, v):  # STR() of a quoted triple is an error: no result
                                pending.add(((number, focus, v), v))
            done += 1
            if done % PROGRESS_EVERY == 0:
                advance(done)
    for pending in (compare, *patterns.values()):
        pending.flush()
    advance(done)
    return rows

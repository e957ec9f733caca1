"""The Python API: one call opens the data, methods answer the questions the CLI asks.

>>> import cstograph
>>> kg = cstograph.open()                      # the bundled graphs
>>> unmet = [v for v in kg.verdicts() if v.status == "unmet"]

Every method that reads data takes ``according_to`` (an account: IRI, prefixed name, label or
party) and ``as_of`` (a ``datetime.date`` or ``YYYY-MM-DD``). Results are plain dataclasses in
lists; ``Table.to_pandas()`` turns one into a DataFrame when pandas is installed. The CLI is built
on this module alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from cstograph.engines.accounts import Account
from cstograph.engines.data import Data, Viewpoint, open_data
from cstograph.errors import CstographError, UsageError

DateLike = dt.date | str | None


class Table(list):
    """A list of dataclass records (verdicts, allies, ...) with ``to_pandas()``."""

    def to_pandas(self):
        """A pandas DataFrame, one row per record (pandas is not a dependency: install it to use this).

        Dates (``date`` and every ``*_date`` column) are datetimes (``datetime64[s]``, which reaches
        back before 1677; a missing date is NaT), and a record's lists stay lists: ``responses`` is
        a list of dicts, ``contested`` a list (empty when no account differs)."""
        try:
            import pandas
        except ImportError:
            raise CstographError("to_pandas() needs pandas", hint="pip install pandas") from None
        frame = pandas.DataFrame([_flat(r) for r in self])
        for column in frame.columns:
            if column == "date" or column.endswith("_date"):
                frame[column] = _datetimes(pandas, frame[column])
        return frame


def _datetimes(pandas, column):
    import numpy

    days = [value[:10] if isinstance(value, str) and len(value) >= 10 else "NaT" for value in column]
    try:
        return pandas.Series(numpy.array(days, dtype="datetime64[D]").astype("datetime64[s]"), index=column.index)
    except ValueError:  # a value that is no ISO date: leave the column as it is
        return column


def _flat(record) -> dict:
    row = dataclasses.asdict(record) if dataclasses.is_dataclass(record) else dict(record)
    return {k: _lists(v) for k, v in row.items()}


def _lists(value):
    """Tuples (as dataclasses.asdict leaves a record's sequences) as lists, all the way down."""
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def _day(value: DateLike) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    _check_type("as_of", value, (str, dt.date, type(None)))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CstographError(f"as_of {value!r} is not a date", hint="write YYYY-MM-DD") from None


class KnowledgeGraph:
    """Opened data (files, a store or an endpoint) and the questions cstograph answers on it."""

    bundled = False  # True when opened on the bundled graphs: exports then carry their release

    def __init__(self, data: Data) -> None:
        self.data = data

    def __repr__(self) -> str:
        return f"<cstograph.KnowledgeGraph: {self.data.description}>"

    # ------------------------------------------------------------ views of the data

    @property
    def accounts(self) -> list[Account]:
        """The accounts (named graphs declared a cg:Account), ordered by IRI."""
        return list(self.data.accounts)

    def viewpoint(self, according_to: str | Account | None = None, as_of: DateLike = None) -> Viewpoint:
        if according_to is not None and not isinstance(according_to, (str, Account)):
            raise UsageError(f"according_to must be str, Account or None, not {type(according_to).__name__}")
        return self.data.viewpoint(according_to, _day(as_of))

    def engine(self, according_to: str | Account | None = None, as_of: DateLike = None):
        """The engine whose default graph is the data seen from that viewpoint (read-only)."""
        return self.data.view(self.viewpoint(according_to, as_of))

    # ------------------------------------------------------------ questions

    def validate(self, validator: str = "auto", *, use_recorded: bool = True):
        """SHACL validation (see ``Data.validate``): a ``ValidationReport``, or None when the
        data cannot be validated where it is."""
        return self.data.validate(validator, use_recorded=use_recorded)

    def verdicts(self, according_to: str | Account | None = None, as_of: DateLike = None,
                 status: str | Sequence[str] | None = None, *, readings: bool = False,
                 reading: str | None = None) -> Table:
        """Every request's ``Verdict`` (status, reason, responses, sources, contested accounts,
        ``robust`` and the ``readings`` of the coding manual that flip it); ``status`` ("unmet",
        "met", "not-triggered", "pending", or several): only those requests, whose responses and
        sources alone are then read (ValueError for another status). ``readings=True`` also
        computes the readings (``robust`` is None without them); ``reading``: the verdicts under that reading
        (IRI, prefixed or local name, or label; see ``readings()``) instead of the manual."""
        from cstograph.rules.verdicts import verdicts

        statuses = (status,) if isinstance(status, str) else status
        chosen = self.reading(reading) if reading is not None else None
        return Table(verdicts(self.data, self.viewpoint(according_to, as_of), statuses=statuses,
                              with_readings=readings and chosen is None, reading=chosen))

    def readings(self) -> list:
        """The readings of the coding manual in the data (``Reading``: IRI, label, definition and
        the vocabulary triples each adds and removes), the manual's own first."""
        from cstograph.rules.readings import readings_in

        return readings_in(self.data.engine)

    def reading(self, name: str):
        """One reading by IRI, prefixed or local name (``ReadingWarEntryCounts``) or label."""
        from cstograph.rules.readings import find_reading

        return find_reading(self.readings(), name, self.data.namespaces)

    def short_names(self) -> dict[str, str]:
        """IRI -> short name (``cg:shortName``, e.g. "CSTO") of every node that has one, for tables
        where the full label would not fit."""
        from cstograph.engines.queries import run_named

        return {str(r["node"]): str(r["shortName"]) for r in run_named(self.data.engine, "short-names").records()
                if r["shortName"] is not None}

    def find_request(self, wanted: str) -> str:
        """A request's IRI from an IRI, a prefixed name or a word of its label."""
        from cstograph.rules.explain import find_request

        return find_request(self.data.engine, wanted, self.data.namespaces)

    def explain(self, request: str, according_to: str | Account | None = None, as_of: DateLike = None):
        """The chain of facts behind one request's verdict (an ``Explanation``); from the
        undisputed data it also names what each account makes of a contested request. The
        request is classified once: its marked verdict is the one the explanation reads."""
        from cstograph.rules.explain import explain_request, find_request, one_verdict
        from cstograph.rules.verdicts import verdicts

        viewpoint = self.viewpoint(according_to, as_of)
        engine = self.data.view(viewpoint)
        iri = find_request(engine, request, self.data.namespaces)
        marked = one_verdict(iri, verdicts(self.data, viewpoint, request=iri, with_readings=True))
        return explain_request(engine, iri, viewpoint.as_of, verdict=marked)

    def explanations(self, according_to: str | Account | None = None, as_of: DateLike = None, *,
                     verdicts: Sequence | None = None) -> dict:
        """Request IRI -> ``Explanation`` for every request (a bulk ``explain``): ``verdicts``, the
        result of ``verdicts()`` for the same viewpoint when the caller holds it, is explained as
        it is (nothing is classified again); a request with several verdicts (several dates, only
        with ``force``) is explained by its first."""
        from cstograph.rules.explain import explain_verdicts

        held = list(verdicts) if verdicts is not None else self.verdicts(according_to, as_of, readings=True)
        first = list({v.request: v for v in reversed(held)}.values())[::-1]
        explained = explain_verdicts(self.engine(according_to, as_of), first)
        return {e.verdict.request: e for e in explained}

    def allies(self, according_to: str | Account | None = None, as_of: DateLike = None) -> Table:
        """Each obliged ally of each triggered request and what it did (``AllyDuty``)."""
        from cstograph.rules.allies import ally_duties

        return Table(ally_duties(self.data.copy(self.viewpoint(according_to, as_of))))

    def ally_reliability(self, according_to: str | Account | None = None, as_of: DateLike = None,
                         *, duties: Sequence | None = None) -> Table:
        """Per alliance and per ally: requests triggered, honoured, median days (``ReliabilityRow``);
        ``duties``: the result of ``allies()`` when already computed."""
        from cstograph.rules.allies import reliability

        return Table(reliability(list(duties) if duties is not None else self.allies(according_to, as_of)))

    def selectivity(self, according_to: str | Account | None = None, as_of: DateLike = None) -> Table:
        """Help given without a treaty trigger beside triggered requests left unmet (``SelectivityCase``)."""
        from cstograph.rules.allies import selectivity

        return Table(selectivity(self.data.copy(self.viewpoint(according_to, as_of))))

    def ally_tables(self, according_to: str | Account | None = None, as_of: DateLike = None) -> tuple[Table, Table]:
        """``allies()`` and ``selectivity()`` at once: both read the verdicts the inference rules
        derive, here on one copy of the view, inferred once (what the site shows both of)."""
        from cstograph.rules.allies import ally_duties, selectivity

        inferred = self.data.copy(self.viewpoint(according_to, as_of))
        return Table(ally_duties(inferred)), Table(selectivity(inferred, inferred=True))

    def infer(self, according_to: str | Account | None = None, as_of: DateLike = None):
        """The verdicts as RDF (an ``Inference``: the derived triples, passes, counts per rule)."""
        from cstograph.rules.infer import materialise

        return materialise(self.data.copy(self.viewpoint(according_to, as_of)))

    def fulfilment(self, period: str | None = None, according_to: str | Account | None = None,
                   as_of: DateLike = None) -> Table:
        """The fulfilment table of the alliance-reliability studies (``FulfilmentRow``);
        ``period``: '1816-1944' or '1945-2003'."""
        from cstograph.rules.reliability import ALL, fulfilment_table, period_by_label

        try:
            period_iri = ALL if period is None else period_by_label(period)
        except ValueError as exc:
            raise CstographError(str(exc)) from None
        return Table(fulfilment_table(self.engine(according_to, as_of), period_iri))

    def invocations(self, according_to: str | Account | None = None, as_of: DateLike = None, *,
                    verdicts: Sequence | None = None) -> Table:
        """Every request with its alliance, obligation type, responses on record and status under
        each reading of the coding manual (``Invocation``), for the record of formal invocations;
        ``verdicts``: those of ``verdicts(..., readings=True)`` when the caller already holds them."""
        from cstograph.rules.invocation_record import invocations

        if verdicts is None:
            verdicts = self.verdicts(according_to, as_of, readings=True)
        return Table(invocations(self.engine(according_to, as_of), verdicts, self.readings()))

    def invocation_record(self, according_to: str | Account | None = None, as_of: DateLike = None, *,
                          by: Sequence[str] = ("alliance",), invocations: Sequence | None = None) -> Table:
        """How often formal invocations were met, per obligation type and per alliance and/or era
        (``by``), under every reading (``RecordRow``: met, did not help, no response on record,
        pending, not triggered); ``invocations``: the result of ``invocations()`` when already computed."""
        from cstograph.rules.invocation_record import record_table

        cases = list(invocations) if invocations is not None else self.invocations(according_to, as_of)
        try:
            return Table(record_table(cases, self.readings(), by))
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def invocation_comparison(self, according_to: str | Account | None = None, as_of: DateLike = None, *,
                              reading: str | None = None, invocations: Sequence | None = None) -> Table:
        """Formal invocations 1945-2003 per obligation type beside the Berkemeier-Fuhrmann rates of
        the war observations in the data (``ComparisonRow``), under the manual or ``reading``."""
        from cstograph.rules.invocation_record import comparison

        cases = list(invocations) if invocations is not None else self.invocations(according_to, as_of)
        chosen = self.reading(reading).iri if reading is not None else self.readings()[0].iri
        return Table(comparison(cases, chosen, self.fulfilment("1945-2003", according_to, as_of)))

    def concordance(self, according_to: str | Account | None = None, as_of: DateLike = None, *,
                    verdicts: Sequence | None = None) -> Table:
        """Each request beside the published codings of the same alliance and war (``ConcordanceRow``:
        this project's status, the LLM and BF verdicts and their lenient variants); ``verdicts``: the
        result of ``verdicts(readings=True)`` for the same viewpoint when already computed."""
        from cstograph.rules.concordance import concordance

        return Table(concordance(self.data, self.viewpoint(according_to, as_of), verdicts=verdicts))

    def query(self, name_or_text: str, according_to: str | Account | None = None, as_of: DateLike = None,
              *, allow_network: bool = False, **params):
        """Run a bundled query by name, a ``.rq`` file, or SPARQL text; ``params`` bind the
        query's parameters (strings as on the command line, or RDF terms). Returns a ``QueryResult``."""
        from cstograph.engines.guard import check_query_is_safe
        from cstograph.engines.queries import bind_params, inline_values, query_from_text, resolve_query, run_query

        _check_type("name_or_text", name_or_text, (str,))

        if any(ch in name_or_text for ch in "{\n") or name_or_text.lstrip().upper().startswith(("SELECT", "PREFIX", "ASK", "CONSTRUCT", "DESCRIBE", "BASE")):
            spec = query_from_text(name_or_text)
        else:
            spec = resolve_query(name_or_text)
        bindings = bind_params(spec, params, self.data.namespaces)
        declared = {p.name for p in spec.params}
        if {"asOf", "pendingFrom"} <= declared and not {"asOf", "pendingFrom"} & set(params):
            # the pending rule on the day report uses (the as-of day, or today), so that the
            # queries and report give the same statuses (docs/coding.md, pending)
            from cstograph.rules.classify import pending_bindings

            bindings = {**(bindings or {}), **pending_bindings(_day(as_of))}
        if spec.kind in ("file", "text"):  # bundled queries are checked by the test suite
            source = spec.path.name if spec.kind == "file" else "query"
            checked = check_query_is_safe(spec.text, allow_network=allow_network, source=source)
            # the parameters go in before the last check: the engine runs exactly the text judged
            checked = check_query_is_safe(inline_values(checked, bindings), allow_network=allow_network,
                                          source=source)
            spec, bindings = dataclasses.replace(spec, text=checked), None
        return run_query(self.data.view(self.viewpoint(according_to, as_of)), spec, bindings)

    def triples(self, according_to: str | Account | None = None, as_of: DateLike = None):
        """The triples of one viewpoint's default graph as an rdflib Dataset (for the 'full' picture)."""
        from rdflib import Dataset

        dataset = Dataset()
        dataset.default_graph += self.engine(according_to, as_of).query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph
        return dataset

    def dataset(self, according_to: str | Account | None = None, as_of: DateLike = None):
        """The verdicts as flat tables for R, Stata and pandas (a ``cstograph.output.dataset.Dataset``):
        ``tables['requests']``, ``['responses']``, ``['allies']``, ``['sources']``, one dict per row
        keyed by the columns of docs/codebook.md; ``to_pandas()`` gives one DataFrame per table."""
        from cstograph.output.dataset import build_dataset

        return build_dataset(self, according_to, _day(as_of), bundled=self.bundled)

    def graph(self, view: str = "requests", according_to: str | Account | None = None, as_of: DateLike = None, *,
              verdicts: Sequence | None = None):
        """The graph as networkx (``view``: 'requests' or 'full'), request nodes carrying their
        verdicts (contested ones naming each account's status); ``verdicts``: the result of
        ``verdicts()`` for the same viewpoint when already computed."""
        from cstograph.pictures.graph_model import build_graph

        dataset = self.triples(according_to, as_of) if view == "full" else None
        held = list(verdicts) if verdicts is not None else self.verdicts(according_to, as_of)
        return build_graph(dataset, self.engine(according_to, as_of), view, held)


def open(
    paths: Sequence[str | Path] | str | Path | None = None,
    *,
    store: str | Path | None = None,
    endpoint: str | None = None,
    engine: str = "oxigraph",
    timeout: float | None = None,
    graph: str | None = None,
) -> KnowledgeGraph:
    """Open data: RDF files or folders (the bundled graphs when none; the ontology always),
    a store folder made by ``cstograph load --store``, or a SPARQL endpoint URL.
    ``engine='rdflib'`` evaluates with rdflib (files only); ``graph`` is the endpoint's graph
    holding the undisputed data (for servers whose default graph is the union of all graphs)."""
    _check_type("paths", paths, (str, Path, list, tuple, type(None)))
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for path in paths or ():
        _check_type("each of paths", path, (str, Path))
    for name, value, kinds in (("store", store, (str, Path, type(None))), ("endpoint", endpoint, (str, type(None))),
                               ("engine", engine, (str,)), ("graph", graph, (str, type(None))),
                               ("timeout", timeout, (int, float, type(None)))):
        _check_type(name, value, kinds)
    if any(isinstance(p, str) and not p for p in paths or ()) or store == "" or endpoint == "":
        raise CstographError('an empty path ("") is refused: it would mean the current folder',
                             hint="name the file or folder (. for the current folder)")
    kg = KnowledgeGraph(open_data(
        [Path(p) for p in paths] if paths else None,
        engine=engine, store=Path(store) if store else None, endpoint=endpoint, timeout=timeout, default_graph=graph,
    ))
    kg.bundled = not (paths or store or endpoint)
    return kg


def _check_type(name: str, value, kinds: tuple[type, ...]) -> None:
    """A wrong-type argument is a usage error with one line, like a bad option on the command line."""
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
        wanted = " or ".join("None" if kind is type(None) else kind.__name__ for kind in kinds)
        raise UsageError(f"{name} must be {wanted}, not {type(value).__name__}")

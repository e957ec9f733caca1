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

from rdflib import Dataset, Graph

from cstograph.engines import sandbox
from cstograph.engines.accounts import Account
from cstograph.engines.data import Data, Viewpoint, open_data
from cstograph.engines.engine import ENGINE_NAMES
from cstograph.engines.queries import bundled_queries, parse_param_options, resolve_query, run_named
from cstograph.errors import CstographError, UsageError

DateLike = dt.date | str | None

ENGINES = ENGINE_NAMES  # the names open(engine=...) takes


class Table(list):
    """A list of dataclass records (verdicts, allies, ...) with ``to_pandas()``."""

    def to_pandas(self):
        """A pandas DataFrame, one row per record (pandas is not a dependency: install it to use this).

        Dates (``date`` and every ``*_date`` column) are datetimes (``datetime64[s]``, which reaches
        back before 1677; a missing date is NaT), and a record's lists stay lists: ``responses`` is
        a list of dicts, ``contested`` a list (empty when no account differs)."""
        try:
            # deferred to the call: keeps pandas out of `import cstograph`
            import pandas
        except ImportError:
            raise CstographError("to_pandas() needs pandas", hint="pip install pandas") from None
        frame = pandas.DataFrame([_flat(r) for r in self])
        for column in frame.columns:
            if column == "date" or column.endswith("_date"):
                frame[column] = _datetimes(pandas, frame[column])
        return frame


def _datetimes(pandas, column):
    # deferred to the call: keeps numpy out of `import cstograph`
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
    _store_folder: Path | None = None  # the folder when opened with store=: a server pins its version

    def __init__(self, data: Data) -> None:
        self.data = data

    def __repr__(self) -> str:
        return f"<cstograph.KnowledgeGraph: {self.data.description}>"

    @property
    def description(self) -> str:
        """Where the data is, in words: "Oxigraph in memory", "the store cg-store", "the endpoint URL"."""
        return self.data.description

    @property
    def namespaces(self):
        """The data's prefixes (an rdflib ``NamespaceManager``), to write IRIs as prefixed names."""
        return self.data.namespaces

    @property
    def stale_answers(self) -> tuple[str, ...]:
        """For a store: the report's queries whose kept answers were computed for another text of
        them (the store was loaded by an earlier cstograph); those run on the whole store, which is
        slower. Loading the store again (``load(..., replace=True)``) computes them anew."""
        return self.data.stale_answers

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
        """SHACL validation (see ``rules.validate_data``): a ``ValidationReport``, or None when the
        data cannot be validated where it is."""
        # deferred to the call: keeps cstograph.rules.validate_data out of `import cstograph`
        from cstograph.rules.validate_data import validate_data

        return validate_data(self.data, validator, use_recorded=use_recorded)

    def verdicts(self, according_to: str | Account | None = None, as_of: DateLike = None,
                 status: str | Sequence[str] | None = None, *, readings: bool = False,
                 reading: str | None = None) -> Table:
        """Every request's ``Verdict`` (status, reason, responses, sources, contested accounts,
        ``robust`` and the ``readings`` of the coding manual that flip it); ``status`` ("unmet",
        "met", "not-triggered", "pending", or several): only those requests, whose responses and
        sources alone are then read (ValueError for another status). ``readings=True`` also
        computes the readings (``robust`` is None without them); ``reading``: the verdicts under that reading
        (IRI, prefixed or local name, or label; see ``readings()``) instead of the manual."""
        # deferred to the call: keeps cstograph.rules.verdicts out of `import cstograph`
        from cstograph.rules.verdicts import verdicts

        statuses = (status,) if isinstance(status, str) else status
        chosen = self.reading(reading) if reading is not None else None
        return Table(verdicts(self.data, self.viewpoint(according_to, as_of), statuses=statuses,
                              with_readings=readings and chosen is None, reading=chosen))

    def readings(self) -> list:
        """The readings of the coding manual in the data (``Reading``: IRI, label, definition and
        the vocabulary triples each adds and removes), the manual's own first."""
        # deferred to the call: keeps cstograph.rules.readings out of `import cstograph`
        from cstograph.rules.readings import readings_in

        return readings_in(self.data.engine)

    def reading(self, name: str):
        """One reading by IRI, prefixed or local name (``ReadingWarEntryCounts``) or label."""
        # deferred to the call: keeps cstograph.rules.readings out of `import cstograph`
        from cstograph.rules.readings import find_reading

        return find_reading(self.readings(), name, self.data.namespaces)

    def short_names(self) -> dict[str, str]:
        """IRI -> short name (``cg:shortName``, e.g. "CSTO") of every node that has one, for tables
        where the full label would not fit."""

        return {str(r["node"]): str(r["shortName"]) for r in run_named(self.data.engine, "short-names").records()
                if r["shortName"] is not None}

    def case_texts(self, according_to: str | Account | None = None, as_of: DateLike = None) -> dict[str, tuple[str, str]]:
        """IRI -> (label, description) of every request and response (for tables that print them)."""
        # deferred to the call: keeps cstograph.rules.explain out of `import cstograph`
        from cstograph.rules.explain import all_case_texts

        return all_case_texts(self.engine(according_to, as_of))

    def find_request(self, wanted: str) -> str:
        """A request's IRI from an IRI, a prefixed name or a word of its label."""
        # deferred to the call: keeps cstograph.rules.explain out of `import cstograph`
        from cstograph.rules.explain import find_request

        return find_request(self.data.engine, wanted, self.data.namespaces)

    def explain(self, request: str, according_to: str | Account | None = None, as_of: DateLike = None):
        """The chain of facts behind one request's verdict (an ``Explanation``); from the
        undisputed data it also names what each account makes of a contested request. The
        request is classified once: its marked verdict is the one the explanation reads."""
        # deferred to the call: keeps cstograph.rules.explain, cstograph.rules.verdicts out of `import cstograph`
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
        # deferred to the call: keeps cstograph.rules.explain out of `import cstograph`
        from cstograph.rules.explain import explain_verdicts

        held = list(verdicts) if verdicts is not None else self.verdicts(according_to, as_of, readings=True)
        first = list({v.request: v for v in reversed(held)}.values())[::-1]
        explained = explain_verdicts(self.engine(according_to, as_of), first)
        return {e.verdict.request: e for e in explained}

    def allies(self, according_to: str | Account | None = None, as_of: DateLike = None) -> Table:
        """Each obliged ally of each triggered request and what it did (``AllyDuty``)."""
        # deferred to the call: keeps cstograph.rules.allies out of `import cstograph`
        from cstograph.rules.allies import ally_duties

        return Table(ally_duties(self.data.copy(self.viewpoint(according_to, as_of))))

    def ally_reliability(self, according_to: str | Account | None = None, as_of: DateLike = None,
                         *, duties: Sequence | None = None) -> Table:
        """Per alliance and per ally: requests triggered, honoured, median days (``ReliabilityRow``);
        ``duties``: the result of ``allies()`` when already computed."""
        # deferred to the call: keeps cstograph.rules.allies out of `import cstograph`
        from cstograph.rules.allies import reliability

        return Table(reliability(list(duties) if duties is not None else self.allies(according_to, as_of)))

    def selectivity(self, according_to: str | Account | None = None, as_of: DateLike = None) -> Table:
        """Help given without a treaty trigger beside triggered requests left unmet (``SelectivityCase``)."""
        # deferred to the call: keeps cstograph.rules.allies out of `import cstograph`
        from cstograph.rules.allies import selectivity

        return Table(selectivity(self.data.copy(self.viewpoint(according_to, as_of))))

    def ally_tables(self, according_to: str | Account | None = None, as_of: DateLike = None, *,
                    invocations: Sequence | None = None) -> tuple[Table, Table]:
        """``allies()`` and ``selectivity()`` at once: both read the verdicts the inference rules
        derive, inferred once (what the site shows both of); ``invocations``: the result of
        ``invocations()`` when already computed (their obligation types are then not read again).
        Data read from files: the inferred triples sit in a graph of its own store while the two
        tables are read (other threads asking the same data meanwhile would see them) and are
        removed before this returns; other data: inferred on one copy of the view."""
        # deferred to the call: keeps cstograph.rules.allies out of `import cstograph`
        from cstograph.rules.allies import ally_duties, selectivity
        from cstograph.rules.infer import derived_beside, materialise

        kinds = None if invocations is None else {case.request: case.kind for case in invocations}
        viewpoint = self.viewpoint(according_to, as_of)
        # files read into this process's own store: the rules' triples go into a graph of it,
        # removed after the two questions (no copy of the data)
        if self.data.kind == "files":
            with derived_beside(self.data.view(viewpoint)) as beside:
                if beside is not None:
                    return (Table(ally_duties(beside, kinds, inferred=True)),
                            Table(selectivity(beside, inferred=True)))
        inferred = self.data.copy(viewpoint)
        materialise(inferred, with_reasons=False, with_graph=False, prove=False)
        return Table(ally_duties(inferred, kinds, inferred=True)), Table(selectivity(inferred, inferred=True))

    def infer(self, according_to: str | Account | None = None, as_of: DateLike = None):
        """The verdicts as RDF (an ``Inference``: the derived triples, passes, counts per rule)."""
        # deferred to the call: keeps cstograph.rules.infer out of `import cstograph`
        from cstograph.rules.infer import materialise

        return materialise(self.data.copy(self.viewpoint(according_to, as_of)))

    def fulfilment(self, period: str | None = None, according_to: str | Account | None = None,
                   as_of: DateLike = None) -> Table:
        """The fulfilment table of the alliance-reliability studies (``FulfilmentRow``);
        ``period``: '1816-1944' or '1945-2003'."""
        # deferred to the call: keeps cstograph.rules.reliability out of `import cstograph`
        from cstograph.rules.reliability import ALL, fulfilment_table

        period_iri = ALL if period is None else fulfilment_period(period)
        return Table(fulfilment_table(self.engine(according_to, as_of), period_iri))

    def invocations(self, according_to: str | Account | None = None, as_of: DateLike = None, *,
                    verdicts: Sequence | None = None) -> Table:
        """Every request with its alliance, obligation type, responses on record and status under
        each reading of the coding manual (``Invocation``), for the record of formal invocations;
        ``verdicts``: those of ``verdicts(..., readings=True)`` when the caller already holds them."""
        # deferred to the call: keeps cstograph.rules.invocation_record out of `import cstograph`
        from cstograph.rules.invocation_record import invocations

        if verdicts is None:
            verdicts = self.verdicts(according_to, as_of, readings=True)
        return Table(invocations(self.engine(according_to, as_of), verdicts, self.readings()))

    def invocation_record(self, according_to: str | Account | None = None, as_of: DateLike = None, *,
                          by: Sequence[str] = ("alliance",), invocations: Sequence | None = None) -> Table:
        """How often formal invocations were met, per obligation type and per alliance and/or era
        (``by``), under every reading (``RecordRow``: met, did not help, no response on record,
        pending, not triggered); ``invocations``: the result of ``invocations()`` when already computed."""
        # deferred to the call: keeps cstograph.rules.invocation_record out of `import cstograph`
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
        # deferred to the call: keeps cstograph.rules.invocation_record out of `import cstograph`
        from cstograph.rules.invocation_record import comparison

        cases = list(invocations) if invocations is not None else self.invocations(according_to, as_of)
        chosen = self.reading(reading).iri if reading is not None else self.readings()[0].iri
        return Table(comparison(cases, chosen, self.fulfilment("1945-2003", according_to, as_of)))

    def concordance(self, according_to: str | Account | None = None, as_of: DateLike = None, *,
                    verdicts: Sequence | None = None) -> Table:
        """Each request beside the published codings of the same alliance and war (``ConcordanceRow``:
        this project's status, the LLM and BF verdicts and their lenient variants); ``verdicts``: the
        result of ``verdicts(readings=True)`` for the same viewpoint when already computed."""
        # deferred to the call: keeps cstograph.rules.concordance out of `import cstograph`
        from cstograph.rules.concordance import concordance

        return Table(concordance(self.data, self.viewpoint(according_to, as_of), verdicts=verdicts))

    def query(self, name_or_text: str, according_to: str | Account | None = None, as_of: DateLike = None,
              *, allow_network: bool = False, **params):
        """Run a bundled query by name, a ``.rq`` file, or SPARQL text; ``params`` bind the
        query's parameters (strings as on the command line, or RDF terms). Returns a ``QueryResult``."""
        # deferred to the call: keeps cstograph.engines.guard, cstograph.engines.queries out of `import cstograph`
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

        dataset = Dataset()
        dataset.default_graph += self.engine(according_to, as_of).query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph
        return dataset

    def dataset(self, according_to: str | Account | None = None, as_of: DateLike = None):
        """The verdicts as flat tables for R, Stata and pandas (a ``cstograph.output.dataset.Dataset``):
        ``tables['requests']``, ``['responses']``, ``['allies']``, ``['sources']``, one dict per row
        keyed by the columns of docs/codebook.md; ``to_pandas()`` gives one DataFrame per table."""
        # deferred to the call: keeps cstograph.output.dataset out of `import cstograph`
        from cstograph.output.dataset import build_dataset

        return build_dataset(self, according_to, _day(as_of), bundled=self.bundled)

    def serve(self, host: str = "127.0.0.1", port: int = 7878, *, timeout: float = 30.0, limit: int = 10_000,
              workers: int = 4, allow_network: bool = False, quiet: bool = False, max_connections: int = 64,
              request_deadline: float = 10.0, light_workers: int = 1, light_seconds: float = 1.0,
              memory: int | None = None) -> Server:
        """A read-only SPARQL 1.1 endpoint over this data (a ``Server``, listening once made; call
        ``serve_forever()``, then ``close()``): /sparql is the undisputed data, each account's view
        /accounts/NAME/sparql. Queries run in ``workers`` processes, each within ``memory`` bytes (0:
        no bound; None: $CSTOGRAPH_QUERY_MEMORY, else 4 GiB), for ``timeout`` seconds and ``limit``
        rows; port 0 picks a free port. An ``OSError`` when the address cannot be bound."""
        # deferred to the call: keeps cstograph.engines.serve out of `import cstograph`
        from cstograph.engines.serve import ServeSettings, make_server

        settings = ServeSettings(timeout=timeout, limit=limit, allow_network=allow_network, workers=workers,
                                 memory=memory_limit(None) if memory is None else memory or None,
                                 max_connections=max_connections, request_deadline=request_deadline,
                                 light_workers=light_workers, light_seconds=light_seconds)
        if self.data.store is None:  # an endpoint, or files read by rdflib: no Oxigraph store to serve
            raise UsageError(f"serve needs the data in Oxigraph, not {self.data.description}",
                             hint="open files or a store folder with the default engine")
        accounts = self.accounts
        store_path = pin = None
        if self._store_folder is not None:  # the version served stays on disk (workers reopen it)
            # deferred to the call: keeps cstograph.engines.store out of `import cstograph`
            from cstograph.engines.store import pin_version, read_store_info

            version, pin = pin_version(self._store_folder)
            store_path = read_store_info(version).path
        try:
            server, service = make_server(self.data.store, host, port, settings, quiet=quiet, accounts=accounts,
                                          store_path=store_path)
        except BaseException:
            if pin is not None:
                pin.unlink(missing_ok=True)
            raise
        return Server(server, service, pin)

    def figure(self, fmt: str, according_to: str | Account | None = None, as_of: DateLike = None, *,
               view: str = "requests", focus: str | None = None, hops: int = 2, alliance: str | None = None,
               cases: bool = False, max_nodes: int | None = None, layout: str = "auto", title: str | None = None,
               split: bool = False):
        """The graph drawn or exported (``viz``) as a ``Rendered`` (``data`` bytes, or ``pages`` when
        ``split``; ``notes``, ``nodes``, ``edges``, ``method``): ``fmt`` one of ``figure_formats()``;
        ``view`` 'requests' or 'full'; ``focus`` a node (IRI, prefixed name or part of a label) and
        ``hops`` around it; ``alliance`` one alliance's cases; above 120 requests a figure is the
        summary unless ``cases``; ``max_nodes`` the bound past which a reduced view is drawn."""
        # deferred to the call: keeps cstograph.pictures.graph_model, cstograph.pictures.viz out of `import cstograph`
        from cstograph.pictures.graph_model import expand_prefixed
        from cstograph.pictures.viz import render_viz

        focus = expand_prefixed(focus, self)
        dataset = self.triples(according_to, as_of) if view == "full" else None
        return render_viz(dataset, self.engine(according_to, as_of), fmt, view=view, focus=focus, hops=hops,
                          max_nodes=max_nodes, layout_method=layout, title=title,
                          verdicts=list(self.verdicts(according_to, as_of)), alliance=alliance, cases=cases,
                          split=split)

    def timeline(self, fmt: str, according_to: str | Account | None = None, as_of: DateLike = None, *,
                 focus: str | None = None, hops: int = 2, alliance: str | None = None, cases: bool = False,
                 max_requests: int = 60, title: str | None = None, split: bool = True) -> Timeline:
        """Events, requests and responses over time, one lane per alliance (``timeline``), in ``fmt``
        (svg, png, pdf or html; see ``timeline_format``). Above 120 requests, with no ``focus``,
        ``alliance`` or ``cases``, the summary (alliance by period) is drawn instead. ``max_requests``:
        at most this many requests, contested and unmet first (0: all)."""
        # deferred to the call: keeps cstograph.pictures.graph_model, cstograph.pictures.summary and the rest out of `import cstograph`
        from cstograph.pictures.graph_model import alliance_graph, build_graph, expand_prefixed, focus_graph
        from cstograph.pictures.summary import SUMMARY_ABOVE, render_summary
        from cstograph.pictures.timeline import render_timeline
        from cstograph.pictures.viz import part_to_draw

        focus = expand_prefixed(focus, self)
        verdicts = list(self.verdicts(according_to, as_of))
        engine = self.engine(according_to, as_of)
        if not (focus or alliance or cases) and len(verdicts) > SUMMARY_ABOVE:
            # the summary needs the verdicts only: no network of the whole graph is built
            data = render_summary(verdicts, engine, fmt, title or "Assistance requests by alliance and period")
            return Timeline(data, (), (), requests=len(verdicts), shown=0, summary=True)
        # one case, one neighbourhood or one alliance's cases: only those nodes are asked for
        graph = build_graph(None, engine, "requests", verdicts, only=part_to_draw(engine, "requests", focus, hops, alliance))
        if alliance:
            graph = alliance_graph(graph, alliance)
        if focus:
            graph = focus_graph(graph, focus, hops)
        figure = render_timeline(graph, fmt, title, max_requests, split=split)
        requests = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "request")
        shown = min(requests, max_requests) if max_requests else requests
        return Timeline(figure.data, figure.pages, figure.notes, requests=requests, shown=shown, summary=False)

    def write_inferred(self, output: str | Path, according_to: str | Account | None = None, as_of: DateLike = None,
                       *, with_data: bool = False) -> WrittenInference:
        """Write the verdicts as RDF (``infer``: the derived triples) into ``output``, atomically, in
        the format its suffix names (``rdf_format``), byte for byte the same on every run;
        ``with_data``: the data's own triples too, its named graphs kept apart in .trig and .nq
        (a one-graph format is refused when the data holds accounts: it would merge them)."""
        # deferred to the call: keeps rdflib, cstograph.base.write and the rest out of `import cstograph`
        from rdflib import Dataset

        from cstograph.base.write import write_atomic
        from cstograph.reading.rdf_files import QUAD_FORMATS, union_graph
        from cstograph.rules.infer import statuses

        output = Path(output)
        fmt = rdf_format(output)
        if with_data and self.accounts and fmt not in QUAD_FORMATS:
            raise CstographError(
                f"{output}: the data holds accounts (named graphs declared cg:Account), which one graph "
                "would merge into contradictions",
                hint="write .trig or .nq to keep each account in its own graph",
            )
        inference = self.infer(according_to, as_of)  # on a copy: the rules add triples
        graph = inference.graph
        dataset = self.data.rdflib_dataset() if with_data else None
        if fmt in QUAD_FORMATS:  # the derived triples in the default graph, the data's graphs kept
            out = Dataset()
            if with_data:
                for quad in dataset.quads((None, None, None, None)):
                    out.add(quad)
            out.default_graph.addN((s, p, o, out.default_graph) for s, p, o in graph)
            written, total = out, sum(1 for _ in out.quads((None, None, None, None)))
        else:
            if with_data:
                graph = union_graph(dataset) + graph
            written, total = graph, len(graph)
        for prefix, namespace in self.data.namespaces.namespaces():
            written.bind(prefix, namespace, override=False)
        write_atomic(output, _serialize_sorted(written, fmt))
        counts: dict[str, int] = {}
        for status in statuses(inference.graph).values():
            counts[status] = counts.get(status, 0) + 1
        return WrittenInference(total, inference, dict(sorted(counts.items())))

    def graph(self, view: str = "requests", according_to: str | Account | None = None, as_of: DateLike = None, *,
              verdicts: Sequence | None = None):
        """The graph as networkx (``view``: 'requests' or 'full'), request nodes carrying their
        verdicts (contested ones naming each account's status); ``verdicts``: the result of
        ``verdicts()`` for the same viewpoint when already computed."""
        # deferred to the call: keeps cstograph.pictures.graph_model out of `import cstograph`
        from cstograph.pictures.graph_model import build_graph

        dataset = self.triples(according_to, as_of) if view == "full" else None
        held = list(verdicts) if verdicts is not None else self.verdicts(according_to, as_of)
        return build_graph(dataset, self.engine(according_to, as_of), view, held)


# ---------------------------------------------------------------- figures and timelines

@dataclasses.dataclass(frozen=True)
class Timeline:
    """A drawn timeline: the file's ``data`` (empty when split into ``pages``, one file each),
    ``notes`` on what was left out, the ``requests`` drawn (all of them for the ``summary``) and
    how many were ``shown``."""

    data: bytes
    pages: tuple[bytes, ...]
    notes: tuple[str, ...]
    requests: int
    shown: int
    summary: bool


def figure_formats() -> tuple[str, ...]:
    """The formats ``KnowledgeGraph.figure`` draws or exports: html, svg, png, pdf, graphml, gexf, json, cyjs."""
    # deferred to the call: keeps cstograph.pictures.viz out of `import cstograph`
    from cstograph.pictures.viz import VIZ_FORMATS

    return VIZ_FORMATS


def figure_format(suffix: str) -> str:
    """The figure format a file suffix names (.htm as html); a ``ViewError`` for another suffix."""
    # deferred to the call: keeps cstograph.pictures.viz out of `import cstograph`
    from cstograph.pictures.viz import format_for_suffix

    return format_for_suffix(suffix)


def timeline_format(path: str | Path) -> str:
    """The timeline format a file's suffix names (svg, png, pdf, html; .htm as html); a
    ``ViewError`` for another suffix."""
    # deferred to the call: keeps cstograph.errors, cstograph.pictures.timeline out of `import cstograph`
    from cstograph.errors import ViewError
    from cstograph.pictures.timeline import TIMELINE_FORMATS

    suffix = Path(path).suffix
    fmt = suffix.lower().lstrip(".")
    fmt = "html" if fmt == "htm" else fmt
    if fmt not in TIMELINE_FORMATS:
        raise ViewError(f"cannot tell the timeline format from the suffix {suffix or '(none)'!r}",
                        hint="name the file .svg, .png, .pdf or .html")
    return fmt


# ---------------------------------------------------------------- the study tables as text and figure

def fulfilment_period(label: str) -> str:
    """The IRI of a period of the fulfilment table named as in the table ('1816-1944',
    '1945-2003'); a ``CstographError`` naming the periods for another label."""
    # deferred to the call: keeps cstograph.rules.reliability out of `import cstograph`
    from cstograph.rules.reliability import period_by_label

    try:
        return period_by_label(label)
    except ValueError as exc:
        raise CstographError(str(exc)) from None


def fulfilment_text(rows: Sequence, fmt: str, *, color: bool = False, width: int | None = None) -> str:
    """The rows of ``fulfilment()`` as text: fmt 'table', 'markdown', 'csv' or 'json'."""
    # deferred to the call: keeps cstograph.output.reliability_tables out of `import cstograph`
    from cstograph.output.reliability_tables import render_fulfilment

    return render_fulfilment(rows, fmt, color=color, width=width)


def concordance_text(rows: Sequence, fmt: str, *, color: bool = False, width: int | None = None) -> str:
    """The rows of ``concordance()`` as text (fmt as for ``fulfilment_text``), differing codings starred."""
    # deferred to the call: keeps cstograph.output.concordance_table out of `import cstograph`
    from cstograph.output.concordance_table import render_concordance

    return render_concordance(rows, fmt, color=color, width=width)


def concordance_summary(rows: Sequence) -> str:
    """One sentence: in how many of the rows of ``concordance()`` this project agrees with each coding."""
    # deferred to the call: keeps cstograph.rules.concordance out of `import cstograph`
    from cstograph.rules.concordance import summary_text

    return summary_text(rows)


def citation(table: str) -> str:
    """The data citation printed under a table: 'fulfilment' or 'concordance'."""
    if table == "fulfilment":
        # deferred to the call: keeps cstograph.rules.reliability out of `import cstograph`
        from cstograph.rules.reliability import CITATION
    elif table == "concordance":
        # deferred to the call: keeps cstograph.rules.concordance out of `import cstograph`
        from cstograph.rules.concordance import CITATION
    else:
        raise UsageError(f"no citation for {table!r}", hint="choose fulfilment or concordance")
    return CITATION


def invocation_figure(record: Sequence, reading, suffix: str) -> bytes:
    """The figure of the invocation record (the rows of ``invocation_record()``) under ``reading``
    (a ``Reading``: its IRI and label), as the bytes of a .svg, .pdf or .png file (``suffix``);
    a ``ViewError`` for another suffix."""
    # deferred to the call: keeps cstograph.pictures.invocation_figure out of `import cstograph`
    from cstograph.pictures.invocation_figure import figure_format, render_figure

    return render_figure(record, reading.iri, reading.label, figure_format(suffix))


@dataclasses.dataclass(frozen=True)
class WrittenInference:
    """What ``write_inferred`` wrote: ``triples`` in the file, the ``inference`` (derived graph,
    passes, triples per rule) and the requests per status."""

    triples: int
    inference: object
    statuses: dict[str, int]


def rdf_format(path: str | Path) -> str:
    """The RDF format (rdflib's name: "turtle", "trig", "nquads", ...) a file's suffix names; a
    ``CstographError`` naming the file for a suffix that names none."""
    # deferred to the call: keeps cstograph.reading.rdf_files out of `import cstograph`
    from cstograph.reading.rdf_files import FORMATS_BY_SUFFIX

    fmt = FORMATS_BY_SUFFIX.get(Path(path).suffix.lower())
    if fmt is None:
        raise CstographError(
            f"{path}: cannot tell the output format from the suffix",
            hint="use .ttl, .nt, .jsonld, .rdf, or .trig/.nq to keep named graphs apart",
        )
    return fmt


def input_files(paths: Sequence[str | Path] | None) -> list[Path]:
    """The RDF files that ``open(paths)`` reads (folders expanded; none for the bundled graphs), so
    that a command can refuse to write over one of them."""
    # deferred to the call: keeps cstograph.reading.rdf_files out of `import cstograph`
    from cstograph.reading.rdf_files import expand_paths

    return expand_paths([Path(p) for p in paths]) if paths else []


def _serialize_sorted(written, fmt: str) -> bytes:
    """RDF bytes that do not depend on the order rdflib keeps graphs in (the hash seed):
    N-Quads sorted by line, TriG as the default graph then each named graph by name."""

    if fmt == "nquads":
        lines = sorted(set(written.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)))
        return b"".join(line for line in lines if line.strip())
    if fmt != "trig":
        return written.serialize(format=fmt, encoding="utf-8")
    blocks = []
    for graph in sorted(written.graphs(), key=lambda g: (g.identifier != written.default_graph.identifier, str(g.identifier))):
        if not len(graph):
            continue
        copy = Graph(namespace_manager=written.namespace_manager)
        copy += graph
        body = b"\n".join(line for line in copy.serialize(format="turtle", encoding="utf-8").splitlines()
                          if not line.startswith(b"@prefix")).strip()
        if graph.identifier == written.default_graph.identifier:
            blocks.append(body + b"\n")
        else:
            blocks.append(graph.identifier.n3().encode("utf-8") + b" {\n" + body + b"\n}\n")
    prefixes = b"".join(f"@prefix {p}: <{n}> .\n".encode() for p, n in sorted(written.namespaces()) if p)
    return prefixes + b"\n" + b"\n".join(blocks)


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
    kg._store_folder = Path(store) if store else None
    return kg


def _check_type(name: str, value, kinds: tuple[type, ...]) -> None:
    """A wrong-type argument is a usage error with one line, like a bad option on the command line."""
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
        wanted = " or ".join("None" if kind is type(None) else kind.__name__ for kind in kinds)
        raise UsageError(f"{name} must be {wanted}, not {type(value).__name__}")


# ---------------------------------------------------------------- queries and their bounds

def queries() -> dict:
    """Every bundled query by name (a ``QuerySpec``: name, kind, summary, params), as
    ``cstograph queries`` lists them."""

    return bundled_queries()


def find_query(name_or_file: str):
    """A bundled query by name, or a ``.rq`` file (a ``QuerySpec``); an unknown name or a missing
    file is a ``QueryError`` that names it, before any data is read."""

    return resolve_query(name_or_file)


def query_params(options: Sequence[str]) -> dict[str, str]:
    """Parameters written ``NAME=VALUE`` (as ``--param`` takes them) -> the keywords of ``query()``."""

    return parse_param_options(options)


def memory_limit(size: str | int | None) -> int | None:
    """Bytes from a size such as "4G" or "512M" (a number alone is MiB; 0 or "none": no bound, None);
    None reads $CSTOGRAPH_QUERY_MEMORY, else 4 GiB. A ``UsageError`` for anything else."""
    # deferred to the call: keeps cstograph.engines.sandbox out of `import cstograph`
    from cstograph.engines.sandbox import parse_memory

    return parse_memory(size)


def run_bounded(body, *, memory: int | None, network: bool) -> int:
    """Run ``body()`` (which prints its output and may raise SystemExit) in a child process
    within ``memory`` bytes and, unless ``network``, cut off from the network; its exit code. Where
    no child can be forked (another program's threads, no real stdout: tests, notebooks) ``body``
    runs here, unbounded, and the code is 0."""

    if not sandbox.can_fork_here():
        body()
        return 0
    return sandbox.run_limited(body, memory=memory, network=network)


# ---------------------------------------------------------------- graphs made from other files

def synthesize(requests: int, seed: int = 1, *, defects: float = 0.0):
    """A synthetic alliance graph whose verdicts are known (a ``SynthGraph``: ``turtle`` text,
    ``expected`` status per request, ``counts`` per status, ``defects``), for tests and benchmarks;
    ``defects``: the share of requests given a deliberate violation. The same seed, the same graph."""
    # deferred to the call: keeps cstograph.reading.synth out of `import cstograph`
    from cstograph.reading.synth import synthesize as synthesize_graph

    return synthesize_graph(requests, seed, defects=defects)


def write_synthetic(path: str | Path, requests: int, seed: int = 1, *, defects: float = 0.0, on_progress=None):
    """Write the graph of ``synthesize`` to ``path`` as it is made, never holding its text (a
    file of 100M triples takes the memory of its states and memberships, not of the file);
    atomically, as every output. The ``SynthGraph`` returned has the expected statuses, the
    scenarios and the defects, and an empty ``turtle``. ``on_progress(done, total)`` is called
    as requests are made. The bytes are those ``synthesize`` gives for the same arguments."""
    # deferred to the call: keeps cstograph.reading.synth and cstograph.base.write out of `import cstograph`
    from cstograph.base.write import write_atomic
    from cstograph.reading.synth import SynthGraph, synthetic_turtle

    graph = SynthGraph("", {})
    progress = None if on_progress is None else (lambda done: on_progress(done, requests))
    write_atomic(Path(path), synthetic_turtle(graph, requests, seed, defects=defects, on_request=progress))
    if on_progress is not None:
        on_progress(requests, requests)
    return graph


def import_atop(alliance_csv: str | Path, member_csv: str | Path, *, on_progress=None):
    """ATOP's alliance-level and member-level CSV files as a graph (an ``ImportResult``: Turtle
    ``text``, ``counts`` per kind of node, ``triples``); ``on_progress(done, total)`` is called as
    rows are read."""
    # deferred to the call: keeps cstograph.reading.importers.atop out of `import cstograph`
    from cstograph.reading.importers.atop import import_atop as read_atop

    return read_atop(Path(alliance_csv), Path(member_csv), on_progress=on_progress)


def import_reliability(dta_file: str | Path, *, atop: str | Path | None = None,
                       only_atop: Sequence[int] | None = None, on_progress=None):
    """The alliance-war observations of Berkemeier and Fuhrmann (2018) from their Stata file, with
    both codings (an ``ImportResult``); ``atop``: ATOP's alliance-level CSV, to link only to the
    alliances it holds; ``only_atop``: only the observations of these atopids."""
    # deferred to the call: keeps cstograph.reading.importers.reliability out of `import cstograph`
    from cstograph.reading.importers.reliability import import_reliability as read_reliability

    return read_reliability(Path(dta_file), atop_alliance_csv=Path(atop) if atop else None,
                            on_progress=on_progress, only_atop=only_atop)


def case_tables(requests: str | Path, *, responses: str | Path | None = None,
                sources: str | Path | None = None) -> dict[str, Path]:
    """The tables of a case import, by name: ``requests`` (a CSV file, or a data package's folder
    or ``datapackage.json``) and each ``STEM-TABLE.csv`` beside it; ``responses`` and ``sources``
    name those two tables elsewhere."""
    # deferred to the call: keeps cstograph.reading.importers.cases out of `import cstograph`
    from cstograph.reading.importers.cases import table_paths

    requests = Path(requests)
    tables = table_paths(requests)
    if "requests" not in tables and not requests.is_dir() and requests.name != "datapackage.json":
        tables["requests"] = requests
    if responses is not None:
        tables["responses"] = Path(responses)
    if sources is not None:
        tables["sources"] = Path(sources)
    return tables


def import_cases(tables: dict[str, Path], *, data: Sequence[str | Path] | None = None,
                 ontology_only: bool = False):
    """The rows of the tables (see ``case_tables``) as a graph (an ``ImportResult``; ``trig`` when
    rows of accounts need named graphs). Names in the cells are looked up in ``data`` (RDF files
    or folders; the bundled graphs when None), or with ``ontology_only`` in the ontology and the
    tables alone."""
    # deferred to the call: keeps cstograph.engines.import_reference, cstograph.reading.importers.cases and the rest out of `import cstograph`
    from cstograph.engines.import_reference import ontology_reference, reference_from
    from cstograph.reading.importers.cases import import_tables

    if ontology_only and data:
        raise UsageError("ontology_only and data cannot be used together")
    reference = ontology_reference() if ontology_only else reference_from(open(list(data) if data else None))
    return import_tables(dict(tables), reference)


# ---------------------------------------------------------------- stores and servers

class Server:
    """A SPARQL endpoint made by ``KnowledgeGraph.serve``: ``address`` (host, port), ``accounts``
    (path -> ``Account``), ``serve_forever()`` until interrupted, then ``close()`` (stops the workers)."""

    def __init__(self, server, service, pin: Path | None) -> None:
        self._server, self._service, self._pin = server, service, pin

    @property
    def address(self) -> tuple[str, int]:
        return tuple(self._server.server_address[:2])

    @property
    def accounts(self) -> dict:
        return dict(self._service.accounts)

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def close(self) -> None:
        self._server.server_close()
        self._service.close()
        if self._pin is not None:
            self._pin.unlink(missing_ok=True)


@dataclasses.dataclass(frozen=True)
class Loaded:
    """What ``load`` put where: triples, files read (the ontology not counted), violations found
    (a store records them) and, for an endpoint, the requests sent."""

    triples: int
    files: int
    violations: int
    requests: int = 0


def _refuse_violations(report) -> None:
    if not report.conforms:
        raise CstographError(f"the data violates the shapes ({len(report.violations)} violation(s)); nothing loaded",
                             hint="fix the data, or pass check= a function that accepts the report")


def load(paths: Sequence[str | Path] | str | Path | None = None, *, store: str | Path | None = None,
         endpoint: str | None = None, method: str = "update", graph: str | None = None, replace: bool = False,
         check=None) -> Loaded:
    """Validate RDF files or folders (the bundled graphs when none) once and load them with the
    ontology into a store folder (``store``, then ``open(store=...)`` reads it without parsing;
    ``replace`` an existing one) or a SPARQL server (``endpoint``: its SPARQL Update URL, or its
    Graph Store URL with ``method="gsp"``; ``graph``: everything into this named graph).
    ``check(report)`` sees the ``ValidationReport`` before anything is written and raises to stop;
    by default data that violates the shapes is refused (a ``CstographError``)."""
    if (store is None) == (endpoint is None):
        raise UsageError("name one target: store or endpoint")
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = [Path(p) for p in paths] if paths else None
    check = check or _refuse_violations
    # deferred to the call: keeps cstograph.rules.validate_data out of `import cstograph`
    from cstograph.rules.validate_data import validate_oxigraph_store

    if store is not None:
        # deferred to the call: keeps cstograph.rules.readings out of `import cstograph`
        from cstograph.rules.readings import create_store_with_readings as create_store

        def validate_then_check(oxstore, *, in_memory: bool = False):
            report = validate_oxigraph_store(oxstore, in_memory=in_memory)
            check(report)
            return report

        info, _ = create_store(Path(store), files, replace=replace, validate=validate_then_check)
        return Loaded(info.triples, len(info.files), info.violations)
    # deferred to the call: keeps cstograph.engines.endpoint, cstograph.engines.store and the rest out of `import cstograph`
    from cstograph.engines.endpoint import upload
    from cstograph.engines.store import fits_in_memory, load_files, temporary_store
    from cstograph.reading.rdf_files import expand_paths
    from cstograph.reading.resources import graphs_dir

    found = expand_paths(files if files else [graphs_dir()])
    # past the memory budget the files stream through a temporary store on disk first
    in_memory = fits_in_memory(found)
    loaded = load_files(found) if in_memory else temporary_store(found)
    report = validate_oxigraph_store(loaded.store, in_memory=in_memory)
    check(report)
    summary = upload(loaded.store, endpoint, method=method, graph=graph)
    return Loaded(summary.triples, len(loaded.files), len(report.violations), summary.requests)

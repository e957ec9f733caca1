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
from cstograph.errors import CstographError

DateLike = dt.date | str | None


class Table(list):
    """A list of dataclass records (verdicts, allies, ...) with ``to_pandas()``."""

    def to_pandas(self):
        """A pandas DataFrame, one row per record (pandas is not a dependency: install it to use this)."""
        try:
            import pandas
        except ImportError:
            raise CstographError("to_pandas() needs pandas", hint="pip install pandas") from None
        return pandas.DataFrame([_flat(r) for r in self])


def _flat(record) -> dict:
    row = dataclasses.asdict(record) if dataclasses.is_dataclass(record) else dict(record)
    return {k: (", ".join(map(str, v)) if isinstance(v, (list, tuple)) and all(not isinstance(x, dict) for x in v)
                else v) for k, v in row.items()}


def _day(value: DateLike) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
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
                 status: str | Sequence[str] | None = None) -> Table:
        """Every request's ``Verdict`` (status, reason, responses, sources, contested accounts);
        ``status`` ("unmet", "met", "not-triggered", or several): only those requests, whose
        responses and sources alone are then read (ValueError for another status)."""
        from cstograph.rules.verdicts import verdicts

        statuses = (status,) if isinstance(status, str) else status
        return Table(verdicts(self.data, self.viewpoint(according_to, as_of), statuses=statuses))

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
        undisputed data it also names what each account makes of a contested request."""
        from cstograph.rules.explain import explain_request
        from cstograph.rules.verdicts import verdicts

        viewpoint = self.viewpoint(according_to, as_of)
        engine = self.data.view(viewpoint)
        from cstograph.rules.explain import find_request

        iri = find_request(engine, request, self.data.namespaces)
        explanation = explain_request(engine, iri)
        if viewpoint.account is None and self.data.accounts:
            (marked,) = verdicts(self.data, viewpoint, request=iri)
            explanation = dataclasses.replace(
                explanation, verdict=dataclasses.replace(explanation.verdict, contested=marked.contested))
        return explanation

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

    def query(self, name_or_text: str, according_to: str | Account | None = None, as_of: DateLike = None,
              *, allow_network: bool = False, **params):
        """Run a bundled query by name, a ``.rq`` file, or SPARQL text; ``params`` bind the
        query's parameters (strings as on the command line, or RDF terms). Returns a ``QueryResult``."""
        from cstograph.engines.guard import check_query_is_safe
        from cstograph.engines.queries import bind_params, query_from_text, resolve_query, run_query

        if any(ch in name_or_text for ch in "{\n") or name_or_text.lstrip().upper().startswith(("SELECT", "PREFIX", "ASK", "CONSTRUCT", "DESCRIBE", "BASE")):
            spec = query_from_text(name_or_text)
        else:
            spec = resolve_query(name_or_text)
        if spec.kind in ("file", "text"):  # bundled queries are checked by the test suite
            checked = check_query_is_safe(spec.text, allow_network=allow_network,
                                          source=spec.path.name if spec.kind == "file" else "query")
            spec = dataclasses.replace(spec, text=checked)  # the engine runs exactly what was checked
        bindings = bind_params(spec, params, self.data.namespaces)
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

    def graph(self, view: str = "requests", according_to: str | Account | None = None, as_of: DateLike = None):
        """The graph as networkx (``view``: 'requests' or 'full'), request nodes carrying their
        verdicts (contested ones naming each account's status)."""
        from cstograph.pictures.graph_model import build_graph

        dataset = self.triples(according_to, as_of) if view == "full" else None
        return build_graph(dataset, self.engine(according_to, as_of), view, self.verdicts(according_to, as_of))


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
    if isinstance(paths, (str, Path)):
        paths = [paths]
    kg = KnowledgeGraph(open_data(
        [Path(p) for p in paths] if paths else None,
        engine=engine, store=Path(store) if store else None, endpoint=endpoint, timeout=timeout, default_graph=graph,
    ))
    kg.bundled = not (paths or store or endpoint)
    return kg

"""Verdicts from a viewpoint, marked contested where an account's view gives another status, and
robust or not under the readings of the coding manual.

The rules are the SPARQL that ``classify`` runs; this module runs them on the views that
``Data.view`` makes: the chosen viewpoint, and for the undisputed data each account's view too;
and on the reading views of ``rules.readings``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace

from rdflib import URIRef

from cstograph.base.progress import phase
from cstograph.engines.data import Data, Viewpoint, copy_around
from cstograph.engines.engine import Engine, RdflibEngine
from cstograph.engines.queries import answer_kept
from cstograph.rules.account_assertions import assertions_by_request, counted_accounts
from cstograph.rules.classify import (
    AccountVerdict,
    ReadingVerdict,
    Verdict,
    classify_requests,
    request_bindings,
    request_statuses,
    with_pending,
)
from cstograph.rules.readings import (
    Reading,
    affected_by_reading,
    affected_requests,
    has_reading_graph,
    reading_engine,
    readings_in,
    statuses_under,
)


def verdicts(data: Data, viewpoint: Viewpoint = Viewpoint(), request: str | None = None,
             statuses: Collection[str] | None = None, *, with_readings: bool = False,
             reading: Reading | None = None) -> list[Verdict]:
    """One verdict per request (``request``: that one only; ``statuses``: only the requests
    with one of these statuses), ordered by date then IRI.

    From an account's viewpoint the verdicts are that account's; from the undisputed data each
    verdict whose status differs in some account's view carries ``contested``: the status of each
    account that asserts something about the request's facts (with what it asserts) or gives
    another status, in the order of the accounts (by IRI). ``with_readings``: each verdict says
    whether it is robust, and which readings give another status. ``reading``: the verdicts under
    that reading instead of the coding manual.
    """
    with phase("computing answers"):
        return _verdicts(data, viewpoint, URIRef(request) if request is not None else None, statuses,
                         with_readings, reading)


def private_view(data: Data, viewpoint: Viewpoint) -> bool:
    """Whether the view's store belongs to this process (parsed files, an as-of copy), so that
    a reading's graph may be written into it."""
    return data.kind == "files" or (viewpoint.as_of is not None and data.kind != "rdflib")


def _verdicts(data: Data, viewpoint: Viewpoint, only: URIRef | None, statuses: Collection[str] | None,
              with_readings: bool, reading: Reading | None) -> list[Verdict]:
    view = data.view(viewpoint)
    if reading is not None and reading.edits:
        view = reading_engine(view, reading, private=private_view(data, viewpoint))
    # the request's parties are asked once and bound in every view: an account adds facts to the
    # undisputed data, and a valid request has one requester, addressee and obligation in each
    # view (the shapes check every account's view)
    bindings = request_bindings(view, only) if only is not None else None
    base = classify_requests(view, only, statuses, viewpoint.as_of, bindings)
    if with_readings and reading is None:
        base = mark_readings(data, viewpoint, base)
    if viewpoint.account is not None or not data.accounts:
        return base
    per_account = {  # the statuses alone: an account's responses and sources are not shown
        account: request_statuses(data.view(replace(viewpoint, account=account)), only, viewpoint.as_of, bindings)
        for account in data.accounts
    }
    marked = []
    said = None  # what each account asserts about each request's facts, read at the first contested request
    for verdict in base:
        statuses = [(a, per_account[a].get(verdict.request, verdict.status)) for a in data.accounts]
        if any(status != verdict.status for _, status in statuses):
            if said is None:
                said = assertions_by_request(data, str(only) if only is not None else None)
            mine = said.get(verdict.request, {})
            verdict = replace(verdict, contested=tuple(
                AccountVerdict(a.iri, a.label, s, tuple(mine.get(a.iri, ())))
                for a, s in counted_accounts(statuses, verdict.status, mine)))
        marked.append(verdict)
    return marked


def statuses_by_reading(data: Data, viewpoint: Viewpoint, requests: Collection[str],
                        dates: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Reading IRI -> {request -> status} for the readings that can change some of these
    requests (only those requests are classified again, by reading-status.rq; every other request keeps its status)."""
    view = data.view(viewpoint)
    private = private_view(data, viewpoint)
    copied = None  # one private copy for every reading, when the view's store cannot take their graphs
    found: dict[str, dict[str, str]] = {}
    # a store answers the readings' queries from what it kept at load time for every affected
    # request, and only the rows of the requests shown are read; elsewhere only the requests
    # shown are classified
    kept = bool(getattr(view, "materialised", None))
    readings = readings_in(view)
    reached = affected_by_reading(view, readings, requests)
    for reading in readings:
        affected = reached.get(reading.iri)
        if not affected:
            continue
        if not private and not isinstance(view, RdflibEngine) and not has_reading_graph(view, reading):
            if copied is None:  # the facts of every request a reading can change, not the whole graph
                copied = copy_around(view, sorted(set().union(*reached.values())))
            engine = reading_engine(copied, reading, private=True)
        else:
            engine = reading_engine(view, reading, private=private)
        found[reading.iri] = {
            r: _pending(s, (dates or {}).get(r, ""), viewpoint.as_of)
            for r, s in statuses_under(engine, _asked_for(view, engine, reading, affected) if kept else affected,
                                       affected).items()}
    return found


def _asked_for(view: Engine, engine: Engine, reading: Reading, affected: list[str]) -> list[str]:
    """The requests whose statuses a store kept at load time for ``reading``: the answer for
    every request, read for ``affected`` alone, or, when the reading can change only a few
    requests, the answer bound to all of those (its key names them)."""
    return affected if answer_kept(engine, "reading-status") else affected_requests(view, reading)


def _pending(status: str, date: str, as_of: dt.date | None) -> str:
    return with_pending(status, date, "", as_of)[0]


def mark_readings(data: Data, viewpoint: Viewpoint, base: list[Verdict]) -> list[Verdict]:
    """``base`` with ``robust`` set, and ``readings`` listing every reading that flips a verdict."""
    labels = {r.iri: r.label for r in readings_in(data.view(viewpoint))}
    per_reading = statuses_by_reading(data, viewpoint, [v.request for v in base], {v.request: v.date for v in base})
    marked = []
    for verdict in base:
        flips = tuple(ReadingVerdict(iri, labels[iri], statuses[verdict.request])
                      for iri, statuses in per_reading.items()
                      if verdict.request in statuses and statuses[verdict.request] != verdict.status)
        marked.append(replace(verdict, robust=not flips, readings=flips))
    return marked

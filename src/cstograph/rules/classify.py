"""Verdicts on assistance requests, as computed by the bundled SPARQL queries.

The rules live in ``queries/obligations/request-status.rq``; this module only runs it (and
``responses.rq``) and turns the rows into ``Verdict`` values for the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from cstograph.base.cells import sorted_list
from cstograph.engines.engine import Engine, RowsAbout
from cstograph.engines.queries import answer_kept, run_named, run_named_text, text_rows_for_values

STATUSES = ("unmet", "met", "not-triggered", "pending")
PENDING_DAYS = 30  # a request stays pending this many days after it was made (docs/coding.md)


def pending_window(as_of: dt.date | None) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the pending window: the 30 days before the as-of day (today
    when None), both included."""
    day = as_of or dt.date.today()
    return day - dt.timedelta(days=PENDING_DAYS), day


def pending_bindings(as_of: dt.date | None) -> dict:
    """The ?pendingFrom and ?asOf parameters of request-status, unmet-obligations and the
    status rule, for the SPARQL statement of the pending rule."""
    first, last = pending_window(as_of)
    return {"pendingFrom": Literal(first.isoformat(), datatype=XSD.date), "asOf": Literal(last.isoformat(), datatype=XSD.date)}


def with_pending(status: str, date: str, reason: str, as_of: dt.date | None) -> tuple[str, str]:
    """An unmet request asked within the pending window is pending (the same rule as the
    queries' ?pendingFrom/?asOf parameters; applied here so that the report's queries stay the
    same text whatever the day, and a store answers them from what it kept at load time)."""
    if status != "unmet":
        return status, reason
    first, last = pending_window(as_of)
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:  # ill-typed dates only get here with --force
        return status, reason
    if not first <= day <= last:
        return status, reason
    sentence = reason.split(", but no response fulfils ", 1)
    wanted = sentence[1].split(" (", 1)[0].rstrip(".") if len(sentence) == 2 else "its obligation"
    return "pending", (f"Pending: {sentence[0]}, and no response fulfils {wanted} yet; asked on {date}, "
                       f"within the pending window before {last.isoformat()}.")


@dataclass(frozen=True)
class ResponseRecord:
    response: str
    responder: str
    responder_label: str
    type: str
    type_label: str
    date: str
    fulfils: bool
    stage_label: str = ""  # cg:helpStage's label ("announced", ...); empty: no stage, i.e. delivered


@dataclass(frozen=True)
class SourceRecord:
    source: str
    title: str
    publisher: str
    issued: str
    url: str


@dataclass(frozen=True)
class AccountVerdict:
    account: str
    label: str
    status: str
    disputes: tuple = ()  # rules.accounts.Assertion: what the account asserts about the request's facts


@dataclass(frozen=True)
class ReadingVerdict:
    reading: str
    label: str
    status: str


@dataclass(frozen=True)
class Verdict:
    request: str
    requester: str
    requester_label: str
    addressee: str
    addressee_label: str
    obligation: str
    obligation_label: str
    date: str
    status: str
    reason: str
    alliance: str | None
    responses: tuple[ResponseRecord, ...]
    sources: tuple[SourceRecord, ...] = ()
    contested: tuple[AccountVerdict, ...] = ()
    robust: bool | None = None  # None: the readings were not computed
    readings: tuple[ReadingVerdict, ...] = ()  # the readings that give another status

    def days_to(self, response_date: str) -> int | None:
        try:
            return (dt.date.fromisoformat(response_date) - dt.date.fromisoformat(self.date)).days
        except ValueError:  # ill-typed dates only get here with --force
            return None

    def _first(self, responses) -> int | None:
        dates = [r.date for r in responses]
        if not dates:  # most requests of a large report: no date is parsed
            return None
        try:
            start = dt.date.fromisoformat(self.date)
        except ValueError:  # ill-typed dates only get here with --force
            return None
        days = []
        for text in dates:
            try:
                days.append((dt.date.fromisoformat(text) - start).days)
            except ValueError:
                continue
        return min(days, default=None)

    @property
    def days_to_first_response(self) -> int | None:
        return self._first(self.responses)

    @property
    def days_to_fulfilment(self) -> int | None:
        return self._first(r for r in self.responses if r.fulfils)


def responses_by_request(engine: Engine, request: URIRef | None = None,
                         wanted: Container[str] | None = None) -> dict[str, list[ResponseRecord]]:
    """The responses to every request (to ``request`` only, when given; to the ``wanted``
    requests only, when given), by request IRI."""
    grouped: dict[str, list[ResponseRecord]] = {}
    for row in _request_rows(engine, "responses", request, None, _of_requests(wanted, "request")):
        grouped.setdefault(row["request"], []).append(
            ResponseRecord(
                response=row["response"] or "",
                responder=row["responder"] or "",
                responder_label=row["responderLabel"] or "",
                type=row["type"] or "",
                type_label=row["typeLabel"] or "",
                date=row["date"] or "",
                fulfils=row["fulfils"] == "true",  # str() of an xsd:boolean true is "true"
                stage_label=row.get("stageLabel") or "",
            )
        )
    return grouped


def sources_by_node(engine: Engine, node: URIRef | None = None, *, ordered: bool = True) -> dict[str, list[SourceRecord]]:
    """The sources of every fact node (of ``node`` only, when given: node-sources.rq, which
    reads that node's sources alone): for the export and for explanations. ``ordered=False``:
    each node's sources in the engine's order, for a caller that sorts them itself (on a 1M-triple
    store sources.rq took 28 s with its ORDER BY, 2 s without)."""
    if node is None:
        return _sources(run_named_text(engine, "sources", ordered=ordered), "node")
    return _sources(run_named_text(engine, "node-sources", {"node": node}), "node")


def sources_of_nodes(engine: Engine, nodes: list[URIRef]) -> dict[str, list[SourceRecord]]:
    """The sources of several fact nodes in one query (node-sources bound to each of them)."""
    return _sources(text_rows_for_values(engine, "node-sources", "node", nodes), "node")


def sources_by_request(engine: Engine, request: URIRef | None = None,
                       wanted: Container[str] | None = None) -> dict[str, list[SourceRecord]]:
    """The sources of the requests only (of ``request``, when given; of the ``wanted`` requests
    only, when given): what the report shows, without reading the sources of every other node."""
    return _sources(_request_rows(engine, "request-sources", request, None, _of_requests(wanted, "request")),
                    "request", wanted)


def _request_rows(engine: Engine, name: str, request: URIRef | None, bindings: dict | None,
                  keep=None) -> list[dict[str, str | None]]:
    """The rows of query ``name`` about ``request`` (every request when None): the store's answer
    kept at load time, read for that request's rows alone, or the query bound to the request
    (``bindings``: what to bind; the request alone when None). Bound, request-status asked a
    10M-triple store 1.8 s of CPU for one request: its sub-selects about states and obligations
    run over the whole store."""
    if request is not None and answer_kept(engine, name):
        return run_named_text(engine, name, None, RowsAbout("request", {str(request)}, also=keep))
    if request is not None and bindings is None:
        bindings = {"request": request}
    return run_named_text(engine, name, bindings, keep)


def _of_requests(wanted: Container[str] | None, key: str):
    """A filter keeping the rows of the ``wanted`` requests as they are read (None: every row)."""
    if wanted is None:
        return None

    def keep(row: dict) -> bool:
        return row[key] in wanted

    return keep


def _sources(rows: list[dict[str, str | None]], key: str,
             wanted: Container[str] | None = None) -> dict[str, list[SourceRecord]]:
    grouped: dict[str, list[SourceRecord]] = {}
    for row in rows:
        if wanted is not None and row[key] not in wanted:
            continue
        grouped.setdefault(row[key], []).append(
            SourceRecord(
                source=row["source"] or "",
                title=row["title"] or "",
                publisher=row["publisher"] or "",
                issued=row["issued"] or "",
                url=row["url"] or "",
            )
        )
    return grouped


def classify_requests(engine: Engine, request: URIRef | None = None,
                      statuses: Collection[str] | None = None, as_of: dt.date | None = None,
                      bindings: dict | None = None) -> list[Verdict]:
    """One verdict per assistance request, ordered by date, with its responses and sources;
    ``statuses``: only the requests with one of these statuses (whose responses and sources
    alone are then read into records: the default report shows the unmet third of them);
    ``as_of``: the day for the pending window (today when None); ``bindings``: what
    ``request_bindings`` gave for ``request`` when the caller already asked."""
    keep = None
    if statuses is not None:
        unknown = set(statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown status {', '.join(sorted(unknown))}: one of {', '.join(STATUSES)}")
        # the rows that may end with one of ``statuses`` are chosen as they are read (an unmet
        # request may turn pending below), so a store's 330,000 answers are not all held
        may_end = set(statuses) | ({"unmet"} if "pending" in statuses else set())

        def keep(row: dict) -> bool:
            return row["status"] in may_end
    rows = _with_pending(_request_rows(engine, "request-status", request, _bound(engine, request, bindings), keep), as_of)
    if statuses is not None:
        rows = [row for row in rows if row["status"] in statuses]
    wanted = {row["request"] for row in rows} if statuses is not None else None
    responses = responses_by_request(engine, request, wanted)
    sources = sources_by_request(engine, request, wanted)
    verdicts = []
    for row in rows:
        iri = row["request"]
        verdicts.append(
            Verdict(
                request=iri,
                requester=row["requester"] or "",
                requester_label=row["requesterLabel"] or "",
                addressee=row["addressee"] or "",
                addressee_label=row["addresseeLabel"] or "",
                obligation=row["obligation"] or "",
                obligation_label=row["obligationLabel"] or "",
                date=row["date"] or "",
                status=row["status"] or "",
                reason=canonical_reason(row["reason"] or "", row),
                alliance=row["alliance"],
                responses=tuple(responses.get(iri, ())),
                sources=tuple(sources.get(iri, ())),
            )
        )
    return verdicts


def _bound(engine: Engine, request: URIRef | None, bindings: dict | None) -> dict | None:
    """What request-status is bound to for ``request``: its parties (``request_bindings``) unless
    the caller asked already, or a store kept the unbound answer (then nothing is asked)."""
    if request is None or bindings is not None or answer_kept(engine, "request-status"):
        return bindings
    return request_bindings(engine, request)


def request_statuses(engine: Engine, request: URIRef | None = None, as_of: dt.date | None = None,
                     bindings: dict | None = None) -> dict[str, str]:
    """Request IRI -> status, without the responses and sources (for comparing viewpoints);
    ``bindings``: what ``request_bindings`` gave for ``request`` when the caller already asked."""
    rows = _with_pending(_request_rows(engine, "request-status", request, _bound(engine, request, bindings)), as_of)
    return {row["request"]: row["status"] or "" for row in rows}


def _with_pending(rows: list[dict], as_of: dt.date | None) -> list[dict]:
    """The rows with each unmet request inside the pending window made pending (new dicts)."""
    changed = []
    for row in rows:
        if row["status"] == "unmet":
            status, reason = with_pending("unmet", row["date"] or "", row["reason"] or "", as_of)
            if status != "unmet":
                row = {**row, "status": status, "reason": reason}
        changed.append(row)
    return changed


def request_bindings(engine: Engine, request: URIRef | None) -> dict[str, URIRef] | None:
    """What a query about one request (request-status, explain-obligation) is bound to: the
    request, and its requester, addressee and obligation when it has one IRI of each (as valid
    data does), so that the query's label and membership sub-selects read those nodes only, not
    every label of the graph. The answer is the same: the bound values are the request's own."""
    if request is None:
        return None
    rows = run_named(engine, "request-parties", {"request": request}).rows
    if len(rows) != 1 or not all(isinstance(term, URIRef) for term in rows[0]):
        return {"request": request}
    _, requester, addressee, obligation = rows[0]
    return {"request": request, "requester": requester, "addressee": addressee, "obligation": obligation}


# The lists that request-status.rq quotes in its reason, built with GROUP_CONCAT, whose order
# SPARQL leaves to the engine (two Oxigraph stores holding the same triples gave two orders): the
# query returns each list as a column too, and each is sorted where the reason quotes it, so the
# same data gives the same sentence on every engine, store and server.
REASON_LISTS = (("events", "; "), ("adversaries", ", "), ("fulfilling", ", "), ("received", ", "))


def canonical_reason(reason: str, row: Mapping[str, str | None]) -> str:
    """``reason`` with the items of each list of ``row`` it quotes (``REASON_LISTS``) in sorted order."""
    for column, separator in REASON_LISTS:
        items = row.get(column)
        if items and separator in items:
            reason = reason.replace(items, sorted_list(items, separator))
    return reason

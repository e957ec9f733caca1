"""Verdicts on assistance requests, as computed by the bundled SPARQL queries.

The rules live in ``queries/obligations/request-status.rq``; this module only runs it (and
``responses.rq``) and turns the rows into ``Verdict`` values for the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rdflib import URIRef

from cstograph.engines.engine import Engine
from cstograph.engines.queries import run_named

STATUSES = ("unmet", "met", "not-triggered")


@dataclass(frozen=True)
class ResponseRecord:
    response: str
    responder: str
    responder_label: str
    type: str
    type_label: str
    date: str
    fulfils: bool


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

    def days_to(self, response_date: str) -> int | None:
        try:
            return (dt.date.fromisoformat(response_date) - dt.date.fromisoformat(self.date)).days
        except ValueError:  # ill-typed dates only get here with --force
            return None

    def _first(self, responses) -> int | None:
        return min((d for d in (self.days_to(r.date) for r in responses) if d is not None), default=None)

    @property
    def days_to_first_response(self) -> int | None:
        return self._first(self.responses)

    @property
    def days_to_fulfilment(self) -> int | None:
        return self._first(r for r in self.responses if r.fulfils)


def _s(value) -> str:
    return "" if value is None else str(value)


def responses_by_request(engine: Engine, request: URIRef | None = None) -> dict[str, list[ResponseRecord]]:
    """The responses to every request (to ``request`` only, when given), by request IRI."""
    grouped: dict[str, list[ResponseRecord]] = {}
    bindings = {"request": request} if request is not None else None
    for row in run_named(engine, "responses", bindings).records():
        grouped.setdefault(str(row["request"]), []).append(
            ResponseRecord(
                response=_s(row["response"]),
                responder=_s(row["responder"]),
                responder_label=_s(row["responderLabel"]),
                type=_s(row["type"]),
                type_label=_s(row["typeLabel"]),
                date=_s(row["date"]),
                fulfils=bool(row["fulfils"] is not None and row["fulfils"].toPython() is True),
            )
        )
    return grouped


def sources_by_node(engine: Engine, node: URIRef | None = None) -> dict[str, list[SourceRecord]]:
    """The sources of every fact node (of ``node`` only, when given): for explanations."""
    return _sources(run_named(engine, "sources", {"node": node} if node is not None else None), "node")


def sources_by_request(engine: Engine, request: URIRef | None = None) -> dict[str, list[SourceRecord]]:
    """The sources of the requests only (of ``request``, when given): what the report shows,
    without reading the sources of every other node of the graph."""
    return _sources(run_named(engine, "request-sources", {"request": request} if request is not None else None),
                    "request")


def _sources(result, key: str) -> dict[str, list[SourceRecord]]:
    grouped: dict[str, list[SourceRecord]] = {}
    for row in result.records():
        grouped.setdefault(str(row[key]), []).append(
            SourceRecord(
                source=_s(row["source"]),
                title=_s(row["title"]),
                publisher=_s(row["publisher"]),
                issued=_s(row["issued"]),
                url=_s(row["url"]),
            )
        )
    return grouped


def classify_requests(engine: Engine, request: URIRef | None = None) -> list[Verdict]:
    """One verdict per assistance request, ordered by date, with its responses and sources."""
    bindings = {"request": request} if request is not None else None
    responses = responses_by_request(engine, request)
    sources = sources_by_request(engine, request)
    verdicts = []
    for row in run_named(engine, "request-status", bindings).records():
        iri = str(row["request"])
        verdicts.append(
            Verdict(
                request=iri,
                requester=_s(row["requester"]),
                requester_label=_s(row["requesterLabel"]),
                addressee=_s(row["addressee"]),
                addressee_label=_s(row["addresseeLabel"]),
                obligation=_s(row["obligation"]),
                obligation_label=_s(row["obligationLabel"]),
                date=_s(row["date"]),
                status=_s(row["status"]),
                reason=_s(row["reason"]),
                alliance=None if row["alliance"] is None else str(row["alliance"]),
                responses=tuple(responses.get(iri, ())),
                sources=tuple(sources.get(iri, ())),
            )
        )
    return verdicts

"""Ally-level verdicts and reliability tables, in the spirit of Leeds, Long & Mitchell (2000).

The facts (obliged allies, fulfilling responses, statuses) are materialised by the rules in
``queries/infer/`` and read with ``queries/allies/*.rq``; this module only counts them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from cstograph.base.cells import cell_text, sorted_list
from cstograph.engines.engine import Engine
from cstograph.engines.queries import run_named_text
from cstograph.rules.infer import materialise
from cstograph.rules.invocation_record import OTHER, TYPE_ORDER, kind_of


@dataclass(frozen=True)
class AllyDuty:
    request: str
    request_date: str
    requester: str
    alliance: str
    ally: str
    status: str
    own_responses: str  # what the ally itself did ("" when nothing is recorded)
    direct_fulfilment: str | None  # date of its own first fulfilling response
    alliance_fulfilment: str | None  # date of the alliance's first fulfilling response
    alliance_iri: str = ""
    obligation: str = ""  # the invoked clause's obligation type, as the record of invocations names it

    @property
    def honoured(self) -> bool:
        return self.direct_fulfilment is not None or self.alliance_fulfilment is not None

    @property
    def days_to_fulfilment(self) -> int | None:
        dates = [d for d in (self.direct_fulfilment, self.alliance_fulfilment) if d]
        if not dates:
            return None
        return (dt.date.fromisoformat(min(dates)) - dt.date.fromisoformat(self.request_date)).days


@dataclass(frozen=True)
class ReliabilityRow:
    level: str  # "alliance" or "ally"
    name: str
    triggered: int
    honoured: int
    median_days: float | None
    obligation: str = ""  # one obligation type per row: types are never pooled

    @property
    def share(self) -> float:
        return self.honoured / self.triggered if self.triggered else 0.0


@dataclass(frozen=True)
class SelectivityCase:
    guarantor: str
    case: str
    request: str
    request_date: str
    requester: str
    support: str
    guarantor_iri: str = ""



def obligation_kinds(engine: Engine) -> dict[str, str]:
    """Request IRI -> the obligation type of the clause it invokes, as the record of formal
    invocations names it (``invocation_record.kind_of``)."""
    return {
        cell_text(r["request"]): kind_of(cell_text(r["obligationType"]) or None, cell_text(r["broaderTypes"]).split())
        for r in run_named_text(engine, "invocation-record")
    }


def ally_duties(engine: Engine, kinds: dict[str, str] | None = None, *, inferred: bool = False) -> list[AllyDuty]:
    """Materialise the verdicts in ``engine`` (if not done yet) and list each obliged ally.
    ``kinds``: request IRI -> obligation type when the caller holds them (the ``kind`` of each
    ``invocation_record.Invocation``); read from ``engine`` when not, or when a duty's request is
    not among them. ``inferred``: the rules have run in ``engine`` already (``derived_beside``)."""
    if not inferred:
        materialise(engine, with_reasons=False, with_graph=False, prove=False)
    rows = run_named_text(engine, "ally-responses")  # text: no rdflib terms built
    if kinds is None or any(cell_text(r["request"]) not in kinds for r in rows):
        kinds = obligation_kinds(engine)
    return [
        AllyDuty(
            request=cell_text(r["request"]), request_date=cell_text(r["requestDate"]), requester=cell_text(r["requesterLabel"] or r["requester"]),
            alliance=cell_text(r["allianceLabel"] or r["alliance"]), ally=cell_text(r["allyLabel"] or r["ally"]), status=cell_text(r["status"]),
            own_responses=sorted_list(r["ownResponses"]),
            direct_fulfilment=None if r["directFulfilment"] is None else str(r["directFulfilment"]),
            alliance_fulfilment=None if r["allianceFulfilment"] is None else str(r["allianceFulfilment"]),
            alliance_iri=cell_text(r["alliance"]), obligation=kinds.get(cell_text(r["request"]), OTHER),
        )
        for r in rows
    ]


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def reliability(duties: list[AllyDuty]) -> list[ReliabilityRow]:
    """Per alliance, then per ally, one row per obligation type (never pooled: a consultation
    met by a council meeting says nothing about a defence clause)."""

    def order(key: tuple[str, str]) -> tuple:
        name, kind = key
        return (name, TYPE_ORDER.index(kind) if kind in TYPE_ORDER else len(TYPE_ORDER), kind)

    rows = []
    by_alliance: dict[tuple[str, str], dict[str, AllyDuty]] = {}
    for duty in duties:
        by_alliance.setdefault((duty.alliance, duty.obligation), {})[duty.request] = duty
    for (alliance, kind), requests in sorted(by_alliance.items(), key=lambda item: order(item[0])):
        met = [d for d in requests.values() if d.status == "met"]
        days = [d.days_to_fulfilment for d in requests.values() if d.days_to_fulfilment is not None]
        rows.append(ReliabilityRow("alliance", alliance, len(requests), len(met), _median(days), kind))
    by_ally: dict[tuple[str, str], list[AllyDuty]] = {}
    for duty in duties:
        by_ally.setdefault((duty.ally, duty.obligation), []).append(duty)
    for (ally, kind), own in sorted(by_ally.items(), key=lambda item: order(item[0])):
        honoured = [d for d in own if d.honoured]
        days = [d.days_to_fulfilment for d in honoured if d.days_to_fulfilment is not None]
        rows.append(ReliabilityRow("ally", ally, len(own), len(honoured), _median(days), kind))
    return rows


def selectivity(engine: Engine, *, inferred: bool = False) -> list[SelectivityCase]:
    """Help without a trigger beside triggered requests left unmet; ``inferred``: the rules have
    run in ``engine`` already (``ally_duties`` on the same copy), so they are not run again."""
    if not inferred:
        materialise(engine, with_reasons=False, with_graph=False, prove=False)
    return [
        SelectivityCase(
            guarantor=cell_text(r["guarantorLabel"] or r["guarantor"]), case=cell_text(r["case"]), request=cell_text(r["request"]),
            request_date=cell_text(r["requestDate"]), requester=cell_text(r["requesterLabel"]), support=sorted_list(r["supportTypes"]),
            guarantor_iri=cell_text(r["guarantor"]),
        )
        for r in run_named_text(engine, "selectivity")
    ]

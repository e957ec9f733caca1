"""Ally-level verdicts and reliability tables, in the spirit of Leeds, Long & Mitchell (2000).

The facts (obliged allies, fulfilling responses, statuses) are materialised by the rules in
``queries/infer/`` and read with ``queries/allies/*.rq``; this module only counts them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from cstograph.engines.engine import Engine
from cstograph.engines.queries import run_named
from cstograph.rules.infer import materialise
from cstograph.rules.invocation_record import TYPE_ORDER, kind_of


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


def _s(value) -> str:
    return "" if value is None else str(value)


def _sorted_list(value) -> str:
    """A GROUP_CONCAT list in a fixed order (SPARQL leaves the order to the engine)."""
    return ", ".join(sorted(_s(value).split(", "))) if value is not None else ""


def obligation_kinds(engine: Engine) -> dict[str, str]:
    """Request IRI -> the obligation type of the clause it invokes, as the record of formal
    invocations names it (``invocation_record.kind_of``)."""
    return {
        str(r["request"]): kind_of(None if r["obligationType"] is None else str(r["obligationType"]),
                                   str(r["broaderTypes"] or "").split())
        for r in run_named(engine, "invocation-record").records()
    }


def ally_duties(engine: Engine) -> list[AllyDuty]:
    """Materialise the verdicts in ``engine`` (if not done yet) and list each obliged ally."""
    materialise(engine, with_reasons=False, with_graph=False, prove=False)
    kinds = obligation_kinds(engine)
    return [
        AllyDuty(
            request=_s(r["request"]), request_date=_s(r["requestDate"]), requester=_s(r["requesterLabel"] or r["requester"]),
            alliance=_s(r["allianceLabel"] or r["alliance"]), ally=_s(r["allyLabel"] or r["ally"]), status=_s(r["status"]),
            own_responses=_sorted_list(r["ownResponses"]),
            direct_fulfilment=None if r["directFulfilment"] is None else str(r["directFulfilment"]),
            alliance_fulfilment=None if r["allianceFulfilment"] is None else str(r["allianceFulfilment"]),
            alliance_iri=_s(r["alliance"]), obligation=kinds.get(_s(r["request"]), kind_of(None)),
        )
        for r in run_named(engine, "ally-responses").records()
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


def selectivity(engine: Engine) -> list[SelectivityCase]:
    materialise(engine, with_reasons=False, with_graph=False, prove=False)
    return [
        SelectivityCase(
            guarantor=_s(r["guarantorLabel"] or r["guarantor"]), case=_s(r["case"]), request=_s(r["request"]),
            request_date=_s(r["requestDate"]), requester=_s(r["requesterLabel"]), support=_sorted_list(r["supportTypes"]),
            guarantor_iri=_s(r["guarantor"]),
        )
        for r in run_named(engine, "selectivity").records()
    ]

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


def ally_duties(engine: Engine) -> list[AllyDuty]:
    """Materialise the verdicts in ``engine`` (if not done yet) and list each obliged ally."""
    materialise(engine, with_reasons=False, with_graph=False, prove=False)
    return [
        AllyDuty(
            request=_s(r["request"]), request_date=_s(r["requestDate"]), requester=_s(r["requesterLabel"] or r["requester"]),
            alliance=_s(r["allianceLabel"] or r["alliance"]), ally=_s(r["allyLabel"] or r["ally"]), status=_s(r["status"]),
            own_responses=_sorted_list(r["ownResponses"]),
            direct_fulfilment=None if r["directFulfilment"] is None else str(r["directFulfilment"]),
            alliance_fulfilment=None if r["allianceFulfilment"] is None else str(r["allianceFulfilment"]),
            alliance_iri=_s(r["alliance"]),
        )
        for r in run_named(engine, "ally-responses").records()
    ]


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def reliability(duties: list[AllyDuty]) -> list[ReliabilityRow]:
    rows = []
    by_alliance: dict[str, dict[str, AllyDuty]] = {}
    for duty in duties:
        by_alliance.setdefault(duty.alliance, {})[duty.request] = duty
    for alliance, requests in sorted(by_alliance.items()):
        met = [d for d in requests.values() if d.status == "met"]
        days = [d.days_to_fulfilment for d in requests.values() if d.days_to_fulfilment is not None]
        rows.append(ReliabilityRow("alliance", alliance, len(requests), len(met), _median(days)))
    by_ally: dict[str, list[AllyDuty]] = {}
    for duty in duties:
        by_ally.setdefault(duty.ally, []).append(duty)
    for ally, own in sorted(by_ally.items()):
        honoured = [d for d in own if d.honoured]
        days = [d.days_to_fulfilment for d in honoured if d.days_to_fulfilment is not None]
        rows.append(ReliabilityRow("ally", ally, len(own), len(honoured), _median(days)))
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

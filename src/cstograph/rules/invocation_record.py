"""The record of formal invocations: how often a request under a clause got the help the clause
asks for, per alliance, per obligation type and per era, under each reading of the coding manual.

The verdicts are the report's (``rules.verdicts``, computed with their readings); the grouping
(alliance, obligation type, responses on record) comes from ``queries/reliability/invocation-record.rq``.
This module only counts. Obligation types are never pooled: a consultation clause met by a
council meeting says nothing about a defence clause, so every row holds one type.

Pure: returns values; ``output.invocation_tables`` prints them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cstograph.engines.engine import Engine
from cstograph.engines.queries import run_named_text
from cstograph.namespaces import CG

# The obligation types the tables name, in the order they show them. A type that is, or is
# narrower (skos:broader) than, one of these counts under it; any other type counts as OTHER.
KNOWN_TYPES = (
    (str(CG.CollectiveDefence), "defence"),
    (str(CG.Consultation), "consultation"),
    (str(CG.ConsultationAndMeasures), "consultation and measures"),
    (str(CG.GuaranteeOfStatus), "guarantee"),
    (str(CG.OffensiveSupport), "offensive support"),
    (str(CG.Neutrality), "neutrality"),
    (str(CG.NonAggression), "non-aggression"),
)
OTHER = "other"
TYPE_ORDER = tuple(name for _, name in KNOWN_TYPES) + (OTHER,)
_NAMES = dict(KNOWN_TYPES)

# Eras by the request's date. 1991/1992: the Soviet Union dissolved in December 1991 (the CSTO's
# treaty was signed in May 1992); 2003: the last year of the Berkemeier-Fuhrmann data, so that
# 1945-1991 and 1992-2003 together are the span their post-1945 rates cover. Before 1945 the
# cases are of another international order and are shown apart, never pooled with later ones.
ERAS = (
    ("before 1945", None, dt.date(1944, 12, 31)),
    ("1945-1991", dt.date(1945, 1, 1), dt.date(1991, 12, 31)),
    ("1992-2003", dt.date(1992, 1, 1), dt.date(2003, 12, 31)),
    ("2004-today", dt.date(2004, 1, 1), None),
)
SPANS = (  # when the era is not asked for: before 1945 apart, everything since together
    ("before 1945", None, dt.date(1944, 12, 31)),
    ("1945-today", dt.date(1945, 1, 1), None),
)
BF_SPAN = ("1945-2003", dt.date(1945, 1, 1), dt.date(2003, 12, 31))
UNDATED = "undated"
ALL_ALLIANCES = ""  # the alliance of a total row
DIMENSIONS = ("alliance", "type", "era")


@dataclass(frozen=True)
class Invocation:
    """One request with what the record groups it by and its status under each reading."""

    request: str
    date: str
    requester_label: str
    addressee_label: str
    alliance: str  # IRI; "" when no alliance is founded on the clause's treaty
    alliance_label: str
    obligation_type: str  # IRI of the clause's cg:obligationType
    obligation_type_label: str
    kind: str  # one of TYPE_ORDER
    responses: int  # responses on record, of any type or stage
    statuses: tuple[tuple[str, str], ...]  # (reading IRI, status) for every reading, the manual's first

    def status(self, reading: str) -> str:
        for iri, status in self.statuses:
            if iri == reading:
                return status
        raise KeyError(reading)


@dataclass(frozen=True)
class RecordRow:
    era: str
    alliance: str  # IRI, or ALL_ALLIANCES for the total over alliances
    alliance_label: str
    kind: str
    reading: str
    reading_label: str
    met: int
    did_not_help: int  # unmet, and some response is on record (none fulfilled the clause)
    no_response: int  # unmet, and no response at all is on record
    pending: int
    not_triggered: int

    @property
    def unmet(self) -> int:
        return self.did_not_help + self.no_response

    @property
    def decided(self) -> int:
        """The requests the rate is over: triggered and no longer pending."""
        return self.met + self.unmet

    @property
    def requests(self) -> int:
        return self.decided + self.pending + self.not_triggered

    @property
    def rate(self) -> float | None:
        return self.met / self.decided if self.decided else None


def kind_of(obligation_type: str | None, broader: Iterable[str] = ()) -> str:
    """The table's name for an obligation type: its own, or that of the first known type it is
    narrower than, or OTHER (an unknown or missing type never fails)."""
    if obligation_type in _NAMES:
        return _NAMES[obligation_type]
    if not broader:
        return OTHER
    reached = set(broader)
    return next((name for iri, name in KNOWN_TYPES if iri in reached), OTHER)


def era_of(date: str, eras: Sequence[tuple[str, dt.date | None, dt.date | None]] = ERAS) -> str:
    try:
        day = dt.date.fromisoformat(date[:10])
    except ValueError:  # ill-typed dates only get here with --force
        return UNDATED
    for name, first, last in eras:
        if (first is None or day >= first) and (last is None or day <= last):
            return name
    return UNDATED


def invocations(engine: Engine, verdicts: Sequence, readings: Sequence) -> list[Invocation]:
    """Each verdict (computed with its readings) with its alliance, obligation type and responses.

    ``readings``: the readings in the data (``readings_in``), the manual's first; a reading that
    flips no verdict gives every request its status under the manual."""
    facts = {}
    for row in run_named_text(engine, "invocation-record"):  # text: no rdflib terms built
        facts[row["request"]] = row
    found = []
    for verdict in verdicts:
        row = facts.get(verdict.request)
        kind_iri = str(row["obligationType"]) if row is not None and row["obligationType"] is not None else ""
        broader = str(row["broaderTypes"] or "").split() if row is not None else []
        flips = {r.reading: r.status for r in verdict.readings}
        alliance = str(row["alliance"]) if row is not None and row["alliance"] is not None else ""
        label = (str(row["allianceShortName"] or row["allianceLabel"] or "") if row is not None else "") \
            or (alliance.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] if alliance else verdict.addressee_label)
        found.append(Invocation(
            request=verdict.request, date=verdict.date, requester_label=verdict.requester_label,
            addressee_label=verdict.addressee_label, alliance=alliance or verdict.addressee, alliance_label=label,
            obligation_type=kind_iri,
            obligation_type_label=str(row["obligationTypeLabel"] or "") if row is not None else "",
            kind=kind_of(kind_iri, broader), responses=int(row["responses"]) if row is not None else 0,
            statuses=tuple((r.iri, flips.get(r.iri, verdict.status)) for r in readings),
        ))
    return found


def _count(cases: Sequence[Invocation], reading: str) -> tuple[int, int, int, int, int]:
    counts = Counter("unmet, no response" if status == "unmet" and not c.responses else status
                     for c in cases for status in (c.status(reading),))
    return counts["met"], counts["unmet"], counts["unmet, no response"], counts["pending"], counts["not-triggered"]


def check_dimensions(by: Iterable[str]) -> tuple[str, ...]:
    """The grouping asked for, in table order; the obligation type is always one of them."""
    chosen = {d.strip() for d in by if d.strip()}
    unknown = sorted(chosen - set(DIMENSIONS))
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)} (choose from {', '.join(DIMENSIONS)})")
    return tuple(d for d in DIMENSIONS if d in chosen or d == "type")


def record_table(cases: Sequence[Invocation], readings: Sequence, by: Iterable[str] = ("alliance",)) -> list[RecordRow]:
    """The rows of the record: one per era (or span), group and reading, in table order.

    ``by``: "alliance", "era" or both (the obligation type is always a dimension). Without the era
    the rows fall in two spans: before 1945 and 1945-today. With the alliance, each span ends
    with a total per obligation type over all alliances (when it holds more than one)."""
    dims = check_dimensions(by)
    periods = ERAS if "era" in dims else SPANS
    order = {name: i for i, (name, _, _) in enumerate(periods)}
    order[UNDATED] = len(order)
    groups: dict[tuple[str, str, str], list[Invocation]] = {}
    labels = {}
    for case in cases:
        period = era_of(case.date, periods)
        alliance = case.alliance if "alliance" in dims else ALL_ALLIANCES
        labels[alliance] = case.alliance_label if alliance else ""
        groups.setdefault((period, alliance, case.kind), []).append(case)
        if "alliance" in dims:
            groups.setdefault((period, ALL_ALLIANCES, case.kind), []).append(case)
    if "alliance" in dims:  # a total over one alliance repeats that alliance's row
        for period in {p for p, _, _ in groups}:
            per_kind: dict[str, set[str]] = {}
            for p, alliance, kind in groups:
                if p == period and alliance:
                    per_kind.setdefault(kind, set()).add(alliance)
            for kind, alliances in per_kind.items():
                if len(alliances) < 2:
                    del groups[(period, ALL_ALLIANCES, kind)]
    labels[ALL_ALLIANCES] = "all alliances"

    def key(group):
        period, alliance, kind = group
        return (order[period], alliance == ALL_ALLIANCES, labels[alliance].casefold(), alliance,
                TYPE_ORDER.index(kind))

    rows = []
    for group in sorted(groups, key=key):
        period, alliance, kind = group
        for reading in readings:
            rows.append(RecordRow(period, alliance, labels[alliance], kind,
                                  reading.iri, reading.label, *_count(groups[group], reading.iri)))
    return rows


def under(rows: Sequence[RecordRow], reading: str) -> list[RecordRow]:
    """The rows of one reading."""
    return [r for r in rows if r.reading == reading]


def other_readings(rows: Sequence[RecordRow], row: RecordRow) -> list[RecordRow]:
    """The same group's rows under the readings that give another count of met or decided requests."""
    return [r for r in rows if (r.era, r.alliance, r.kind) == (row.era, row.alliance, row.kind)
            and r.reading != row.reading and (r.met, r.decided) != (row.met, row.decided)]


# ---------------------------------------------------------------- beside the published rates


# The Berkemeier-Fuhrmann subsets that match an obligation type of the record.
BF_SUBSETS = {
    "defence": str(CG.CollectiveDefence),
    "consultation": str(CG.Consultation),
    "offensive support": str(CG.OffensiveSupport),
    "neutrality": str(CG.Neutrality),
    "non-aggression": str(CG.NonAggression),
}
ALL_TYPES = "all obligation types"


@dataclass(frozen=True)
class ComparisonRow:
    kind: str  # a TYPE_ORDER name, or ALL_TYPES for the published headline rate
    met: int | None  # formal invocations 1945-2003 met; None for ALL_TYPES (never pooled)
    decided: int | None
    llm_honoured: int | None  # alliance-war observations 1945-2003, LLM coding (None: none in the data)
    llm_relevant: int | None
    bf_honoured: int | None
    bf_relevant: int | None

    @staticmethod
    def share(k: int | None, n: int | None) -> float | None:
        return k / n if k is not None and n else None


UNITS_SENTENCE = (
    "The units differ: Berkemeier and Fuhrmann count alliance-war dyads, one observation per alliance and "
    "Correlates of War interstate war, judged over the whole war (did the allies enter it?), and leave out "
    "wars that did not engage the alliance ('does not apply'); this record counts formal invocations, one "
    "appeal under one clause on one day, judged by whether the help that clause asks for began. A war nobody "
    "invoked a treaty for is in theirs and not here; an invocation outside an interstate war (an Article 4 "
    "consultation, a terrorist attack) is here and not in theirs."
)


def comparison(cases: Sequence[Invocation], reading: str, fulfilment_rows: Sequence) -> list[ComparisonRow]:
    """Formal invocations 1945-2003 per obligation type beside the Berkemeier-Fuhrmann rates of
    the same span (``fulfilment_rows``: ``rules.reliability.fulfilment_table`` for the period
    1945-2003, from whatever war observations the data holds)."""
    published: dict[tuple[str, str], tuple[int, int]] = {}
    for row in fulfilment_rows:
        published[(row.subset, row.coding)] = (row.honoured, row.relevant)
    span = [c for c in cases if era_of(c.date, (BF_SPAN,)) == BF_SPAN[0]]
    kinds = {c.kind for c in span} | {k for k, subset in BF_SUBSETS.items()
                                      if any(s == subset for s, _ in published)}
    rows = []
    for kind in sorted(kinds, key=TYPE_ORDER.index):
        chosen = [c for c in span if c.kind == kind]
        met, did_not_help, no_response, _, _ = _count(chosen, reading)
        llm = published.get((BF_SUBSETS.get(kind, ""), str(CG.LLMCoding)), (None, None))
        bf = published.get((BF_SUBSETS.get(kind, ""), str(CG.BFCoding)), (None, None))
        rows.append(ComparisonRow(kind, met, met + did_not_help + no_response, *llm, *bf))
    if published:
        rows.append(ComparisonRow(ALL_TYPES, None, None, *published.get(("all", str(CG.LLMCoding)), (None, None)),
                                  *published.get(("all", str(CG.BFCoding)), (None, None))))
    return rows

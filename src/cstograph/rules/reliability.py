"""The alliance-reliability report: the fulfilment table of Berkemeier and Fuhrmann (2018).

The counts come from ``queries/reliability/fulfilment-table.rq``; this module only orders the
rows as the paper does (``output/reliability_tables.py`` renders them). Pure: returns values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cstograph.engines.engine import Engine
from cstograph.engines.queries import run_named
from cstograph.namespaces import CG

ALL = "all"
PERIODS = (
    (str(CG.Period1816to1944), "1816-1944"),
    (str(CG.Period1945to2003), "1945-2003"),
)
SUBSETS = (
    (str(CG.CollectiveDefence), "Defense"),
    (str(CG.OffensiveSupport), "Offense"),
    (str(CG.Neutrality), "Neutrality"),
    (str(CG.NonAggression), "Non-aggression"),
    (str(CG.Consultation), "Consultation"),
    (str(CG.Bilateral), "Bilateral"),
    (str(CG.Multilateral), "Multilateral"),
)
STRICT_CODINGS = (str(CG.LLMCoding), str(CG.BFCoding))
LENIENT_CODINGS = (str(CG.LLMLenientCoding), str(CG.BFLenientCoding))
LENIENT_SUBSETS = (ALL, str(CG.Multilateral))  # the lenient coding only changes multilateral cases
CODING_NAMES = {
    str(CG.LLMCoding): "LLM",
    str(CG.BFCoding): "BF",
    str(CG.LLMLenientCoding): "LLM, lenient multilateral",
    str(CG.BFLenientCoding): "BF, lenient multilateral",
}


@dataclass(frozen=True)
class FulfilmentRow:
    period: str  # "all" or the IRI of a study period
    subset: str  # "all", an obligation type or an alliance form
    subset_label: str
    coding: str
    coding_label: str
    observations: int
    does_not_apply: int
    relevant: int
    honoured: int
    violated: int
    rate: float | None  # honoured / relevant


def period_by_label(label: str) -> str:
    """The IRI of a study period named as in the table ('1816-1944', '1945-2003')."""
    for iri, name in PERIODS:
        if label == name:
            return iri
    raise ValueError(f"unknown period {label!r} (periods: {', '.join(name for _, name in PERIODS)})")


def _layout(period: str) -> list[tuple[str, str, str]]:
    """(period, subset, label) of the rows to show, in the paper's order.

    The whole table (period "all") is the paper's: all cases, each era, then each obligation
    type and alliance form over both eras. One era's table repeats the layout within that era.
    """
    if period == ALL:
        return ([(ALL, ALL, "All cases")] + [(p, ALL, name) for p, name in PERIODS]
                + [(ALL, s, name) for s, name in SUBSETS])
    if period not in dict(PERIODS):
        raise ValueError(f"unknown period {period!r} (periods: {', '.join(iri for iri, _ in PERIODS)})")
    era = dict(PERIODS)[period]
    return [(period, ALL, era)] + [(period, s, f"{name}, {era}") for s, name in SUBSETS]


def fulfilment_table(engine: Engine, period: str = ALL) -> list[FulfilmentRow]:
    """The rows of the fulfilment table present in the data, in the paper's order.

    ``period`` is "all" (the paper's table) or a period IRI from PERIODS (that era only).
    """
    found = {}
    for record in run_named(engine, "fulfilment-table").records():
        key = (str(record["period"]), str(record["subset"]), str(record["coding"]))
        rate = record["rate"]
        found[key] = (
            int(record["observations"].toPython()),
            int(record["doesNotApply"].toPython()),
            int(record["relevant"].toPython()),
            int(record["honoured"].toPython()),
            int(record["violated"].toPython()),
            None if rate is None else float(rate.toPython()),
        )
    rows = []
    for row_period, subset, label in _layout(period):
        lenient = subset in LENIENT_SUBSETS and (row_period == ALL or period != ALL)
        for coding in STRICT_CODINGS + (LENIENT_CODINGS if lenient else ()):
            counts = found.get((row_period, subset, coding))
            if counts is not None:
                rows.append(FulfilmentRow(row_period, subset, label, coding, CODING_NAMES[coding], *counts))
    return rows


CITATION = (
    "Data: Berkemeier and Fuhrmann (2018), Reassessing the fulfillment of alliance commitments in war, "
    "Research & Politics. LLM = coding rules of Leeds, Long and Mitchell (2000); BF = the authors' coding; "
    "lenient = a multilateral alliance counts as honoured when one ally helped."
)


# ---------------------------------------------------------------- this project's verdicts under each reading


@dataclass(frozen=True)
class ReadingShare:
    reading: str  # IRI; "" for the coding manual itself
    label: str
    triggered: int  # requests met, unmet or pending under the reading
    met: int
    share: float | None  # met / triggered


def reading_shares(verdicts: Sequence, readings: Sequence) -> list[ReadingShare]:
    """The share of triggered requests that were met under the coding manual and under each
    reading (``verdicts`` computed with their readings; ``readings`` from ``readings_in``)."""
    shares = []
    for reading in readings:
        statuses = [next((r.status for r in v.readings if r.reading == reading.iri), v.status) for v in verdicts]
        triggered = sum(s != "not-triggered" for s in statuses)
        met = statuses.count("met")
        shares.append(ReadingShare(reading.iri, reading.label, triggered, met, met / triggered if triggered else None))
    return shares

"""Concordance: this project's verdict on a request beside the published codings of the same
alliance in the same war (Leeds, Long and Mitchell 2000; Berkemeier and Fuhrmann 2018).

``queries/reliability/concordance.rq`` matches each request with the alliance-war observations
(cg:WarOccasion) of the same ATOP id and Correlates of War war; this module puts the verdict of
the rules beside them and says whether they agree. The two are different units (a request asks
for help once; an observation judges an alliance over a whole war), so a disagreement is a
finding to explain (docs/concordance.md), not an error by itself. Pure: returns values and strings
(``output/concordance_table.py`` renders the rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cstograph.engines.data import Data, Viewpoint
from cstograph.engines.queries import run_named_text
from cstograph.namespaces import CG

# the published verdict that corresponds to each status of the rules
PUBLISHED_EQUIVALENT = {"met": "honoured", "unmet": "violated", "not-triggered": "does-not-apply"}
VERDICT_NAMES = {
    str(CG.Honoured): "honoured",
    str(CG.Violated): "violated",
    str(CG.DoesNotApply): "does-not-apply",
}


@dataclass(frozen=True)
class ConcordanceRow:
    request: str
    date: str
    requester_label: str
    addressee_label: str
    obligation_label: str
    status: str  # this project's verdict (the rules, on the chosen viewpoint)
    atop_id: int
    cow_war: int
    war: str
    war_label: str
    occasion: str
    source_record: str  # FILE:row N of the observation in the published file
    llm: str  # honoured, violated, does-not-apply; "" when not coded
    bf: str
    llm_lenient: str
    bf_lenient: str
    readings: tuple = ()  # rules.classify.ReadingVerdict: the readings of the manual that give another status

    @property
    def agrees_with_llm(self) -> bool | None:
        return verdicts_agree(self.status, self.llm)

    @property
    def agrees_with_bf(self) -> bool | None:
        return verdicts_agree(self.status, self.bf)

    def readings_agreeing_with(self, published: str) -> tuple[str, ...]:
        """The labels of the readings under which this project's verdict is the published one
        (where the default reading's is not): 'entering the war honours a defence pact'."""
        if verdicts_agree(self.status, published) is not False:
            return ()
        return tuple(r.label for r in self.readings if verdicts_agree(r.status, published))


def verdicts_agree(status: str, published: str) -> bool | None:
    """None when there is nothing to compare (no published verdict, or a status such as pending)."""
    if not published or status not in PUBLISHED_EQUIVALENT:
        return None
    return PUBLISHED_EQUIVALENT[status] == published


def concordance(data: Data, viewpoint: Viewpoint = Viewpoint(), verdicts=None) -> list[ConcordanceRow]:
    """One row per request and matching observation, by date, request, ATOP id and war;
    ``verdicts``: the viewpoint's verdicts with their readings when the caller holds them."""
    # deferred to the first call: keeps cstograph.rules.verdicts out of importing cstograph.rules.concordance
    from cstograph.rules.verdicts import verdicts as classified

    engine = data.view(viewpoint)
    matches = run_named_text(engine, "concordance")
    if not matches:
        return []
    wanted = {m["request"] for m in matches}
    held = verdicts if verdicts is not None else classified(data, viewpoint, with_readings=True)
    by_request = {v.request: v for v in held if v.request in wanted}
    rows = []
    for m in matches:
        verdict = by_request.get(m["request"])
        if verdict is None:  # a request the rules do not classify (only with --force on broken data)
            continue
        rows.append(ConcordanceRow(
            request=m["request"], date=verdict.date, requester_label=verdict.requester_label,
            addressee_label=verdict.addressee_label, obligation_label=verdict.obligation_label,
            status=verdict.status, atop_id=int(m["atopId"]), cow_war=int(m["cowWar"]), war=m["war"],
            war_label=m["warLabel"] or m["war"], occasion=m["occasion"], source_record=m["sourceRecord"] or "",
            llm=VERDICT_NAMES.get(m["llm"] or "", ""), bf=VERDICT_NAMES.get(m["bf"] or "", ""),
            llm_lenient=VERDICT_NAMES.get(m["llmLenient"] or "", ""),
            bf_lenient=VERDICT_NAMES.get(m["bfLenient"] or "", ""), readings=verdict.readings,
        ))
    return rows


def agreement(rows: Sequence[ConcordanceRow]) -> dict[str, int]:
    """How many rows agree with each strict coding, and how many could be compared."""
    return {
        "rows": len(rows),
        "agreeWithLLM": sum(1 for r in rows if r.agrees_with_llm),
        "comparedWithLLM": sum(1 for r in rows if r.agrees_with_llm is not None),
        "agreeWithBF": sum(1 for r in rows if r.agrees_with_bf),
        "comparedWithBF": sum(1 for r in rows if r.agrees_with_bf is not None),
    }


def summary_text(rows: Sequence[ConcordanceRow]) -> str:
    counts = agreement(rows)
    return (f"{counts['rows']} request-war rows: this project's verdict agrees with the LLM coding in "
            f"{counts['agreeWithLLM']} of {counts['comparedWithLLM']} and with the BF coding in "
            f"{counts['agreeWithBF']} of {counts['comparedWithBF']}.")


CITATION = (
    "Published codings: Berkemeier and Fuhrmann (2018), Reassessing the fulfillment of alliance commitments in war, "
    "Research & Politics (replication data); LLM = their replication of the coding rules of Leeds, Long and "
    "Mitchell (2000); lenient = a multilateral alliance counts as honoured when one ally helped. Why each row "
    "differs: docs/concordance.md."
)


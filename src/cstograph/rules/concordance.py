"""Concordance: this project's verdict on a request beside the published codings of the same
alliance in the same war (Leeds, Long and Mitchell 2000; Berkemeier and Fuhrmann 2018).

``queries/reliability/concordance.rq`` matches each request with the alliance-war observations
(cg:WarOccasion) of the same ATOP id and Correlates of War war; this module puts the verdict of
the rules beside them and says whether they agree. The two are different units (a request asks
for help once; an observation judges an alliance over a whole war), so a disagreement is a
finding to explain (docs/concordance.md), not an error by itself. Pure: returns values and strings.
"""

from __future__ import annotations

import json
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
        return _agrees(self.status, self.llm)

    @property
    def agrees_with_bf(self) -> bool | None:
        return _agrees(self.status, self.bf)

    def readings_agreeing_with(self, published: str) -> tuple[str, ...]:
        """The labels of the readings under which this project's verdict is the published one
        (where the default reading's is not): 'entering the war honours a defence pact'."""
        if _agrees(self.status, published) is not False:
            return ()
        return tuple(r.label for r in self.readings if _agrees(r.status, published))


def _agrees(status: str, published: str) -> bool | None:
    """None when there is nothing to compare (no published verdict, or a status such as pending)."""
    if not published or status not in PUBLISHED_EQUIVALENT:
        return None
    return PUBLISHED_EQUIVALENT[status] == published


def concordance(data: Data, viewpoint: Viewpoint = Viewpoint(), verdicts=None) -> list[ConcordanceRow]:
    """One row per request and matching observation, by date, request, ATOP id and war;
    ``verdicts``: the viewpoint's verdicts with their readings when the caller holds them."""
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

COLUMNS = ("Date", "Request", "ATOP", "War", "cstograph", "LLM", "BF", "LLM lenient", "BF lenient",
           "Readings that give LLM's verdict")
JSON_KEYS = ("request", "date", "requesterLabel", "addresseeLabel", "obligationLabel", "status", "atopId", "cowWar",
             "war", "warLabel", "occasion", "sourceRecord", "llm", "bf", "llmLenient", "bfLenient")
CSV_EXTRA = ("agreesWithLLM", "agreesWithBF", "readingsGivingLLM", "readingsGivingBF")


def _fields(r: ConcordanceRow) -> list:
    """The values of JSON_KEYS, in order."""
    return [getattr(r, name) for name in ("request", "date", "requester_label", "addressee_label", "obligation_label",
                                           "status", "atop_id", "cow_war", "war", "war_label", "occasion",
                                           "source_record", "llm", "bf", "llm_lenient", "bf_lenient")]


def _mark(status: str, published: str) -> str:
    """A published verdict, starred when it differs from this project's."""
    agrees = _agrees(status, published)
    return published + (" *" if agrees is False else "")


def table_rows(rows: Sequence[ConcordanceRow]) -> list[list[str]]:
    return [
        [r.date, f"{r.requester_label} → {r.addressee_label}", str(r.atop_id), f"{r.war_label} (COW {r.cow_war})", r.status, _mark(r.status, r.llm), _mark(r.status, r.bf),
         _mark(r.status, r.llm_lenient), _mark(r.status, r.bf_lenient), "; ".join(r.readings_agreeing_with(r.llm))]
        for r in rows
    ]


def render_concordance(rows: Sequence[ConcordanceRow], fmt: str, *, color: bool = False,
                       width: int | None = None) -> str:
    from cstograph.output.render import render_csv, render_markdown, render_table

    if fmt == "json":
        records = [{**dict(zip(JSON_KEYS, _fields(r))), "agreesWithLLM": r.agrees_with_llm,
                    "agreesWithBF": r.agrees_with_bf,
                    "readings": [{"reading": x.reading, "label": x.label, "status": x.status} for x in r.readings],
                    "readingsGivingLLM": list(r.readings_agreeing_with(r.llm)),
                    "readingsGivingBF": list(r.readings_agreeing_with(r.bf))} for r in rows]
        return json.dumps({"rows": records, "agreement": agreement(rows)}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv([*JSON_KEYS, *CSV_EXTRA],
                          [[*(str(v) for v in _fields(r)),
                            "" if r.agrees_with_llm is None else str(r.agrees_with_llm).lower(),
                            "" if r.agrees_with_bf is None else str(r.agrees_with_bf).lower(),
                            "; ".join(r.readings_agreeing_with(r.llm)), "; ".join(r.readings_agreeing_with(r.bf))]
                           for r in rows])
    if fmt == "markdown":
        return render_markdown(COLUMNS, table_rows(rows))
    return render_table(COLUMNS, table_rows(rows), title="This project's verdicts beside the published codings",
                        color=color, width=width)

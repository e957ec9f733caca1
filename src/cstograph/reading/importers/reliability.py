"""Import the alliance-war observations of Berkemeier and Fuhrmann (2018) into a graph.

Each observation (one alliance in one war) becomes a cg:WarOccasion: the war is the occasion
on which the alliance's obligations might apply, with no formal request. Its verdicts under
the study's codings become cg:FulfilmentAssessment nodes: LLM and BF (does not apply,
honoured, violated) and their lenient multilateral variants (one ally helping suffices).
Wars become cg:War events (with cg:cowWarNumber, the Correlates of War number the file gives);
the occasion links to the ATOP alliance of the same atopid. ``only_atop`` keeps the observations
of a few alliances (the bundled graphs/published-codings.ttl holds those of the bundled alliances).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from cstograph.reading.importers import turtle as t
from cstograph.reading.importers.atop import DATA, ImportDataError, _int, _read_csv, alliance_iri
from cstograph.reading.importers.stata import read_dta

SOURCE = DATA + "source-bf2018"
LLM_SOURCE = DATA + "source-llm2000"
RIGHTS = ("Terms of the publisher of the replication data. The codings of the imported rows are reproduced "
          "with their row numbers (cg:sourceRecord) for research; cite the authors.")
REQUIRED = (
    "sample", "warid", "atopid", "warname", "multilateral",
    "dnaLLM", "honorLLM", "violateLLM", "dnaBF", "honorBF", "violateBF",
    "sabroskyhonorllm", "sabroskyhonorbf", "defense", "offense", "neutral", "nonagg", "consul",
)
FLAG_TYPES = {
    "defense": "CollectiveDefence",
    "offense": "OffensiveSupport",
    "neutral": "Neutrality",
    "nonagg": "NonAggression",
    "consul": "Consultation",
}
# coding concept -> (suffix of the strict columns, lenient column or None)
CODINGS = {
    "LLMCoding": ("LLM", None),
    "BFCoding": ("BF", None),
    "LLMLenientCoding": ("LLM", "sabroskyhonorllm"),
    "BFLenientCoding": ("BF", "sabroskyhonorbf"),
}
# Wars whose names in the data carry no years (Correlates of War inter-state war list).
NAMED_WAR_YEARS = {"WorldWarI": (1914, 1918), "WorldWarII": (1939, 1945)}
_YEARS = re.compile(r"(\d{4})(?:\s*-\s*(\d{2,4}))?")


@dataclass(frozen=True)
class ImportResult:
    text: str
    triples: int
    counts: dict[str, int]


def war_years(name: str) -> tuple[int, int] | None:
    """(first, last) year of a war from its name in the data: 'Azeri-Armenian_1993-94' -> (1993, 1994)."""
    if name in NAMED_WAR_YEARS:
        return NAMED_WAR_YEARS[name]
    match = _YEARS.search(name)
    if not match:
        return None
    first = int(match.group(1))
    last_raw = match.group(2)
    if last_raw is None:
        return first, first
    last = int(last_raw) if len(last_raw) == 4 else (first // 100) * 100 + int(last_raw)
    if last < first:  # '1998-01' style across a century
        last += 100
    return first, last


def war_label(name: str) -> str:
    """'Azeri-Armenian_1993-94' -> 'Azeri-Armenian 1993-94'; 'WorldWarII' -> 'World War II'."""
    text = name.replace("_", " ")
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", text)
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return " ".join(text.split())


def _flag(value) -> bool:
    return value is not None and value == 1


def verdict(row: dict, coding: str, *, where: str) -> str:
    """The verdict concept's local name for one coding of one observation."""
    suffix, lenient = CODINGS[coding]
    dna, honour, violate = _flag(row["dna" + suffix]), _flag(row["honor" + suffix]), _flag(row["violate" + suffix])
    if dna + honour + violate != 1:
        raise ImportDataError(
            f"{where}: the {suffix} coding is not exactly one of dna{suffix}, honor{suffix}, violate{suffix}"
        )
    if lenient is not None and _flag(row[lenient]):
        return "Honoured"
    return "DoesNotApply" if dna else ("Honoured" if honour else "Violated")


def atop_ids(alliance_csv: Path) -> set[int]:
    """The atopids of an ATOP alliance-level CSV file."""
    return {_int(alliance_csv, line, row, "atopid") for line, row in _read_csv(Path(alliance_csv), ("atopid",))}


def import_reliability(
    path: Path,
    *,
    atop_alliance_csv: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    only_atop: Collection[int] | None = None,
) -> ImportResult:
    """Read the replication file; with ``atop_alliance_csv``, link only to alliances present in it;
    with ``only_atop``, keep only the observations of these atopids (row numbers stay the file's)."""
    path = Path(path)
    table = read_dta(path)
    known = atop_ids(atop_alliance_csv) if atop_alliance_csv is not None else None
    missing = [c for c in REQUIRED if c not in table.variables]
    if missing:
        raise ImportDataError(
            f"{path}: missing variable(s) {', '.join(missing)}",
            hint="expected the Berkemeier-Fuhrmann replication file (BerkemeierFuhrmannRAP2018_0303.dta)",
        )
    w = t.TurtleWriter()
    source = t.iri(SOURCE)
    w.add_all(source, [
        ("a", t.cg("Source")),
        ("dcterms:title", t.string("Replication data of Berkemeier and Fuhrmann (2018), Reassessing the fulfillment of alliance commitments in war")),
        ("dcterms:creator", t.string("Molly Berkemeier and Matthew Fuhrmann")),
        ("dcterms:bibliographicCitation", t.string(
            "Berkemeier, M. and Fuhrmann, M. (2018), \"Reassessing the fulfillment of alliance commitments in war\", "
            "Research & Politics 5(2)")),
        ("foaf:page", t.iri("https://doi.org/10.1177/2053168018769375")),
        ("dcterms:issued", '"2018"^^xsd:gYear'),
        ("dcterms:rights", t.string(RIGHTS, "en")),
    ])
    w.add_all(t.iri(LLM_SOURCE), [
        ("a", t.cg("Source")),
        ("dcterms:title", t.string("Replication data for: Reevaluating Alliance Reliability: Specific Threats, Specific Promises")),
        ("dcterms:creator", t.string("Brett Ashley Leeds, Andrew G. Long and Sara McLaughlin Mitchell")),
        ("dcterms:publisher", t.string("Harvard Dataverse")),
        ("foaf:page", t.iri("https://doi.org/10.7910/DVN/55VDFM")),
        ("dcterms:issued", '"2000"^^xsd:gYear'),
        ("dcterms:rights", t.string(RIGHTS, "en")),
        ("rdfs:comment", t.string(
            "The coding rules of Leeds, Long and Mitchell (2000) that Berkemeier and Fuhrmann replicate in the "
            "LLM columns of their file; the LLM verdicts themselves are read from that file.")),
    ])
    wars: dict[int, str] = {}
    total = len(table.rows)
    wanted = None if only_atop is None else {int(a) for a in only_atop}
    kept = 0
    for number, row in enumerate(table.rows, start=1):
        where = f"{path}: row {number}"
        warid, atopid, name = row["warid"], row["atopid"], str(row["warname"] or "").strip()
        if warid is None or atopid is None or not name:
            raise ImportDataError(f"{where}: warid, atopid and warname are required")
        warid, atopid = int(warid), int(atopid)
        if wanted is not None and atopid not in wanted:
            continue
        kept += 1
        war = t.iri(f"{DATA}bf2018-war-{warid}")
        if warid not in wars:
            years = war_years(name)
            if years is None:
                raise ImportDataError(f"{where}: cannot tell the years of war {name!r} from its name")
            wars[warid] = name
            pairs = [
                ("a", t.cg("War")),
                ("rdfs:label", t.string(war_label(name))),
                (t.cg("startDate"), t.date(dt.date(years[0], 1, 1))),
                (t.cg("endDate"), t.date(dt.date(years[1], 12, 31))),
                ("skos:note", t.string("The replication data give the war's years only: the dates are the first day of the first year and the last day of the last year.")),
                ("dcterms:source", source),
                (t.cg("sourceRecord"), t.string(f"{path.name}:row {number}")),
            ]
            if row.get("cowwarid") is not None:
                pairs.append(("dcterms:identifier", t.string(f"COW inter-state war {int(row['cowwarid'])}")))
                pairs.append((t.cg("cowWarNumber"), t.integer(int(row["cowwarid"]))))
            w.add_all(war, pairs)
        elif wars[warid] != name:
            raise ImportDataError(f"{where}: warid {warid} is named {name!r} here but {wars[warid]!r} before")
        if row["sample"] not in (0, 1) or row["multilateral"] not in (0, 1):
            raise ImportDataError(f"{where}: sample and multilateral must be 0 or 1")
        occasion_iri = f"{DATA}bf2018-obs-{number}"
        occasion = t.iri(occasion_iri)
        pairs = [
            ("a", t.cg("WarOccasion")),
            ("rdfs:label", t.string(f"ATOP {atopid} in the {war_label(name)} war")),
            (t.cg("war"), war),
            (t.cg("atopId"), t.integer(atopid)),
            (t.cg("period"), t.cg("Period1816to1944" if row["sample"] == 1 else "Period1945to2003")),
            (t.cg("allianceForm"), t.cg("Multilateral" if row["multilateral"] == 1 else "Bilateral")),
            ("dcterms:source", source),
            (t.cg("sourceRecord"), t.string(f"{path.name}:row {number}")),
        ]
        if known is None or atopid in known:
            pairs.append((t.cg("occasionAlliance"), t.iri(alliance_iri(atopid))))
        pairs += [(t.cg("engagesObligationType"), t.cg(concept)) for flag, concept in FLAG_TYPES.items() if _flag(row[flag])]
        for coding in CODINGS:
            assessment = t.iri(f"{occasion_iri}-{coding}")
            pairs.append((t.cg("assessment"), assessment))
            w.add_all(assessment, [
                ("a", t.cg("FulfilmentAssessment")),
                (t.cg("codingRules"), t.cg(coding)),
                (t.cg("verdict"), t.cg(verdict(row, coding, where=where))),
                ("dcterms:source", source),
                *([("dcterms:source", t.iri(LLM_SOURCE))] if coding.startswith("LLM") else []),
                (t.cg("sourceRecord"), t.string(f"{path.name}:row {number}")),
            ])
        w.add_all(occasion, pairs)
        if on_progress and number % 100 == 0:
            on_progress(number, total)
    if on_progress:
        on_progress(total, total)
    only = "" if wanted is None else " --only-atop " + ",".join(str(a) for a in sorted(wanted))
    header = (
        f"cstograph import reliability {path.name}{only}\n"
        "Data: Berkemeier and Fuhrmann (2018), Reassessing the fulfillment of alliance commitments in war,\n"
        "Research & Politics, doi:10.1177/2053168018769375 (replication file)."
    )
    text = w.text(header)
    ids = {int(r["atopid"]) for r in table.rows if wanted is None or int(r["atopid"]) in wanted}
    counts = {"observations": kept, "wars": len(wars), "alliances": len(ids)}
    if known is not None:
        counts["alliances linked to ATOP"] = len(ids & known)
    return ImportResult(text=text, triples=w.triple_count(), counts=counts)

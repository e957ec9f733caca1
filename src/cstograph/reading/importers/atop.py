"""Import the ATOP alliance- and member-level CSV files (version 4.01 layout) into a graph.

One cg:Alliance and one cg:Treaty per atopid; one cg:Membership per member and run of
contiguous phase rows with the same obligations (a new membership starts where a member's
obligations change between phases, or after a gap); one cg:Obligation per alliance,
obligation type and set of conditions, which each membership cg:undertakes; states from the
shipped Correlates of War table. Every membership, alliance and treaty carries
dcterms:source (the ATOP release) and cg:sourceRecord (FILE:LINE of the rows it came from).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from cstograph.errors import ImportDataError
from cstograph.reading.importers import turtle as t

DATA = "https://w3id.org/cstograph/data/"
WIKIDATA = "http://www.wikidata.org/entity/"
SOURCE = DATA + "source-atop"



# obligation flag -> (ontology concept, trigger condition, ATOP prefix of the condition columns)
OBLIGATIONS = {
    "defense": ("CollectiveDefence", "ArmedAttackOnMemberTerritory", "def"),
    "offense": ("OffensiveSupport", "MemberAtWar", "off"),
    "neutral": ("Neutrality", "MemberAtWar", "neu"),
    "nonagg": ("NonAggression", "ConflictBetweenMembers", None),
    "consul": ("Consultation", "ThreatToMember", "con"),
}
# condition column suffix -> concept; which suffixes exist for which prefix
CONDITIONS = {
    "coadv": "SpecificAdversary",
    "coloc": "SpecificLocation",
    "cocon": "SpecificConflict",
    "conum": "NumberOfAdversaries",
    "codem": "NonComplianceWithDemand",
    "conpr": "NonProvocation",
    "coatt": "PartnerAttacked",
    "coreq": "OnlyOnRequest",
}
CONDITION_COLUMNS = {
    "def": ("coadv", "coloc", "cocon", "conum", "codem", "conpr"),
    "off": ("coadv", "coloc", "cocon", "conum", "codem"),
    "neu": ("coadv", "coloc", "cocon", "conum", "codem", "conpr", "coatt"),
    "con": ("coadv", "coloc", "cocon", "coreq"),
}
TYPE_WORDS = {
    "defense": "collective defence",
    "offense": "offensive support",
    "neutral": "neutrality",
    "nonagg": "non-aggression",
    "consul": "consultation",
}
ALLIANCE_COLUMNS = ("atopid", "begyr", "begmo", "begday", "bilat")
MEMBER_COLUMNS = (
    ("atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit", "phase")
    + tuple(OBLIGATIONS)
    + tuple(prefix + suffix for prefix, suffixes in CONDITION_COLUMNS.items() for suffix in suffixes)
)


@dataclass(frozen=True)
class CowState:
    code: int
    name: str
    wikidata: str | None


@cache
def cow_states() -> dict[int, CowState]:
    """The shipped Correlates of War state table (code, name, Wikidata id)."""
    text = resources.files("cstograph.reading.importers").joinpath("cow_states.csv").read_text(encoding="utf-8")
    states = {}
    for row in csv.DictReader(text.splitlines()):
        code = int(row["ccode"])
        states[code] = CowState(code, row["name"], row["wikidata"] or None)
    return states


def state_iri(code: int) -> str:
    return f"{DATA}cow-{code}"


def alliance_iri(atopid: int) -> str:
    return f"{DATA}atop-{atopid}"


def treaty_iri(atopid: int) -> str:
    return f"{DATA}atop-{atopid}-treaty"


@dataclass(frozen=True)
class ObligationKey:
    atopid: int
    flag: str
    conditions: tuple[str, ...]  # condition column suffixes, sorted

    def iri(self) -> str:
        tail = "".join("-" + c for c in self.conditions)
        return f"{DATA}atop-{self.atopid}-{self.flag}{tail}"


@dataclass
class MemberRow:
    line: int
    atopid: int
    member: int
    start: dt.date
    end: dt.date | None
    phase: int
    obligations: tuple[ObligationKey, ...]


@dataclass
class Run:
    """Contiguous member rows with the same obligations: one cg:Membership."""

    rows: list[MemberRow]
    start: dt.date
    end: dt.date | None  # None: still a member at the end of the data


@dataclass(frozen=True)
class ImportResult:
    text: str
    triples: int
    counts: dict[str, int]


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ImportDataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportDataError(
                    f"{path}: line 1: missing column(s) {', '.join(missing)}",
                    hint="expected the ATOP 4.01 CSV layout (atop-alliance-level.csv / atop-member-level.csv)",
                )
            return [(number, row) for number, row in enumerate(reader, start=2)]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportDataError(f"{path}: not a readable CSV file: {exc}") from exc


def _int(path: Path, line: int, row: dict[str, str], column: str) -> int:
    raw = (row.get(column) or "").strip()
    if raw == "":
        return 0
    try:
        return int(float(raw)) if "." in raw else int(raw)
    except (ValueError, OverflowError):  # OverflowError: "1e999" is an infinite float
        raise ImportDataError(f"{path}: line {line}: column {column}: {raw!r} is not a number") from None


def _date(path: Path, line: int, year: int, month: int, day: int, what: str, *, end: bool) -> dt.date | None:
    """ATOP dates: year 0 means none; an unknown month or day (0) becomes the first or last one."""
    if year == 0:
        return None
    if not 1 <= year <= 9999 or not 0 <= month <= 12:  # datetime's range; a 20-digit year is a typo
        raise ImportDataError(f"{path}: line {line}: {what} {year}-{month}-{day} is not a valid date")
    if month == 0:
        month = 12 if end else 1
    if day == 0:
        day = calendar.monthrange(year, month)[1] if end else 1
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):  # OverflowError: a day past the C int range
        raise ImportDataError(f"{path}: line {line}: {what} {year}-{month}-{day} is not a valid date") from None


def _member_row(path: Path, line: int, row: dict[str, str]) -> MemberRow:
    get = lambda column: _int(path, line, row, column)  # noqa: E731
    atopid, member = get("atopid"), get("member")
    start = _date(path, line, get("yrent"), get("moent"), get("dayent"), "entry date", end=False)
    if start is None:
        raise ImportDataError(f"{path}: line {line}: member {member} of alliance {atopid} has no entry year (yrent)")
    end = _date(path, line, get("yrexit"), get("moexit"), get("dayexit"), "exit date", end=True)
    if end is not None and end < start:
        raise ImportDataError(f"{path}: line {line}: exit date {end} is before entry date {start}")
    obligations = []
    for flag, (_, _, prefix) in OBLIGATIONS.items():
        if get(flag):
            conditions = tuple(sorted(s for s in CONDITION_COLUMNS.get(prefix, ()) if get(prefix + s))) if prefix else ()
            obligations.append(ObligationKey(atopid, flag, conditions))
    return MemberRow(line, atopid, member, start, end, get("phase"), tuple(obligations))


def _runs(rows: list[MemberRow]) -> list[Run]:
    """Merge a member's rows of one alliance into runs of contiguous rows with equal obligations."""
    runs: list[Run] = []
    for row in sorted(rows, key=lambda r: (r.start, r.phase, r.line)):
        current = runs[-1] if runs else None
        if (
            current is not None
            and current.rows[-1].obligations == row.obligations
            and (current.end is None or row.start <= current.end + dt.timedelta(days=1))
        ):
            current.rows.append(row)
            current.end = None if current.end is None or row.end is None else max(current.end, row.end)
        else:
            runs.append(Run([row], row.start, row.end))
    return runs


def _state_label(code: int) -> str:
    state = cow_states().get(code)
    return state.name if state else f"state with COW code {code}"


def import_atop(
    alliance_csv: Path,
    member_csv: Path,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read both ATOP files and return the graph as Turtle text."""
    alliance_csv, member_csv = Path(alliance_csv), Path(member_csv)
    alliance_rows = _read_csv(alliance_csv, ALLIANCE_COLUMNS)
    member_rows = _read_csv(member_csv, MEMBER_COLUMNS)
    total = len(alliance_rows) + len(member_rows)
    done = 0

    alliances: dict[int, tuple[int, dict[str, str]]] = {}
    for line, row in alliance_rows:
        atopid = _int(alliance_csv, line, row, "atopid")
        if atopid <= 0:  # an empty cell reads as 0
            raise ImportDataError(f"{alliance_csv}: line {line}: column atopid: {row.get('atopid', '')!r} is not an ATOP id")
        if atopid in alliances:
            raise ImportDataError(f"{alliance_csv}: line {line}: atopid {atopid} appears twice (first on line {alliances[atopid][0]})")
        alliances[atopid] = (line, row)

    by_pair: dict[tuple[int, int], list[MemberRow]] = {}
    for line, row in member_rows:
        parsed = _member_row(member_csv, line, row)
        if parsed.atopid not in alliances:
            raise ImportDataError(
                f"{member_csv}: line {line}: atopid {parsed.atopid} is not in {alliance_csv.name}",
                hint="pass the alliance-level and member-level files of the same ATOP release",
            )
        by_pair.setdefault((parsed.atopid, parsed.member), []).append(parsed)
        done += 1
        if on_progress and done % 250 == 0:
            on_progress(done, total)

    w = t.TurtleWriter()
    source = t.iri(SOURCE)
    w.add_all(source, [
        ("a", t.cg("Source")),
        ("dcterms:title", t.string("Alliance Treaty Obligations and Provisions (ATOP), version 4.01")),
        ("dcterms:creator", t.string("Brett Ashley Leeds, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long")),
        ("dcterms:bibliographicCitation", t.string(
            "Leeds, Ritter, Mitchell and Long (2002), \"Alliance Treaty Obligations and Provisions, 1815-1944\", "
            "International Interactions 28: 237-260")),
        ("foaf:page", t.iri("http://www.atopdata.org/")),
    ])

    members_of: dict[int, list[int]] = {}
    for atopid, member in by_pair:
        members_of.setdefault(atopid, []).append(member)
    states_used: set[int] = set()
    obligations: set[ObligationKey] = set()
    membership_count = 0

    for atopid, (line, row) in sorted(alliances.items()):
        alliance = t.iri(alliance_iri(atopid))
        treaty = t.iri(treaty_iri(atopid))
        begin = _date(alliance_csv, line, _int(alliance_csv, line, row, "begyr"), _int(alliance_csv, line, row, "begmo"),
                      _int(alliance_csv, line, row, "begday"), "begin date", end=False)
        members = sorted(members_of.get(atopid, []), key=lambda m: min(r.start for r in by_pair[(atopid, m)]))
        names = [_state_label(m) for m in members]
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} others" if len(names) > 4 else "")
        year = f" ({begin.year})" if begin else ""
        bilateral = _int(alliance_csv, line, row, "bilat") == 1
        w.add_all(alliance, [
            ("a", t.cg("Alliance")),
            ("rdfs:label", t.string(f"ATOP {atopid}: {shown}{year}" if shown else f"ATOP {atopid}{year}")),
            (t.cg("atopId"), t.integer(atopid)),
            (t.cg("allianceForm"), t.cg("Bilateral" if bilateral else "Multilateral")),
            (t.cg("foundedOn"), treaty),
            ("dcterms:source", source),
            (t.cg("sourceRecord"), t.string(f"{alliance_csv.name}:{line}")),
        ])
        w.add_all(treaty, [
            ("a", t.cg("Treaty")),
            ("rdfs:label", t.string(f"Treaty of ATOP alliance {atopid}" + (f" (ATOP begin date {begin.isoformat()})" if begin else ""))),
            (t.cg("atopId"), t.integer(atopid)),
            ("dcterms:source", source),
            (t.cg("sourceRecord"), t.string(f"{alliance_csv.name}:{line}")),
        ])
        done += 1

    for (atopid, member), rows in sorted(by_pair.items()):
        states_used.add(member)
        for index, run in enumerate(_runs(rows), start=1):
            membership_count += 1
            node = t.iri(f"{DATA}atop-{atopid}-member-{member}-{index}")
            pairs = [
                ("a", t.cg("Membership")),
                (t.cg("member"), t.iri(state_iri(member))),
                (t.cg("alliance"), t.iri(alliance_iri(atopid))),
                (t.cg("startDate"), t.date(run.start)),
                ("dcterms:source", source),
            ]
            if run.end is not None:
                pairs.append((t.cg("endDate"), t.date(run.end)))
            for row in run.rows:
                pairs.append((t.cg("sourceRecord"), t.string(f"{member_csv.name}:{row.line}")))
                if row.phase:
                    pairs.append((t.cg("phase"), t.integer(row.phase)))
            for key in run.rows[0].obligations:
                obligations.add(key)
                pairs.append((t.cg("undertakes"), t.iri(key.iri())))
            w.add_all(node, pairs)

    for key in sorted(obligations, key=lambda k: (k.atopid, k.flag, k.conditions)):
        concept, trigger, _ = OBLIGATIONS[key.flag]
        words = TYPE_WORDS[key.flag]
        condition_words = ", ".join(CONDITIONS[c] for c in key.conditions)
        label = f"ATOP {key.atopid}: {words}" + (f" (conditions: {condition_words})" if key.conditions else " (unconditional)")
        pairs = [
            ("a", t.cg("Obligation")),
            ("rdfs:label", t.string(label)),
            (t.cg("inTreaty"), t.iri(treaty_iri(key.atopid))),
            (t.cg("article"), t.string(f"ATOP {key.flag} clause")),
            (t.cg("obligationType"), t.cg(concept)),
            (t.cg("triggerCondition"), t.cg(trigger)),
        ]
        pairs += [(t.cg("hasCondition"), t.cg(CONDITIONS[c])) for c in key.conditions]
        w.add_all(t.iri(key.iri()), pairs)

    table = cow_states()
    for code in sorted(states_used):
        state = table.get(code)
        pairs = [
            ("a", t.cg("State")),
            ("rdfs:label", t.string(_state_label(code))),
            (t.cg("cowCode"), t.integer(code)),
        ]
        if state and state.wikidata:
            pairs.append((t.cg("wikidata"), t.iri(WIKIDATA + state.wikidata)))
        w.add_all(t.iri(state_iri(code)), pairs)

    if on_progress:
        on_progress(total, total)
    counts = {
        "alliances": len(alliances),
        "memberships": membership_count,
        "member rows": len(member_rows),
        "obligations": len(obligations),
        "states": len(states_used),
    }
    header = (
        f"cstograph import atop {alliance_csv.name} {member_csv.name}\n"
        "Data: Alliance Treaty Obligations and Provisions (ATOP) 4.01, Leeds et al. (atop.rice.edu).\n"
        "Cite: Leeds, Ritter, Mitchell and Long (2002), International Interactions 28: 237-260."
    )
    text = w.text(header)
    return ImportResult(text=text, triples=w.triple_count(), counts=counts)

"""Import cases an analyst entered in a spreadsheet: requests, responses and sources as CSV.

The layout is the one ``cstograph export`` writes (``cstograph.base.table_schema``): a requests
table, with ``STEM-responses.csv`` and ``STEM-sources.csv`` beside it. The columns marked
``imported`` in that schema are read; the computed ones (status, delays, identifiers, ...) are
ignored, so an export can be edited and imported again. States, alliances, clauses, events,
response types and sources are named by IRI, prefixed name or label and must exist in the
reference data (the bundled graphs, or the files given); every request and response needs a
source. The first bad cell stops the import with an error naming file, row and column (the row
as a spreadsheet numbers it: the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cstograph.base.table_schema import LIST_SEPARATOR, REQUESTS, RESPONSES, SOURCES, TableSpec
from cstograph.errors import ImportDataError
from cstograph.reading.importers import turtle as t

CG = "https://w3id.org/cstograph/ns#"
DATA = "https://w3id.org/cstograph/data/"
CLASS_WORDS = {
    "State": "state", "Alliance": "alliance", "Obligation": "clause", "Event": "event",
    "ResponseType": "response type", "AssistanceRequest": "request", "Source": "source",
}
_ISSUED = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "date"),
    (re.compile(r"^\d{4}-\d{2}$"), "gYearMonth"),
    (re.compile(r"^\d{4}$"), "gYear"),
)


@dataclass(frozen=True)
class ImportResult:
    text: str
    triples: int
    counts: dict[str, int]


@dataclass
class Reference:
    """What the reference data holds: each node's classes (local names) and each class's labels."""

    classes: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # class -> lower-case label -> IRIs
    prefixes: dict[str, str] = field(default_factory=dict)
    spelled: dict[str, str] = field(default_factory=dict)  # lower-case label -> as written

    def add(self, node: str, cls: str, label: str | None) -> None:
        self.classes.setdefault(node, set()).add(cls)
        if label:
            key = label.strip().casefold()
            self.labels.setdefault(cls, {}).setdefault(key, set()).add(node)
            self.spelled.setdefault(key, label.strip())


def reference_from(kg) -> Reference:
    """The nodes a spreadsheet may name, read from a ``KnowledgeGraph`` (query ``referable-nodes``)."""
    reference = Reference(prefixes={**{p: str(ns) for p, ns in kg.data.namespaces.namespaces()}, **t.PREFIXES})
    for row in kg.query("referable-nodes").records():
        reference.add(str(row["node"]), str(row["class"]).removeprefix(CG),
                      None if row["label"] is None else str(row["label"]))
    return reference


class _Sheet:
    """One CSV file's rows, checked against its table's columns."""

    def __init__(self, path: Path, spec: TableSpec) -> None:
        self.path, self.spec = path, spec
        if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
            raise ImportDataError(f"{path}: cstograph import cases reads CSV files",
                                  hint="save the sheet as 'CSV UTF-8' from the spreadsheet program")
        try:
            handle = open(path, newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise ImportDataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        with handle:
            try:
                reader = csv.reader(handle)
                header = next(reader, None)
                if header is None:
                    raise ImportDataError(f"{path}: row 1: the file is empty", hint="the first row names the columns")
                self.header = [h.strip() for h in header]
                for number, name in enumerate(self.header, start=1):
                    if name not in spec.names:
                        raise ImportDataError(
                            f"{path}: row 1, column {name or number}: unknown column for the {spec.name} table",
                            hint="the columns are those of docs/codebook.md: " + ", ".join(spec.names))
                    if self.header.count(name) > 1:
                        raise ImportDataError(f"{path}: row 1, column {name}: the column appears twice")
                self.rows = []
                for number, cells in enumerate(reader, start=2):
                    if not any(c.strip() for c in cells):
                        continue
                    if len(cells) > len(self.header):
                        raise ImportDataError(f"{path}: row {number}: {len(cells)} cells but {len(self.header)} columns")
                    self.rows.append((number, {h: c.strip() for h, c in zip(self.header, cells)}))
            except (csv.Error, UnicodeDecodeError) as exc:
                raise ImportDataError(f"{path}: not a readable CSV file: {exc}") from exc

    def fail(self, row: int, column: str, message: str, hint: str | None = None):
        raise ImportDataError(f"{self.path}: row {row}, column {column}: {message}", hint=hint)


class _Resolver:
    """Turns cells into IRIs: full IRIs and prefixed names must exist with the expected class;
    anything else is a label, matched without regard to case."""

    def __init__(self, reference: Reference, extra: dict[str, set[str]]) -> None:
        self.reference, self.extra = reference, extra  # extra: nodes the import itself defines

    def classes(self, iri: str) -> set[str]:
        return self.reference.classes.get(iri, set()) | self.extra.get(iri, set())

    def expand(self, value: str) -> str | None:
        """An IRI for a full IRI or a prefixed name of a known prefix; None for a label."""
        if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I) or value.startswith("urn:"):
            return value
        prefix, colon, local = value.partition(":")
        if colon and prefix in self.reference.prefixes and " " not in local:
            return self.reference.prefixes[prefix] + local
        return None

    def node(self, sheet: _Sheet, row: int, column: str, value: str, wanted: tuple[str, ...]) -> str:
        what = " or ".join(CLASS_WORDS[c] for c in wanted)
        iri = self.expand(value)
        if iri is not None:
            try:
                t.iri(iri)
            except ValueError:
                sheet.fail(row, column, f"{value!r} is not a valid IRI")
            if not self.classes(iri) & set(wanted):
                sheet.fail(row, column, f"unknown {what} {value!r}",
                           hint=f"the reference data has no {what} with this id (check the spelling, or name it by its label)")
            return iri
        found: set[str] = set()
        for cls in wanted:
            found |= self.reference.labels.get(cls, {}).get(value.casefold(), set())
        if not found:
            known = [label for cls in wanted for label in self.reference.labels.get(cls, {})]
            close = difflib.get_close_matches(value.casefold(), known, n=3)
            sheet.fail(row, column, f"unknown {what} {value!r}",
                       hint=(f"did you mean {' or '.join(repr(self.reference.spelled[c]) for c in close)}? " if close else "")
                       + f"name the {what} by its IRI, prefixed name or label in the reference data")
        if len(found) > 1:
            sheet.fail(row, column, f"{value!r} names several nodes: {', '.join(sorted(found))}", hint="give the IRI")
        return next(iter(found))


def _named(sheet: _Sheet, resolver: _Resolver, row: int, cells: dict[str, str], column: str,
           wanted: tuple[str, ...], label_column: str | None = None) -> str:
    value = cells.get(column, "")
    if not value and label_column and cells.get(label_column):
        return resolver.node(sheet, row, label_column, cells[label_column], wanted)
    if not value:
        sheet.fail(row, column, f"empty: the {' or '.join(CLASS_WORDS[c] for c in wanted)} is required")
    return resolver.node(sheet, row, column, value, wanted)


def _list(cells: dict[str, str], column: str) -> list[str]:
    return [part.strip() for part in cells.get(column, "").split(LIST_SEPARATOR.strip()) if part.strip()]


def _date(sheet: _Sheet, row: int, cells: dict[str, str]) -> dt.date:
    value = cells.get("date", "")
    if not value:
        sheet.fail(row, "date", "empty: the date is required", hint="write YYYY-MM-DD")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        sheet.fail(row, "date", f"{value!r} is not a date", hint="write YYYY-MM-DD (a spreadsheet may need the column "
                   "formatted as text)")


def _local(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", re.split(r"[/#:]", iri)[-1]) or "node"


def _mint(kind: str, parts: Iterable[str], taken: set[str]) -> str:
    base = DATA + kind + "-" + "-".join(parts)
    iri, n = base, 1
    while iri in taken:
        n += 1
        iri = f"{base}-{n}"
    return iri


def _own_id(sheet: _Sheet, resolver: _Resolver, row: int, column: str, value: str) -> str:
    iri = resolver.expand(value)
    if iri is None:
        sheet.fail(row, column, f"{value!r} is not an IRI or a prefixed name", hint="write e.g. cgd:request-2022-09-13-"
                   "Armenia-CSTO, or leave the cell empty to have one made")
    try:
        t.iri(iri)
    except ValueError:
        sheet.fail(row, column, f"{value!r} is not a valid IRI")
    return iri


def import_cases(requests_csv: Path, responses_csv: Path | None, sources_csv: Path | None,
                 reference: Reference) -> ImportResult:
    """Read the case tables and return the Turtle of their requests, responses and new sources."""
    requests = _Sheet(Path(requests_csv), REQUESTS)
    responses = _Sheet(Path(responses_csv), RESPONSES) if responses_csv else None
    sources = _Sheet(Path(sources_csv), SOURCES) if sources_csv else None
    w = t.TurtleWriter()
    defined: dict[str, set[str]] = {}
    resolver = _Resolver(reference, defined)
    counts = {"requests": 0, "responses": 0, "sources": 0}

    if sources is not None:
        for row, cells in sources.rows:
            if not cells.get("source"):
                sources.fail(row, "source", "empty: the source's id is required")
            iri = _own_id(sources, resolver, row, "source", cells["source"])
            if "Source" in resolver.classes(iri):
                continue  # the reference data holds it already
            if not cells.get("title"):
                sources.fail(row, "title", "empty: a new source needs a title")
            node = t.iri(iri)
            w.add_all(node, [("a", t.cg("Source")), ("dcterms:title", t.string(cells["title"]))])
            if cells.get("publisher"):
                w.add(node, "dcterms:publisher", t.string(cells["publisher"]))
            if cells.get("issued"):
                kind = next((k for pattern, k in _ISSUED if pattern.match(cells["issued"])), None)
                if kind is None:
                    sources.fail(row, "issued", f"{cells['issued']!r} is not a date", hint="write YYYY-MM-DD, YYYY-MM or YYYY")
                w.add(node, "dcterms:issued", f"{t.string(cells['issued'])}^^xsd:{kind}")
            if cells.get("url"):
                try:
                    w.add(node, "foaf:page", t.iri(cells["url"]))
                except ValueError:
                    sources.fail(row, "url", f"{cells['url']!r} is not a valid URL")
            defined.setdefault(iri, set()).add("Source")
            counts["sources"] += 1

    def cite(sheet: _Sheet, row: int, cells: dict[str, str], node: str, what: str) -> None:
        cited = _list(cells, "sources")
        if not cited:
            sheet.fail(row, "sources", f"empty: every {what} needs a source",
                       hint="name a source of the reference data or of the sources file by its id")
        for value in cited:
            w.add(node, "dcterms:source", t.iri(resolver.node(sheet, row, "sources", value, ("Source",))))

    def texts(cells: dict[str, str], node: str, label_column: str, row: int, sheet: _Sheet) -> None:
        if cells.get(label_column):
            w.add(node, "rdfs:label", t.string(cells[label_column]))
        if cells.get("description"):
            w.add(node, "dcterms:description", t.string(cells["description"]))
        w.add(node, t.cg("sourceRecord"), t.string(f"{sheet.path.name}:{row}"))

    taken: set[str] = set()
    for row, cells in requests.rows:
        day = _date(requests, row, cells)
        requester = _named(requests, resolver, row, cells, "requester", ("State",), "requester_label")
        addressee = _named(requests, resolver, row, cells, "addressee", ("Alliance", "State"), "addressee_label")
        clause = _named(requests, resolver, row, cells, "clause", ("Obligation",), "clause_label")
        events = _list(cells, "events")
        if not events:
            requests.fail(row, "events", "empty: a request concerns at least one event of the reference data")
        iri = (_own_id(requests, resolver, row, "request", cells["request"]) if cells.get("request")
               else _mint("request", (day.isoformat(), _local(requester), _local(addressee)), taken))
        if iri in taken:
            requests.fail(row, "request", f"{cells.get('request')!r} appears on an earlier row")
        taken.add(iri)
        node = t.iri(iri)
        w.add_all(node, [("a", t.cg("AssistanceRequest")), (t.cg("requester"), t.iri(requester)),
                         (t.cg("addressee"), t.iri(addressee)), (t.cg("invokes"), t.iri(clause)),
                         (t.cg("date"), t.date(day))])
        for value in events:
            w.add(node, t.cg("concerns"), t.iri(resolver.node(requests, row, "events", value, ("Event",))))
        cite(requests, row, cells, node, "request")
        texts(cells, node, "request_label", row, requests)
        defined.setdefault(iri, set()).add("AssistanceRequest")
        counts["requests"] += 1

    if responses is not None:
        answered: set[str] = set()
        for row, cells in responses.rows:
            day = _date(responses, row, cells)
            request = _named(responses, resolver, row, cells, "request", ("AssistanceRequest",))
            responder = _named(responses, resolver, row, cells, "responder", ("State", "Alliance"), "responder_label")
            kind = _named(responses, resolver, row, cells, "type", ("ResponseType",), "type_label")
            iri = (_own_id(responses, resolver, row, "response", cells["response"]) if cells.get("response")
                   else _mint("response", (day.isoformat(), _local(responder), _local(kind)), answered))
            if iri in answered:
                responses.fail(row, "response", f"{cells.get('response')!r} appears on an earlier row")
            answered.add(iri)
            node = t.iri(iri)
            w.add_all(node, [("a", t.cg("Response")), (t.cg("respondsTo"), t.iri(request)),
                             (t.cg("responder"), t.iri(responder)), (t.cg("responseType"), t.iri(kind)),
                             (t.cg("date"), t.date(day))])
            cite(responses, row, cells, node, "response")
            texts(cells, node, "response_label", row, responses)
            counts["responses"] += 1

    names = ", ".join(s.path.name for s in (requests, responses, sources) if s is not None)
    header = (f"cstograph instance data: cases imported from {names} by cstograph import cases.\n"
              "Every request and response carries dcterms:source and cg:sourceRecord (FILE:ROW, the header is row 1).")
    return ImportResult(text=w.text(header), triples=w.triple_count(), counts=counts)

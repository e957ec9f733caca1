"""Import the dataset's tables (the layout ``cstograph export`` writes) as RDF: cases, and any new
states, alliances, treaties, clauses, memberships, events, accounts and sources they need.

Every table of ``dataset.FACT_TABLES`` is read; a row describes one node (its id, the table's
key column) in the undisputed data or, with ``in_account``, in an account's named graph. What
an id means:

- a new id (no node of the reference data has it) makes a new node of the table's kind; an
  empty id is made from the label (``cgd:state-Kuwait``), or for a request from date, requester
  and addressee, for a response from date, responder and type;
- an id the reference data already holds as a node of the table's kind: the row is not written
  (the reference data's facts stand) and other rows may name the node; the summary counts it;
- an id of another kind (a state as a request id), a term of the vocabulary (``cg:AssistanceRequest``,
  ``rdf:type``) or an IRI cstograph cannot read back is refused.

Cells naming nodes take an IRI, a prefixed name or a label of the reference data or of any table
of the import. The first bad cell stops the import with an error naming file, row (as a
spreadsheet numbers it: the header is row 1) and column; nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cstograph.errors import ImportDataError
from cstograph.output.dataset import (
    CG,
    FACT_TABLES,
    IN_ACCOUNT,
    OWL,
    RDF_TYPE,
    RDFS,
    SKOS,
    XSD,
    Fact,
    TableSpec,
)
from cstograph.output.fact_tables import parse_turtle_literal, partial_date_type, split_cell
from cstograph.reading.importers import turtle as t

DATA = "https://w3id.org/cstograph/data/"
CLASS_WORDS = {
    CG + "State": "state", CG + "Alliance": "alliance", CG + "Obligation": "clause", CG + "Event": "event",
    CG + "ResponseType": "response type", CG + "AssistanceRequest": "request", CG + "Source": "source",
    CG + "Treaty": "treaty", CG + "Membership": "membership", CG + "Account": "account",
    CG + "Response": "response", CG + "ParticipationChange": "change", OWL + "Class": "class", RDFS + "Class": "class",
    CG + "ObligationType": "obligation type", CG + "TriggerCondition": "trigger condition",
    CG + "ObligationCondition": "condition",
}
#: Namespaces of the vocabulary: no fact node may have an id in them.
VOCABULARY = (CG, "http://www.w3.org/1999/02/22-rdf-syntax-ns#", RDFS, OWL, XSD, SKOS,
              "http://www.w3.org/ns/shacl#", "http://purl.org/dc/terms/", "http://xmlns.com/foaf/0.1/")
FORMULA_QUOTED = re.compile(r"^'[=+\-@\t\r]")

@dataclass(frozen=True)
class ImportResult:
    text: str
    triples: int
    counts: dict[str, int]
    trig: bool = False  # the text has named graphs (rows of accounts)


@dataclass
class Reference:
    """What the data rows are entered against: each node's classes (with their superclasses) and
    labels, the terms of the vocabulary, and which nodes each named graph describes."""

    classes: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # class -> lower-case label -> IRIs
    prefixes: dict[str, str] = field(default_factory=dict)
    spelled: dict[str, str] = field(default_factory=dict)  # lower-case label -> as written
    terms: set[str] = field(default_factory=set)  # properties and classes
    supers: dict[str, set[str]] = field(default_factory=dict)  # class -> itself and its superclasses
    in_graph: set[tuple[str, str]] = field(default_factory=set)  # (named graph, node)

    def add(self, node: str, cls: str, label: str | None) -> None:
        self.classes.setdefault(node, set()).add(cls)
        if label:
            key = label.strip().casefold()
            self.labels.setdefault(cls, {}).setdefault(key, set()).add(node)
            self.spelled.setdefault(key, label.strip())

    def closure(self, classes) -> set[str]:
        return {s for c in classes for s in self.supers.get(c, {c}) | {c}}


def reference_from(kg_or_engine, prefixes: dict[str, str] | None = None) -> Reference:
    """The nodes and terms a table may name, from a ``KnowledgeGraph`` (or an engine and its prefixes)."""
    if hasattr(kg_or_engine, "data"):
        engine = kg_or_engine.data.engine
        prefixes = {p: str(ns) for p, ns in kg_or_engine.data.namespaces.namespaces()}
    else:
        engine = kg_or_engine
    from cstograph.engines.queries import run_named

    reference = Reference(prefixes={**(prefixes or {}), **t.PREFIXES, "owl": OWL})
    for row in run_named(engine, "vocabulary-terms").records():
        term = str(row["term"])
        reference.terms.add(term)
        if row["super"] is not None:
            reference.supers.setdefault(term, {term}).add(str(row["super"]))
    for row in run_named(engine, "referable-nodes").records():
        reference.add(str(row["node"]), str(row["class"]), None if row["label"] is None else str(row["label"]))
    for row in run_named(engine, "account-nodes").records():
        reference.in_graph.add((str(row["g"]), str(row["node"])))
    return reference


def ontology_reference() -> Reference:
    """The reference of an import made with nothing but the ontology."""
    import pyoxigraph as ox

    from cstograph.engines.engine import OxigraphEngine
    from cstograph.engines.store import load_file
    from cstograph.reading.resources import ontology_path

    store = ox.Store()
    load_file(store, ontology_path())
    return reference_from(OxigraphEngine(store), {})


class _Sheet:
    """One CSV file's rows, checked against its table's columns."""

    def __init__(self, path: Path, spec: TableSpec, extra_column) -> None:
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
                self.extra: dict[str, str] = {}  # column named by a property -> the property
                for number, name in enumerate(self.header, start=1):
                    if name not in spec.names:
                        prop = extra_column(name)
                        if prop is None:
                            raise ImportDataError(
                                f"{path}: row 1, column {name or number}: unknown column for the {spec.name} table",
                                hint="the columns are those of docs/codebook.md (" + ", ".join(spec.names[:6])
                                + ", ...), or a property as a prefixed name")
                        self.extra[name] = prop
                    if self.header.count(name) > 1:
                        raise ImportDataError(f"{path}: row 1, column {name}: the column appears twice")
                self.rows = []
                for number, cells in enumerate(reader, start=2):
                    if not any(c.strip() for c in cells):
                        continue
                    if len(cells) > len(self.header):
                        raise ImportDataError(f"{path}: row {number}: {len(cells)} cells but {len(self.header)} columns")
                    self.rows.append((number, {h: _unquoted(c.strip()) for h, c in zip(self.header, cells)}))
            except (csv.Error, UnicodeDecodeError) as exc:
                raise ImportDataError(f"{path}: not a readable CSV file: {exc}") from exc

    def fail(self, row: int, column: str, message: str, hint: str | None = None):
        raise ImportDataError(f"{self.path}: row {row}, column {column}: {message}", hint=hint)


def _unquoted(cell: str) -> str:
    """A cell without the apostrophe the export puts before text a spreadsheet would run as a formula."""
    return cell[1:] if FORMULA_QUOTED.match(cell) else cell


def _word(cls: str) -> str:
    return CLASS_WORDS.get(cls) or re.sub(r"(?<!^)(?=[A-Z])", " ", re.split(r"[/#]", cls)[-1]).lower()


def _a(cls: str) -> str:
    """The class's word with its article: 'a state', 'an event'."""
    word = _word(cls)
    return ("an " if word[:1] in "aeiou" else "a ") + word


@dataclass
class _Row:
    sheet: _Sheet
    number: int
    cells: dict[str, str]
    node: str = ""
    account: str | None = None
    skip: bool = False
    types: set[str] = field(default_factory=set)  # the classes named in the types cell


class _Import:
    """The rows of every table, their ids, and the triples they make."""

    def __init__(self, sheets: list[_Sheet], reference: Reference) -> None:
        self.sheets, self.reference = sheets, reference
        self.defined: dict[str, set[str]] = {}  # node -> classes (with superclasses) given by this import
        self.labels: dict[str, dict[str, set[str]]] = {}
        self.writer = t.TurtleWriter()
        self.counts: dict[str, int] = {}
        self.skipped = 0
        self.typed: set[str] = set()

    # ------------------------------------------------------------ naming nodes

    def classes(self, node: str) -> set[str]:
        return self.reference.classes.get(node, set()) | self.defined.get(node, set())

    def expand(self, value: str) -> str | None:
        """An IRI for a full IRI or a prefixed name of a known prefix; None for a label."""
        if value.startswith("<") and value.endswith(">"):
            return value[1:-1]
        if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I) or value.startswith(("urn:", "tag:", "mailto:")):
            return value
        prefix, colon, local = value.partition(":")
        if colon and prefix in self.reference.prefixes and " " not in local:
            return self.reference.prefixes[prefix] + local
        return None

    def checked_iri(self, sheet: _Sheet, row: int, column: str, value: str, iri: str) -> str:
        if not t.readable_iri(iri):
            sheet.fail(row, column, f"{value!r} is not a valid IRI",
                       hint="cstograph could not read it back (check % escapes, spaces, brackets, a second '#')")
        return iri

    def node(self, sheet: _Sheet, row: int, column: str, value: str, wanted: tuple[str, ...]) -> str:
        what = " or ".join(dict.fromkeys(_word(c) for c in wanted)) or "node"
        iri = self.expand(value)
        if iri is not None:
            self.checked_iri(sheet, row, column, value, iri)
            if wanted and not self.classes(iri) & set(wanted):
                sheet.fail(row, column, f"unknown {what} {value!r}",
                           hint=f"neither the reference data nor the tables have a {what} with this id "
                           "(check the spelling, or name it by its label)")
            return iri
        if not wanted:
            sheet.fail(row, column, f"{value!r} is not an IRI or a prefixed name")
        found: set[str] = set()
        for cls in wanted:
            found |= self.reference.labels.get(cls, {}).get(value.casefold(), set())
            found |= self.labels.get(cls, {}).get(value.casefold(), set())
        if not found:
            known = sorted({label for cls in wanted for source in (self.reference.labels, self.labels)
                            for label in source.get(cls, {})})
            close = difflib.get_close_matches(value.casefold(), known, n=3)
            sheet.fail(row, column, f"unknown {what} {value!r}",
                       hint=(f"did you mean {' or '.join(repr(self.reference.spelled.get(c, c)) for c in close)}? "
                             if close else "") + f"name the {what} by its IRI, prefixed name or label")
        if len(found) > 1:
            sheet.fail(row, column, f"{value!r} names several nodes: {', '.join(sorted(found))}", hint="give the IRI")
        return next(iter(found))

    # ------------------------------------------------------------ pass 1: the ids

    def own_id(self, r: _Row, column: str, value: str, kind: str) -> str:
        sheet = r.sheet
        iri = self.expand(value)
        if iri is None:
            sheet.fail(r.number, column, f"{value!r} is not an IRI or a prefixed name",
                       hint="write e.g. cgd:Kuwait, or leave the cell empty to have one made")
        self.checked_iri(sheet, r.number, column, value, iri)
        if iri.startswith(VOCABULARY) or iri in self.reference.terms:
            sheet.fail(r.number, column, f"{value!r} is a term of the vocabulary, not an id for {_a(kind)}",
                       hint="give the node an id of its own, e.g. in the cgd: namespace")
        others = {c for c in self.reference.classes.get(iri, set()) if c in _KINDS and c != kind}
        others |= {c for c in self.defined.get(iri, set()) if c in _KINDS and c != kind}
        clash = [c for c in others if not (kind in self.reference.closure({c}) or c in self.reference.closure({kind}))]
        if clash:
            sheet.fail(r.number, column, f"{value!r} is already {_a(sorted(clash)[0])}, not {_a(kind)}",
                       hint=f"give the {_word(kind)} an id of its own")
        return iri

    def mint(self, r: _Row, kind: str, key: str, taken: set[str]) -> str:
        cells = r.cells
        if kind == CG + "AssistanceRequest":
            parts = [self.date(r, "date"), _local(self.named(r, "requester")), _local(self.named(r, "addressee"))]
            base = DATA + "request-" + "-".join(parts)
        elif kind == CG + "Response":
            parts = [self.date(r, "date"), _local(self.named(r, "responder")), _local(self.named(r, "type"))]
            base = DATA + "response-" + "-".join(parts)
        else:
            label = cells.get(f"{key}_label", "")
            slug = _slug(parse_turtle_literal(label).value if parse_turtle_literal(label) else label)
            if not slug:
                r.sheet.fail(r.number, key, f"empty: {_a(kind)} needs an id or a label to make one from")
            base = DATA + f"{key}-{slug}"
        iri, n = base, 1
        while iri in taken:  # a second node of the same day and parties; the reference's own is the same node
            n += 1
            iri = f"{base}-{n}"
        return iri

    def named(self, r: _Row, column: str) -> str:
        field_ = next(f for f in r.sheet.spec.fields if f.name == column)
        values = self.values(r, column, field_.fact)
        if not values:
            r.sheet.fail(r.number, column, f"empty: the {' or '.join(_word(c) for c in field_.fact.wanted)} is required")
        return values[0].strip("<>")

    def date(self, r: _Row, column: str) -> str:
        value = r.cells.get(column, "")
        if not value:
            r.sheet.fail(r.number, column, f"empty: the {column.replace('_', ' ')} is required", hint="write YYYY-MM-DD")
        if _valid_date(value) is None:
            r.sheet.fail(r.number, column, f"{value!r} is not a date",
                         hint="write YYYY-MM-DD (a spreadsheet may need the column formatted as text)")
        return value

    # ------------------------------------------------------------ cells to terms

    def values(self, r: _Row, column: str, fact: Fact) -> list[str]:
        """The terms (Turtle syntax) of one fact cell; its _label column names the node when it is empty."""
        value = r.cells.get(column, "")
        label_column = f"{column}_label"
        spec_names = r.sheet.spec.names
        if not value and label_column in spec_names and r.cells.get(label_column) and next(
                f for f in r.sheet.spec.fields if f.name == label_column).fact is None:
            column, value = label_column, r.cells[label_column]
        if not value:
            return []
        if fact.values == "iri":  # a literal in Turtle syntax stays one (the export writes what the data holds)
            return [self.literal(r, column, part, None) if parse_turtle_literal(part)
                    else t.iri(self.node(r.sheet, r.number, column, part, fact.wanted)) for part in split_cell(value, fact)]
        return [self.literal(r, column, part, fact) for part in split_cell(value, fact)]

    def literal(self, r: _Row, column: str, text: str, fact: Fact | None) -> str:
        quoted = parse_turtle_literal(text) if text.startswith('"') else None
        if quoted is not None:
            value, datatype, language = quoted.value, quoted.datatype, quoted.language
        elif fact is None:
            r.sheet.fail(r.number, column, f"{text!r} is not a literal in Turtle syntax or an <IRI>",
                         hint='write "text", "text"@en, "1"^^<http://www.w3.org/2001/XMLSchema#integer> or <IRI>')
        else:
            value, datatype, language = text, fact.datatype, fact.language
            if fact.partial_dates:
                datatype = partial_date_type(text)
                if datatype is None:
                    r.sheet.fail(r.number, column, f"{text!r} is not a date", hint="write YYYY-MM-DD, YYYY-MM or YYYY")
        if datatype and not language:
            problem = _lexical_problem(value, datatype)
            if problem:
                r.sheet.fail(r.number, column, f"{text!r} is not {problem}",
                             hint="write YYYY-MM-DD (a spreadsheet may need the column formatted as text)"
                             if "date" in problem else None)
        return t.typed(value, datatype, language)

    # ------------------------------------------------------------ the import

    def run(self) -> None:
        rows: list[tuple[_Row, str, str]] = []  # row, kind, key column
        sheets = {s.spec.name: s for s in self.sheets}
        for spec in FACT_TABLES:
            sheet = sheets.get(spec.name)
            if sheet is None:
                continue
            for number, cells in sheet.rows:
                rows.append((_Row(sheet, number, cells), spec.kind, spec.primary_key))
        # accounts first (rows of other tables name them), then every id, then the ids made from other cells
        taken: dict[str, set[tuple[str | None, str]]] = {}
        for r, kind, key in rows:
            if kind == CG + "Account":
                if r.cells.get(IN_ACCOUNT):
                    r.sheet.fail(r.number, IN_ACCOUNT, "an account is declared in the undisputed data: leave it empty")
                self.register(r, kind, key, taken)
        late = []
        for r, kind, key in rows:
            if r.cells.get(IN_ACCOUNT):
                r.account = self.node(r.sheet, r.number, IN_ACCOUNT, r.cells[IN_ACCOUNT], (CG + "Account",))
            if kind == CG + "Account":
                continue
            if not r.cells.get(key) and kind in (CG + "AssistanceRequest", CG + "Response"):
                late.append((r, kind, key))
            else:
                self.register(r, kind, key, taken)
        for r, kind, key in late:
            self.register(r, kind, key, taken)
        # nodes whose class some row or the reference data states; a row of an account without types
        # about any other node introduces it, and is typed with its table's class in the account's graph
        self.typed = set(self.reference.classes) | {
            r.node for r, _, _ in rows if r.account is None or r.cells.get("types")}
        for r, kind, key in rows:
            self.write(r, kind, key)

    def register(self, r: _Row, kind: str, key: str, taken: dict) -> None:
        value = r.cells.get(key, "")
        seen = taken.setdefault(kind, set())
        node = self.own_id(r, key, value, kind) if value else self.mint(r, kind, key, {n for _, n in seen})
        if (r.account, node) in seen:
            r.sheet.fail(r.number, key, f"{value or node!r} appears on an earlier row")
        seen.add((r.account, node))
        r.node = node
        if r.account is None:
            r.skip = kind in self.reference.classes.get(node, set())
        else:
            r.skip = (r.account, node) in self.reference.in_graph
        types = {kind}
        if r.cells.get("types"):
            types = {self.node(r.sheet, r.number, "types", v, (OWL + "Class", RDFS + "Class"))
                     for v in split_cell(r.cells["types"], _TYPES)}
            r.types = types
            if r.account is None and kind not in self.reference.closure(types):
                r.sheet.fail(r.number, "types", f"{r.cells['types']!r}: a row of the {r.sheet.spec.name} table is "
                             f"{_a(kind)} (give {kind} or a subclass of it)")
        classes = self.reference.closure(types) | {kind}
        self.defined.setdefault(node, set()).update(classes)
        for column in (f"{key}_label", "alt_labels"):
            for label in split_cell(r.cells.get(column, ""), None):
                quoted = parse_turtle_literal(label)
                text = (quoted.value if quoted else label).strip().casefold()
                self.reference.spelled.setdefault(text, (quoted.value if quoted else label).strip())
                for cls in classes:
                    self.labels.setdefault(cls, {}).setdefault(text, set()).add(node)

    def write(self, r: _Row, kind: str, key: str) -> None:
        if r.skip:
            self.skipped += 1
            return
        sheet, spec = r.sheet, r.sheet.spec
        noun = _word(kind)
        w = self.writer.graph(t.iri(r.account) if r.account else None)
        subject = t.iri(r.node)
        if not r.cells.get("types") and (r.account is None or r.node not in self.typed):
            w.add(subject, "a", t.iri(kind))
        elif kind == CG + "AssistanceRequest" and kind not in r.types and kind in self.reference.closure(r.types):
            # a row of the requests table is a request: typed cg:CollectiveInvocation alone it would be
            # missed by the rules, which match cg:AssistanceRequest without reasoning over subclasses
            w.add(subject, "a", t.iri(kind))
        for f in spec.fields:
            if f.fact is None:
                continue
            terms = self.values(r, f.name, f.fact)
            if not terms and f.fact.required and r.account is None:
                if f.fact.property == "http://purl.org/dc/terms/source":
                    sheet.fail(r.number, f.name, f"empty: every {noun} needs a source",
                               hint="name a source of the reference data or of the sources table by its id")
                if f.fact.values == "iri":
                    if f.name == "events":
                        sheet.fail(r.number, f.name, "empty: a request concerns at least one event")
                    sheet.fail(r.number, f.name, f"empty: the {' or '.join(_word(c) for c in f.fact.wanted)} is required")
                sheet.fail(r.number, f.name, f"empty: a new {noun} needs {_a(f.name.replace('_', ' '))}",
                           hint="write YYYY-MM-DD" if f.type == "date" else None)
            prop = "a" if f.fact.property == RDF_TYPE else t.iri(f.fact.property)
            for term in terms:
                w.add(subject, prop, term)
        for column, prop in sheet.extra.items():
            for part in split_cell(r.cells.get(column, ""), None):
                if part.startswith("<") and part.endswith(">"):
                    w.add(subject, t.iri(prop), t.iri(self.checked_iri(sheet, r.number, column, part, part[1:-1])))
                else:
                    w.add(subject, t.iri(prop), self.literal(r, column, part, None))
        self.counts[spec.name] = self.counts.get(spec.name, 0) + 1


_KINDS = {spec.kind for spec in FACT_TABLES}
_TYPES = Fact(RDF_TYPE, "iri")


def _valid_date(value: str) -> dt.date | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value, re.ASCII):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _lexical_problem(value: str, datatype: str) -> str | None:
    """Why a literal is not of its datatype (None: it is), for the datatypes the shapes use."""
    if datatype == XSD + "date":
        return None if _valid_date(value) else "a date"
    if datatype == XSD + "gYearMonth":
        ok = re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", value, re.ASCII)
        return None if ok else "a year and month"
    if datatype == XSD + "gYear":
        return None if re.fullmatch(r"[0-9]{4}", value, re.ASCII) else "a year"
    if datatype == XSD + "integer":
        return None if re.fullmatch(r"[+-]?[0-9]+", value, re.ASCII) else "an integer"
    if datatype == XSD + "boolean":
        return None if value in ("true", "false", "1", "0") else "true or false"
    return None


def _local(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", re.split(r"[/#:]", iri)[-1]) or "node"


def _slug(label: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[A-Za-z0-9]+", ascii_text))


def table_paths(first: Path) -> dict[str, Path]:
    """The tables of an import: ``first`` (the requests, or a data package's folder or descriptor)
    and each ``STEM-TABLE.csv`` beside it that exists."""
    first = Path(first)
    if first.is_dir() or first.name == "datapackage.json":
        folder = first if first.is_dir() else first.parent
        return {spec.name: folder / f"{spec.name}.csv" for spec in FACT_TABLES if (folder / f"{spec.name}.csv").is_file()}
    paths = {"requests": first}
    for spec in FACT_TABLES:
        beside = first.with_name(f"{first.stem}-{spec.name}{first.suffix}")
        if spec.name != "requests" and beside.is_file():
            paths[spec.name] = beside
    return paths


def import_tables(paths: dict[str, Path], reference: Reference) -> ImportResult:
    """Read the tables (name -> CSV path) and return the Turtle (TriG with accounts) of their rows."""
    specs = {spec.name: spec for spec in FACT_TABLES}

    def extra_column(name: str) -> str | None:
        if not re.fullmatch(r"<[^<>\s]+>|[A-Za-z][\w.-]*:[A-Za-z_][\w-]*", name):
            return None
        prop = name[1:-1] if name.startswith("<") else reference.prefixes.get(name.split(":")[0], "\0") + name.split(":", 1)[1]
        if prop.startswith("\0") or (prop.startswith(CG) and prop not in reference.terms):
            return None
        return prop

    sheets = [_Sheet(Path(path), specs[name], extra_column) for name, path in paths.items()]
    run = _Import(sheets, reference)
    run.run()
    w = run.writer
    counts = {name: run.counts.get(name, 0) for name in ("requests", "responses", "sources")}
    counts.update({spec.name: run.counts[spec.name] for spec in FACT_TABLES if run.counts.get(spec.name)})
    if run.skipped:
        counts["rows already in the reference data"] = run.skipped
    names = ", ".join(s.path.name for s in sheets)
    header = (f"cstograph instance data: imported from {names} by cstograph import cases.\n"
              "Each node's facts are those of its table rows; rows of accounts are in the account's named graph.")
    return ImportResult(text=w.text(header), triples=w.triple_count(), counts=counts, trig=bool(w.named_graphs))

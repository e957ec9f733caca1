"""The verdicts as flat tables for R, Stata and pandas: the tables and the codebook, by the one
schema in ``base/table_schema.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cstograph.base.cells import cell_text_or_none, sorted_list
from cstograph.base.table_schema import IN_ACCOUNT, LIST_SEPARATOR, TABLES, TableSpec
from cstograph.base.version import BUNDLED_DATA_VERSION, __version__
from cstograph.errors import CstographError
from cstograph.output.fact_tables import extended, fact_rows


@dataclass(frozen=True)
class Dataset:
    """The export: one list of rows (dicts keyed by the schema's column names) per table, and the
    metadata every format carries (software and data versions, viewpoint)."""

    tables: dict[str, list[dict]]
    metadata: dict[str, str | None] = field(default_factory=dict)
    specs: tuple[TableSpec, ...] = ()  # the tables' schemas: TABLES, plus columns of unmapped properties
    blank_nodes: int = 0  # triples whose object is a blank node: no cell holds them

    def __post_init__(self) -> None:
        if not self.specs:
            object.__setattr__(self, "specs", TABLES)

    def to_pandas(self) -> dict:
        """One pandas DataFrame per table, typed by the schema (dates as datetime64, integers and
        booleans nullable); pandas is not a dependency: install it to use this."""
        try:
            import pandas  # optional, and only this method needs it
        except ImportError:
            raise CstographError("to_pandas() needs pandas", hint="pip install pandas") from None
        dtypes = {"integer": "Int64", "boolean": "boolean", "string": "string"}
        frames = {}
        for spec in self.specs:
            frame = pandas.DataFrame(self.tables[spec.name], columns=list(spec.names))
            for f in spec.fields:
                if f.type == "date":
                    frame[f.name] = pandas.to_datetime(frame[f.name], format="%Y-%m-%d")
                else:
                    frame[f.name] = frame[f.name].astype(dtypes[f.type])
            frames[spec.name] = frame
        return frames


# ---------------------------------------------------------------- building the tables



def _int(value) -> int | None:
    try:
        return None if value is None else int(value.toPython() if hasattr(value, "toPython") else value)
    except (TypeError, ValueError):
        return None


def _days(start: str, end: str | None) -> int | None:
    try:
        return (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days if end else None
    except ValueError:  # ill-typed dates only get here with --force
        return None


def _date(value: str | None) -> str | None:
    """A date cell: YYYY-MM-DD, or empty when the value is not a date (ill-typed data under --force)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def build_dataset(kg, according_to=None, as_of: dt.date | None = None, *, bundled: bool = False) -> Dataset:
    """The four tables from a ``KnowledgeGraph``'s verdicts, allies and lookups, from one viewpoint."""
    # deferred to the first call: keeps cstograph.engines.queries, cstograph.rules.allies, cstograph.rules.classify, cstograph.rules.infer
    # out of importing cstograph.output.dataset
    from cstograph.engines.queries import run_named_text
    from cstograph.rules.allies import AllyDuty
    from cstograph.rules.classify import sources_by_node
    from cstograph.rules.infer import materialise

    verdicts = kg.verdicts(according_to, as_of, readings=True)  # robust, and the readings that flip a verdict
    engine = kg.engine(according_to, as_of)
    # rows as text: every cell below is written as text, and on Oxigraph text skips the rdflib terms;
    # unordered: each is looked up by node (one row per node; a request's events are sorted below)
    ids = {r["node"]: r for r in run_named_text(engine, "identifiers", ordered=False)}
    texts = {r["node"]: r for r in run_named_text(engine, "case-texts", ordered=False)}
    treaties: dict[str, str | None] = {}
    events: dict[str, list[str]] = {}
    for row in run_named_text(engine, "request-details", ordered=False):
        treaties[row["request"]] = row["treaty"]
        if row["event"] is not None:
            events.setdefault(row["request"], []).append(row["event"])
    # unordered: a node's source ids are sorted below, and a source's record is the same from every node
    node_sources = sources_by_node(engine, ordered=False)
    account = kg.data.account(according_to) if according_to is not None else None

    def ident(prefix: str, iri: str | None, label: str | None = None, atop=False, cow=False) -> dict:
        row = ids.get(iri or "", {})
        cells = {prefix: iri or None, f"{prefix}_label": label or cell_text_or_none(row.get("label")) or None}
        if atop:
            cells[f"{prefix}_atop"] = _int(row.get("atopId"))
        if cow:
            cells[f"{prefix}_cow"] = _int(row.get("cowCode"))
        cells[f"{prefix}_wikidata"] = cell_text_or_none(row.get("wikidata"))
        return cells

    def text(iri: str, key: str) -> str | None:
        return cell_text_or_none(texts.get(iri, {}).get(key))

    def source_ids(iri: str) -> str | None:
        return LIST_SEPARATOR.join(sorted({s.source for s in node_sources.get(iri, ())})) or None

    requests, responses, cited = [], [], {}
    for v in verdicts:
        requests.append({
            "request": v.request, "request_label": text(v.request, "label"), "description": text(v.request, "description"),
            "date": _date(v.date),
            **ident("requester", v.requester, v.requester_label, cow=True),
            **ident("addressee", v.addressee, v.addressee_label, cow=True),
            "clause": v.obligation, "clause_label": v.obligation_label or None,
            **ident("treaty", treaties.get(v.request), atop=True),
            **ident("alliance", v.alliance, atop=True),
            "events": LIST_SEPARATOR.join(sorted(events.get(v.request, ()))) or None,
            "status": v.status, "reason": v.reason or None, "triggered": v.status in ("met", "unmet"),
            "responses": len(v.responses),
            "days_to_first_response": v.days_to_first_response, "days_to_fulfilment": v.days_to_fulfilment,
            "contested": bool(v.contested),
            "contested_statuses": LIST_SEPARATOR.join(f"{a.label}: {a.status}" for a in v.contested) or None,
            "robust": v.robust,
            "readings": LIST_SEPARATOR.join(f"{r.label}: {r.status}" for r in v.readings) or None,
            "sources": source_ids(v.request),
            "according_to": account.label if account else None,
            "as_of": as_of.isoformat() if as_of else None,
            "dataset_version": BUNDLED_DATA_VERSION if bundled else None,
            "cstograph_version": __version__,
        })
        for record in v.sources:
            cited.setdefault(record.source, record)
        for r in sorted(v.responses, key=lambda r: (r.date, r.response)):
            responses.append({
                "response": r.response, "response_label": text(r.response, "label"),
                "description": text(r.response, "description"), "request": v.request,
                **ident("responder", r.responder, r.responder_label, cow=True),
                "type": r.type, "type_label": r.type_label or None, "date": _date(r.date), "fulfils": r.fulfils,
                "days_after_request": v.days_to(r.date), "sources": source_ids(r.response),
            })
            for record in node_sources.get(r.response, ()):
                cited.setdefault(record.source, record)

    allied = kg.data.copy(kg.viewpoint(according_to, as_of))
    materialise(allied, with_reasons=False, with_graph=False, prove=False)
    allies = []
    for r in run_named_text(allied, "ally-responses"):
        duty = AllyDuty(
            request=str(r["request"]), request_date=str(r["requestDate"]), requester=str(r["requester"]),
            alliance=str(r["alliance"]), ally=str(r["ally"]), status=str(r["status"]),
            own_responses=sorted_list(r["ownResponses"]),
            direct_fulfilment=cell_text_or_none(r["directFulfilment"]), alliance_fulfilment=cell_text_or_none(r["allianceFulfilment"]))
        allies.append({
            "request": duty.request, "request_date": _date(duty.request_date), "requester": duty.requester,
            "requester_label": cell_text_or_none(r["requesterLabel"]), "alliance": duty.alliance, "alliance_label": cell_text_or_none(r["allianceLabel"]),
            **ident("ally", duty.ally, cell_text_or_none(r["allyLabel"]), cow=True),
            "status": duty.status, "own_responses": duty.own_responses or None,
            "direct_fulfilment": _date(duty.direct_fulfilment), "alliance_fulfilment": _date(duty.alliance_fulfilment),
            "honoured": duty.honoured, "days_to_fulfilment": duty.days_to_fulfilment,
        })
    allies.sort(key=lambda row: (row["request_date"] or "", row["request"], row["ally"]))

    facts = fact_rows(kg.data.engine)
    _merge_facts(requests, facts.rows["requests"], "request", whole=according_to is None and as_of is None)
    _merge_facts(responses, facts.rows["responses"], "response", whole=according_to is None and as_of is None)
    sources = facts.rows["sources"]
    listed = {row["source"] for row in sources}
    for s in sorted(cited.values(), key=lambda s: s.source):  # cited, not typed cg:Source: from its lookups
        if s.source not in listed:
            sources.append({"source": s.source, "title": s.title or None, "publisher": s.publisher or None,
                            "issued": s.issued or None, "url": s.url or None})
    concordance = [
        {"request": r.request, "date": _date(r.date), "status": r.status, "atop_id": r.atop_id, "cow_war": r.cow_war,
         "war_label": r.war_label, "observation": r.occasion, "source_record": r.source_record or None,
         "llm": r.llm or None, "bf": r.bf or None, "llm_lenient": r.llm_lenient or None, "bf_lenient": r.bf_lenient or None,
         "agrees_with_llm": r.agrees_with_llm, "agrees_with_bf": r.agrees_with_bf,
         "readings_giving_llm": LIST_SEPARATOR.join(r.readings_agreeing_with(r.llm)) or None,
         "readings_giving_bf": LIST_SEPARATOR.join(r.readings_agreeing_with(r.bf)) or None}
        for r in kg.concordance(according_to, as_of)
    ]
    metadata = {
        "cstograph_version": __version__,
        "dataset_version": BUNDLED_DATA_VERSION if bundled else None,
        "according_to": account.label if account else None,
        "as_of": as_of.isoformat() if as_of else None,
    }
    computed = {"requests": requests, "responses": responses, "allies": allies, "sources": sources,
                "concordance": concordance}
    tables = {spec.name: computed.get(spec.name, facts.rows.get(spec.name)) for spec in TABLES}
    specs = tuple(extended(spec, facts.extra.get(spec.name, [])) for spec in TABLES)
    for spec in specs:
        _typed(spec, tables[spec.name])
    return Dataset(tables, metadata, specs, blank_nodes=facts.blank)


_CONFORMS = {"date": lambda v: _date(v) == v, "integer": lambda v: _int(v) is not None and str(_int(v)) == v,
             "boolean": lambda v: v in ("true", "false")}


def _typed(spec: TableSpec, rows: list[dict]) -> None:
    """Cells of a typed column (date, integer, boolean) that are not of its type become empty: only
    ill-typed data (exported with --force) has them, and Stata, pandas and the data package need the type."""
    typed = [(f.name, _CONFORMS[f.type]) for f in spec.fields if f.type in _CONFORMS]
    for row in rows:
        for name, conforms in typed:
            value = row.get(name)
            if isinstance(value, str) and not conforms(value):
                row[name] = None
            elif value is not None and f"{value}" == "" :
                row[name] = None


def _merge_facts(rows: list[dict], facts: list[dict], key: str, whole: bool) -> None:
    """Put the fact cells of each node's undisputed row into its computed row; when the export is of
    all the data, append the rows of accounts and of nodes no verdict reached."""
    base = {row[key]: row for row in facts if not row.get(IN_ACCOUNT)}
    present = set()
    for row in rows:
        fact = base.get(row[key])
        if fact is not None:
            row.update(fact)
            present.add(row[key])
    if whole:  # a viewpoint's verdicts already read its account; its rows would only repeat them
        rows.extend(dict(row) for row in facts if row.get(IN_ACCOUNT) or row[key] not in present)


def codebook_markdown() -> str:
    """docs/codebook.md: every table and column of the export, from the same schema the writers use."""
    lines = [
        "# Codebook: cstograph export",
        "",
        "The tables `cstograph export -o FILE` writes and `cstograph import cases` reads. Generated from",
        "the schema in `src/cstograph/base/table_schema.py` (the data package's `datapackage.json` carries the",
        "same descriptions); do not edit by hand: regenerate with",
        "`CSTOGRAPH_REGENERATE=1 pytest -q tests/test_export.py` (a test fails while it is stale).",
        "",
        "Files: `FILE.csv` or `FILE.dta` holds the requests, and the other tables go beside it as",
        "`FILE-responses.csv`, `FILE-allies.csv`, `FILE-sources.csv`, `FILE-states.csv`, `FILE-concordance.csv`, ... (`.dta` alike); `FILE.json` holds",
        "`{\"cstograph_version\", \"dataset_version\", \"according_to\", \"as_of\", \"tables\": {TABLE: [rows]}}`;",
        "a data package is a folder with `datapackage.json` and `TABLE.csv` for each table.",
        "",
        "Cells: an empty cell is a missing value (Stata `.`, JSON `null`); booleans are `true`/`false`",
        "(Stata 1/0); dates are YYYY-MM-DD (Stata `%td`); lists of ids are separated by `; `. Ids are IRIs.",
        f"The bundled graphs' release is {BUNDLED_DATA_VERSION} (`cstograph --version` prints it).",
        "",
        "Columns marked *imported* are the ones `cstograph import cases` reads (docs/import.md); the others",
        "are computed from the data and ignored on import. Every fact the data holds about a node of these",
        "kinds is in a table: a property without a column of its own gets one named by its prefixed name,",
        "its cells in Turtle syntax. Literal cells are bare when they have the column's type (English for",
        "prose), else in Turtle syntax (`\"Договор\"@ru`); lists of literals go one per line.",
        "`in_account` names the account (named graph) a row's facts belong to.",
    ]
    for spec in TABLES:
        key = f" Key: `{spec.primary_key}`." if spec.primary_key else ""
        lines += ["", f"## {spec.name}", "", spec.description + key, "",
                  "| column | type | imported | description |", "|---|---|---|---|"]
        for f in spec.fields:
            lines.append(f"| `{f.name}` | {f.type} | {'yes' if f.imported else ''} | {f.description.replace('|', '/')} |")
    return "\n".join(lines) + "\n"

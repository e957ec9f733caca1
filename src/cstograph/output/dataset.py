"""The verdicts as flat tables for R, Stata and pandas: the tables, their schema, the codebook.

One schema (``TABLES``) describes every column once; the CSV, JSON, Stata and data-package
writers (``dataset_files``), the codebook (``docs/codebook.md``) and the case importer
(``cstograph.reading.importers.cases``) all read it, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: The release of the bundled graphs (``graphs/``): the day their facts were last revised.
BUNDLED_DATA_VERSION = "2026-11-30"

LIST_SEPARATOR = "; "  # between the ids of a list cell (events, sources)


@dataclass(frozen=True)
class Field:
    """One column: ``type`` is a Table Schema type (string, integer, boolean, date); ``imported``
    marks the columns ``cstograph import cases`` reads (the others are computed and ignored)."""

    name: str
    type: str
    description: str
    imported: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: str | None = None
    references_requests: bool = False  # its 'request' column names a row of the requests table

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _identified(prefix: str, noun: str, role: str, atop: bool = False, cow: bool = False,
                imported: bool = False) -> tuple[Field, ...]:
    """The id, label and research identifiers of a node a row names (``role`` says what it is)."""
    on_import = " On import also a prefixed name (cgd:Armenia) or its label." if imported else ""
    fields = [
        Field(prefix, "string", f"{role[0].upper()}{role[1:]}: its IRI.{on_import}", imported=imported),
        Field(f"{prefix}_label", "string", f"The {noun}'s label (rdfs:label)."
              + (" On import it names the node when the id column is empty." if imported else ""), imported=imported),
    ]
    if atop:
        fields.append(Field(f"{prefix}_atop", "integer", f"The {noun}'s ATOP id (cg:atopId), where the graph records it."))
    if cow:
        fields.append(Field(f"{prefix}_cow", "integer",
                            f"The {noun}'s Correlates of War state code (cg:cowCode), where the graph records it."))
    fields.append(Field(f"{prefix}_wikidata", "string",
                        f"The {noun}'s Wikidata item (cg:wikidata or owl:sameAs), where the graph records it."))
    return tuple(fields)


REQUESTS = TableSpec(
    "requests",
    "One row per assistance request: who asked whom under which clause, the verdict and why, the delays, "
    "what each account makes of it, and the sources.",
    (
        Field("request", "string", "The request's IRI (its id). On import: empty mints one from date, requester and "
              "addressee.", imported=True),
        Field("request_label", "string", "The request's label (rdfs:label).", imported=True),
        Field("description", "string", "What was asked, in a few sentences (dcterms:description).", imported=True),
        Field("date", "date", "The day of the request (cg:date), YYYY-MM-DD.", imported=True),
        *_identified("requester", "requester", "the requesting state", cow=True, imported=True),
        *_identified("addressee", "addressee", "the state or alliance asked for help", cow=True, imported=True),
        Field("clause", "string", "The obligation invoked (cg:invokes): its IRI. On import also a prefixed name or "
              "its label.", imported=True),
        Field("clause_label", "string", "The obligation's label, e.g. 'Article 4 of the Collective Security Treaty'."
              " On import it names the clause when the clause column is empty.", imported=True),
        *_identified("treaty", "treaty", "the treaty of the clause (cg:inTreaty)", atop=True),
        *_identified("alliance", "alliance", "the alliance founded on the treaty of which the requester was a member "
                     "on the date (empty when none)", atop=True),
        Field("events", "string", "The events the request concerns (cg:concerns): IRIs (on import also prefixed names "
              "or labels), separated by '; '.", imported=True),
        Field("status", "string", "The verdict: 'met', 'unmet' or 'not-triggered' (the data contract's rules)."),
        Field("reason", "string", "Why: one sentence naming the deciding fact."),
        Field("triggered", "boolean", "Whether the request triggered the obligation (status met or unmet)."),
        Field("responses", "integer", "The number of responses recorded (rows of the responses table)."),
        Field("days_to_first_response", "integer", "Days from the request to its first response (empty: none)."),
        Field("days_to_fulfilment", "integer",
              "Days from the request to its first response of a type that fulfils the obligation (empty: none)."),
        Field("contested", "boolean",
              "Whether some account's view of the data gives this request another status (see contested_statuses)."),
        Field("contested_statuses", "string", "For a contested request, the status of every account that asserts "
              "something about its facts or gives another status: 'ACCOUNT: STATUS' separated by '; ', accounts by "
              "IRI (empty when not contested)."),
        Field("sources", "string", "The request's sources (dcterms:source): IRIs separated by '; ' (details in the "
              "sources table). At least one on import.", imported=True),
        Field("according_to", "string",
              "The account the verdicts were computed on (--according-to); empty: the undisputed data."),
        Field("as_of", "date", "The day the data was seen as known on (--as-of); empty: everything recorded."),
        Field("dataset_version", "string",
              "The release of the bundled graphs the export read (empty when it read other data)."),
        Field("cstograph_version", "string", "The cstograph version that computed the verdicts."),
    ),
    primary_key="request",
)

RESPONSES = TableSpec(
    "responses",
    "One row per response to a request: who responded, how, when, and whether it fulfils the obligation.",
    (
        Field("response", "string", "The response's IRI (its id). On import: empty mints one from the request, "
              "responder and date.", imported=True),
        Field("response_label", "string", "The response's label (rdfs:label).", imported=True),
        Field("description", "string", "What was done or said (dcterms:description).", imported=True),
        Field("request", "string", "The request it responds to (cg:respondsTo): an id of the requests table "
              "(on import also any request the data already holds).", imported=True),
        *_identified("responder", "responder", "the responding state or alliance", cow=True, imported=True),
        Field("type", "string", "The response type (cg:responseType): its IRI, e.g. "
              "https://w3id.org/cstograph/ns#MilitaryDeployment; on import also cg:MilitaryDeployment or its label.",
              imported=True),
        Field("type_label", "string", "The response type's label, e.g. 'military deployment'."
              " On import it names the type when the type column is empty.", imported=True),
        Field("date", "date", "The day of the response (cg:date), YYYY-MM-DD.", imported=True),
        Field("fulfils", "boolean", "Whether its type fulfils the obligation invoked (cg:fulfils)."),
        Field("days_after_request", "integer", "Days from the request to this response."),
        Field("sources", "string", "The response's sources (dcterms:source): IRIs separated by '; '. At least one "
              "on import.", imported=True),
    ),
    primary_key="response",
    references_requests=True,
)

ALLIES = TableSpec(
    "allies",
    "One row per obliged ally of each triggered request (the alliance's members on the date other than the "
    "requester and the attackers) and what it did, directly or through the alliance.",
    (
        Field("request", "string", "The triggered request (an id of the requests table)."),
        Field("request_date", "date", "The day of the request."),
        Field("requester", "string", "The requesting state's IRI."),
        Field("requester_label", "string", "The requesting state's label."),
        Field("alliance", "string", "The alliance whose obligation was triggered: its IRI."),
        Field("alliance_label", "string", "The alliance's label."),
        *_identified("ally", "ally", "the obliged ally", cow=True),
        Field("status", "string", "The request's status ('met' or 'unmet')."),
        Field("own_responses", "string", "The types of the ally's own responses, separated by ', ' (empty: none)."),
        Field("direct_fulfilment", "date", "The day of the ally's own first fulfilling response (empty: none)."),
        Field("alliance_fulfilment", "date", "The day of the alliance's first fulfilling response (empty: none)."),
        Field("honoured", "boolean", "Whether the ally honoured the obligation, itself or through the alliance."),
        Field("days_to_fulfilment", "integer", "Days from the request to the first fulfilment, own or the "
              "alliance's (empty: none)."),
    ),
    references_requests=True,
)

SOURCES = TableSpec(
    "sources",
    "One row per source cited by a request or a response: what the 'sources' cells point to.",
    (
        Field("source", "string", "The source's IRI (its id), as the sources cells name it.", imported=True),
        Field("title", "string", "Its title (dcterms:title); required on import for a source the data does not "
              "hold yet.", imported=True),
        Field("publisher", "string", "Its publisher (dcterms:publisher).", imported=True),
        Field("issued", "string", "Its publication date (dcterms:issued): YYYY-MM-DD, YYYY-MM or YYYY.", imported=True),
        Field("url", "string", "Where to read it (foaf:page).", imported=True),
    ),
    primary_key="source",
)

CONCORDANCE = TableSpec(
    "concordance",
    "One row per request and published alliance-war observation of the same alliance (ATOP id) in the same "
    "war (Correlates of War number): this project's verdict beside the Leeds-Long-Mitchell (LLM) and "
    "Berkemeier-Fuhrmann (BF) codings in the BF replication data (cstograph concordance; docs/concordance.md "
    "says why each bundled row differs). Empty when the data holds no matching observation.",
    (
        Field("request", "string", "The request (an id of the requests table)."),
        Field("date", "date", "The day of the request."),
        Field("status", "string", "This project's verdict on the request ('met', 'unmet', 'not-triggered')."),
        Field("atop_id", "integer", "The ATOP id shared by the request's treaty or alliance and the observation."),
        Field("cow_war", "integer", "The Correlates of War number of the war (cg:cowWarNumber of an event the request "
              "concerns and of the observation's war)."),
        Field("war_label", "string", "The war's name in the published data, e.g. 'World War II'."),
        Field("observation", "string", "The observation's IRI (a cg:WarOccasion)."),
        Field("source_record", "string", "The observation's row in the published file, 'FILE:row N'."),
        Field("llm", "string", "The LLM coding of the observation: 'honoured', 'violated' or 'does-not-apply'."),
        Field("bf", "string", "The BF coding of the observation, the same values."),
        Field("llm_lenient", "string", "The LLM coding, a multilateral alliance honoured when one ally helped."),
        Field("bf_lenient", "string", "The BF coding, a multilateral alliance honoured when one ally helped."),
        Field("agrees_with_llm", "boolean", "Whether this project's verdict is the LLM one (met = honoured, unmet = "
              "violated, not-triggered = does-not-apply); empty when there is nothing to compare."),
        Field("agrees_with_bf", "boolean", "Whether this project's verdict is the BF one, compared alike."),
        Field("readings_giving_llm", "string", "Where the verdict differs from the LLM one: the readings of the coding "
              "manual under which it is the LLM one (labels separated by '; ')."),
        Field("readings_giving_bf", "string", "The same for the BF coding."),
    ),
    references_requests=True,
)

TABLES: tuple[TableSpec, ...] = (REQUESTS, RESPONSES, ALLIES, SOURCES, CONCORDANCE)


@dataclass(frozen=True)
class Dataset:
    """The export: one list of rows (dicts keyed by the schema's column names) per table, and the
    metadata every format carries (software and data versions, viewpoint)."""

    tables: dict[str, list[dict]]
    metadata: dict[str, str | None] = field(default_factory=dict)

    def to_pandas(self) -> dict:
        """One pandas DataFrame per table, typed by the schema (dates as datetime64, integers and
        booleans nullable); pandas is not a dependency: install it to use this."""
        try:
            import pandas
        except ImportError:
            from cstograph.errors import CstographError

            raise CstographError("to_pandas() needs pandas", hint="pip install pandas") from None
        dtypes = {"integer": "Int64", "boolean": "boolean", "string": "string"}
        frames = {}
        for spec in TABLES:
            frame = pandas.DataFrame(self.tables[spec.name], columns=list(spec.names))
            for f in spec.fields:
                if f.type == "date":
                    frame[f.name] = pandas.to_datetime(frame[f.name], format="%Y-%m-%d")
                else:
                    frame[f.name] = frame[f.name].astype(dtypes[f.type])
            frames[spec.name] = frame
        return frames


# ---------------------------------------------------------------- building the tables


def _s(value) -> str | None:
    return None if value is None else str(value)


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
    from cstograph import __version__
    from cstograph.engines.queries import run_named_text
    from cstograph.rules.allies import AllyDuty
    from cstograph.rules.classify import sources_by_node
    from cstograph.rules.infer import materialise

    verdicts = kg.verdicts(according_to, as_of)
    engine = kg.engine(according_to, as_of)
    # rows as text: every cell below is written as text, and on Oxigraph text skips the rdflib terms
    ids = {r["node"]: r for r in run_named_text(engine, "identifiers")}
    texts = {r["node"]: r for r in run_named_text(engine, "case-texts")}
    treaties: dict[str, str | None] = {}
    events: dict[str, list[str]] = {}
    for row in run_named_text(engine, "request-details"):
        treaties[row["request"]] = row["treaty"]
        if row["event"] is not None:
            events.setdefault(row["request"], []).append(row["event"])
    node_sources = sources_by_node(engine)
    account = kg.data.account(according_to) if according_to is not None else None

    def ident(prefix: str, iri: str | None, label: str | None = None, atop=False, cow=False) -> dict:
        row = ids.get(iri or "", {})
        cells = {prefix: iri or None, f"{prefix}_label": label or _s(row.get("label")) or None}
        if atop:
            cells[f"{prefix}_atop"] = _int(row.get("atopId"))
        if cow:
            cells[f"{prefix}_cow"] = _int(row.get("cowCode"))
        cells[f"{prefix}_wikidata"] = _s(row.get("wikidata"))
        return cells

    def text(iri: str, key: str) -> str | None:
        return _s(texts.get(iri, {}).get(key))

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
            own_responses=", ".join(sorted(_s(r["ownResponses"]).split(", "))) if r["ownResponses"] is not None else "",
            direct_fulfilment=_s(r["directFulfilment"]), alliance_fulfilment=_s(r["allianceFulfilment"]))
        allies.append({
            "request": duty.request, "request_date": _date(duty.request_date), "requester": duty.requester,
            "requester_label": _s(r["requesterLabel"]), "alliance": duty.alliance, "alliance_label": _s(r["allianceLabel"]),
            **ident("ally", duty.ally, _s(r["allyLabel"]), cow=True),
            "status": duty.status, "own_responses": duty.own_responses or None,
            "direct_fulfilment": _date(duty.direct_fulfilment), "alliance_fulfilment": _date(duty.alliance_fulfilment),
            "honoured": duty.honoured, "days_to_fulfilment": duty.days_to_fulfilment,
        })
    allies.sort(key=lambda row: (row["request_date"] or "", row["request"], row["ally"]))

    sources = [
        {"source": s.source, "title": s.title or None, "publisher": s.publisher or None,
         "issued": s.issued or None, "url": s.url or None}
        for s in sorted(cited.values(), key=lambda s: s.source)
    ]
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
    return Dataset({"requests": requests, "responses": responses, "allies": allies, "sources": sources,
                    "concordance": concordance}, metadata)



def codebook_markdown() -> str:
    """docs/codebook.md: every table and column of the export, from the same schema the writers use."""
    lines = [
        "# Codebook: cstograph export",
        "",
        "The tables `cstograph export -o FILE` writes and `cstograph import cases` reads. Generated from",
        "the schema in `src/cstograph/output/dataset.py` (the data package's `datapackage.json` carries the",
        "same descriptions); do not edit by hand: regenerate with",
        "`CSTOGRAPH_REGENERATE=1 pytest -q tests/test_export.py` (a test fails while it is stale).",
        "",
        "Files: `FILE.csv` or `FILE.dta` holds the requests, and the other tables go beside it as",
        "`FILE-responses.csv`, `FILE-allies.csv`, `FILE-sources.csv`, `FILE-concordance.csv` (`.dta` alike); `FILE.json` holds",
        "`{\"cstograph_version\", \"dataset_version\", \"according_to\", \"as_of\", \"tables\": {TABLE: [rows]}}`;",
        "a data package is a folder with `datapackage.json` and `TABLE.csv` for each table.",
        "",
        "Cells: an empty cell is a missing value (Stata `.`, JSON `null`); booleans are `true`/`false`",
        "(Stata 1/0); dates are YYYY-MM-DD (Stata `%td`); lists of ids are separated by `; `. Ids are IRIs.",
        f"The bundled graphs' release is {BUNDLED_DATA_VERSION} (`cstograph --version` prints it).",
        "",
        "Columns marked *imported* are the ones `cstograph import cases` reads (docs/import.md); the others",
        "are computed from the data and ignored on import.",
    ]
    for spec in TABLES:
        key = f" Key: `{spec.primary_key}`." if spec.primary_key else ""
        lines += ["", f"## {spec.name}", "", spec.description + key, "",
                  "| column | type | imported | description |", "|---|---|---|---|"]
        for f in spec.fields:
            lines.append(f"| `{f.name}` | {f.type} | {'yes' if f.imported else ''} | {f.description.replace('|', '/')} |")
    return "\n".join(lines) + "\n"

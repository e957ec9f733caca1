"""The schema of the export's flat tables, and the codebook that documents it.

One schema (``TABLES``) describes every column once; the tables (``cstograph.output.dataset``),
the CSV, JSON, Stata and data-package writers (``dataset_files``), the codebook
(``docs/codebook.md``) and the case importer (``cstograph.reading.importers.cases``) all read
it, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from cstograph.base.version import BUNDLED_DATA_VERSION

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
        Field("contested_statuses", "string", "For a contested request, every account's status: 'ACCOUNT: STATUS' "
              "separated by '; ', accounts by IRI (empty when not contested)."),
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

TABLES: tuple[TableSpec, ...] = (REQUESTS, RESPONSES, ALLIES, SOURCES)


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
        "`FILE-responses.csv`, `FILE-allies.csv`, `FILE-sources.csv` (`.dta` alike); `FILE.json` holds",
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

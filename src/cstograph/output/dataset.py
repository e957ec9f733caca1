"""The verdicts as flat tables for R, Stata and pandas: the tables, their schema, the codebook.

One schema (``TABLES``) describes every column once; the CSV, JSON, Stata and data-package
writers (``dataset_files``), the codebook (``docs/codebook.md``) and the case importer
(``cstograph.reading.importers.cases``) all read it, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cstograph.base.cells import cell_text_or_none, sorted_list
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
    fact: Fact | None = None  # the RDF property an imported column holds, and how its cells are written


@dataclass(frozen=True)
class Fact:
    """What a column's cells are in the graph: ``property`` (an IRI; ``rdf:type`` for the types
    column) and either ids of nodes (``values="iri"``; ``wanted``: the classes a named node must
    have, empty for any) or literals of ``datatype`` (None: a string) and ``language``. A list
    cell separates ids with '; ' and literals with a line break."""

    property: str
    values: str = "literal"
    datatype: str | None = None
    language: str | None = None
    wanted: tuple[str, ...] = ()
    required: bool = False  # a new node of the table's kind needs this column
    partial_dates: bool = False  # YYYY-MM and YYYY are read as xsd:gYearMonth and xsd:gYear too


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: str | None = None
    references_requests: bool = False  # its 'request' column names a row of the requests table
    kind: str | None = None  # the class of the nodes its rows describe (None: a computed table)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


CG = "https://w3id.org/cstograph/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
IN_ACCOUNT = "in_account"  # the column naming the account (named graph) a row's facts belong to


def _ids(name: str, prop: str, description: str, *wanted: str, required: bool = False) -> Field:
    """An imported column of node ids (IRIs; on import also prefixed names or labels)."""
    return Field(name, "string", description, imported=True, fact=Fact(prop, "iri", wanted=wanted, required=required))


def _literal(name: str, prop: str, description: str, *, kind: str = "string", language: str | None = None,
             required: bool = False) -> Field:
    """An imported column of literals: ``kind`` a Table Schema type (string, date, integer, boolean)."""
    datatype = {"string": None, "date": XSD + "date", "integer": XSD + "integer", "boolean": XSD + "boolean"}[kind]
    return Field(name, kind, description, imported=True,
                 fact=Fact(prop, datatype=datatype, language=language, required=required))


def _text(name: str, prop: str, description: str, required: bool = False) -> Field:
    """Prose in English (a literal tagged @en; another language is written as "text"@ru)."""
    return _literal(name, prop, description, language="en", required=required)


def _key(name: str, noun: str) -> Field:
    return Field(name, "string", f"The {noun}'s IRI (its id). On import also a prefixed name (cgd:...); an id the "
                 "reference data holds as a node of another kind is refused.", imported=True)


def _common(noun: str, *, skip: tuple[str, ...] = ()) -> tuple[Field, ...]:
    """The columns every kind of fact has: classes, names, notes, links, sources, and the account."""
    fields = (
        _ids("types", RDF_TYPE, f"The {noun}'s classes (rdf:type), separated by '; '. Empty on import: the "
             "table's class (rows of an account: no class stated).", OWL + "Class", RDFS + "Class"),
        _text("description", DCTERMS + "description", f"What the {noun} is, in a few sentences (dcterms:description)."),
        _text("comment", RDFS + "comment", "Notes on the modelling (rdfs:comment)."),
        _literal("alt_labels", SKOS + "altLabel", "Other names (skos:altLabel), one per line; "
                 "'\"Name\"@ru' for another language.", language="en"),
        _text("short_name", CG + "shortName", "The short name used in tables (cg:shortName)."),
        _text("definition", SKOS + "definition", "A definition (skos:definition)."),
        _ids("same_as", OWL + "sameAs", "The same node elsewhere (owl:sameAs)."),
        _ids("wikidata", CG + "wikidata", "The Wikidata item (cg:wikidata)."),
        _ids("sources", DCTERMS + "source", f"The {noun}'s sources (dcterms:source): ids separated by '; ' (the "
             "sources table describes them).", CG + "Source"),
        _literal("source_record", CG + "sourceRecord", "Where in an imported file the facts come from "
                 "(cg:sourceRecord FILE:ROW), one per line."),
        Field(IN_ACCOUNT, "string", "The account (cg:Account, a named graph) the row's facts belong to: empty for "
              "the undisputed data. A node may have one row per account.", imported=True),
    )
    return tuple(f for f in fields if f.name not in skip)


def _identified(prefix: str, noun: str, role: str, atop: bool = False, cow: bool = False,
                imported: Fact | None = None) -> tuple[Field, ...]:
    """The id, label and research identifiers of a node a row names (``role`` says what it is)."""
    on_import = " On import also a prefixed name (cgd:Armenia) or its label." if imported else ""
    fields = [
        Field(prefix, "string", f"{role[0].upper()}{role[1:]}: its IRI.{on_import}", imported=bool(imported),
              fact=imported),
        Field(f"{prefix}_label", "string", f"The {noun}'s label (rdfs:label)."
              + (" On import it names the node when the id column is empty." if imported else ""),
              imported=bool(imported)),
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
        _text("request_label", RDFS + "label", "The request's label (rdfs:label)."),
        _text("description", DCTERMS + "description", "What was asked, in a few sentences (dcterms:description)."),
        _literal("date", CG + "date", "The day of the request (cg:date), YYYY-MM-DD.", kind="date", required=True),
        *_identified("requester", "requester", "the requesting state", cow=True,
                     imported=Fact(CG + "requester", "iri", wanted=(CG + "State",), required=True)),
        *_identified("addressee", "addressee", "the state or alliance asked for help", cow=True,
                     imported=Fact(CG + "addressee", "iri", wanted=(CG + "Alliance", CG + "State"), required=True)),
        _ids("clause", CG + "invokes", "The obligation invoked (cg:invokes): its IRI. On import also a prefixed name "
             "or its label.", CG + "Obligation", required=True),
        Field("clause_label", "string", "The obligation's label, e.g. 'Article 4 of the Collective Security Treaty'."
              " On import it names the clause when the clause column is empty.", imported=True),
        *_identified("treaty", "treaty", "the treaty of the clause (cg:inTreaty)", atop=True),
        *_identified("alliance", "alliance", "the alliance founded on the treaty of which the requester was a member "
                     "on the date (empty when none)", atop=True),
        _ids("events", CG + "concerns", "The events the request concerns (cg:concerns): IRIs (on import also prefixed "
             "names or labels), separated by '; '.", CG + "Event", required=True),
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
        Field("robust", "boolean", "Whether every reading of the coding manual (docs/coding.md) gives this request "
              "the same status (docs/coding.md names the readings)."),
        Field("readings", "string", "For a verdict that is not robust, each reading that gives another status: "
              "'READING: STATUS' separated by '; ', readings by label."),
        _ids("sources", DCTERMS + "source", "The request's sources (dcterms:source): IRIs separated by '; ' (details "
             "in the sources table). At least one on import.", CG + "Source", required=True),
        Field("according_to", "string",
              "The account the verdicts were computed on (--according-to); empty: the undisputed data."),
        Field("as_of", "date", "The day the data was seen as known on (--as-of); empty: everything recorded."),
        Field("dataset_version", "string",
              "The release of the bundled graphs the export read (empty when it read other data)."),
        Field("cstograph_version", "string", "The cstograph version that computed the verdicts."),
        _ids("invoked_by", CG + "invokedBy", "For a collective invocation: the state or alliance that invoked the "
             "clause (cg:invokedBy).", CG + "State", CG + "Alliance"),
        _literal("beneficiary_asked_for_help", CG + "beneficiaryAskedForHelp", "For a collective invocation: whether "
                 "the beneficiary is on record asking for help (cg:beneficiaryAskedForHelp).", kind="boolean"),
        *_common("request", skip=("description", "sources")),
    ),
    primary_key="request",
    kind=CG + "AssistanceRequest",
)

RESPONSES = TableSpec(
    "responses",
    "One row per response to a request: who responded, how, when, and whether it fulfils the obligation.",
    (
        Field("response", "string", "The response's IRI (its id). On import: empty mints one from the request, "
              "responder and date.", imported=True),
        _text("response_label", RDFS + "label", "The response's label (rdfs:label)."),
        _text("description", DCTERMS + "description", "What was done or said (dcterms:description)."),
        _ids("request", CG + "respondsTo", "The request it responds to (cg:respondsTo): an id or label of the requests "
             "table (on import also any request the data already holds).", CG + "AssistanceRequest", required=True),
        *_identified("responder", "responder", "the responding state or alliance", cow=True,
                     imported=Fact(CG + "responder", "iri", wanted=(CG + "State", CG + "Alliance"), required=True)),
        _ids("type", CG + "responseType", "The response type (cg:responseType): its IRI, e.g. "
             "https://w3id.org/cstograph/ns#MilitaryDeployment; on import also cg:MilitaryDeployment or its label.",
             CG + "ResponseType", required=True),
        Field("type_label", "string", "The response type's label, e.g. 'military deployment'."
              " On import it names the type when the type column is empty.", imported=True),
        _literal("date", CG + "date", "The day of the response (cg:date), YYYY-MM-DD.", kind="date", required=True),
        Field("fulfils", "boolean", "Whether its type fulfils the obligation invoked (cg:fulfils)."),
        Field("days_after_request", "integer", "Days from the request to this response."),
        _ids("sources", DCTERMS + "source", "The response's sources (dcterms:source): IRIs separated by '; '. At "
             "least one on import.", CG + "Source", required=True),
        _ids("help_stage", CG + "helpStage", "How far the help went (cg:helpStage: announced, promised, offered, "
             "delivered); empty: delivered."),
        *_common("response", skip=("description", "sources")),
    ),
    primary_key="response",
    references_requests=True,
    kind=CG + "Response",
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
        _text("title", DCTERMS + "title", "Its title (dcterms:title); required on import for a source the data does "
              "not hold yet.", required=True),
        _literal("publisher", DCTERMS + "publisher", "Its publisher (dcterms:publisher)."),
        Field("issued", "string", "Its publication date (dcterms:issued): YYYY-MM-DD, YYYY-MM or YYYY.", imported=True,
              fact=Fact(DCTERMS + "issued", datatype=XSD + "date", partial_dates=True)),
        _ids("url", "http://xmlns.com/foaf/0.1/page", "Where to read it (foaf:page); several separated by '; '."),
        _literal("creator", DCTERMS + "creator", "Its authors (dcterms:creator), one per line."),
        _text("citation", DCTERMS + "bibliographicCitation", "How to cite it (dcterms:bibliographicCitation)."),
        _text("rights", DCTERMS + "rights", "Its terms of reuse (dcterms:rights)."),
        _ids("license", DCTERMS + "license", "Its licence (dcterms:license)."),
        *_common("source", skip=("sources",)),
    ),
    primary_key="source",
    kind=CG + "Source",
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


# ---------------------------------------------------------------- the other facts, one table per kind


def _span() -> tuple[Field, Field]:
    return (_literal("start_date", CG + "startDate", "The day it began (cg:startDate).", kind="date"),
            _literal("end_date", CG + "endDate", "The day it ended (cg:endDate).", kind="date"))


def _facts(name: str, kind: str, key: str, noun: str, description: str, *fields: Field) -> TableSpec:
    """A table of the facts about one kind of node: the key, its label, its own columns, the common ones."""
    label = _text(f"{key}_label", RDFS + "label", f"The {noun}'s label (rdfs:label).")
    return TableSpec(name, description, (_key(key, noun), label, *fields, *_common(noun)), primary_key=key,
                     kind=CG + kind)


STATES = _facts("states", "State", "state", "state", "One row per state.",
                _literal("cow_code", CG + "cowCode", "Its Correlates of War state code (cg:cowCode).", kind="integer"))
ALLIANCES = _facts(
    "alliances", "Alliance", "alliance", "alliance", "One row per alliance (and guarantee).",
    _ids("founded_on", CG + "foundedOn", "The treaties it rests on (cg:foundedOn), separated by '; '.", CG + "Treaty"),
    _ids("alliance_form", CG + "allianceForm", "cg:Bilateral or cg:Multilateral (cg:allianceForm)."),
    _literal("atop_id", CG + "atopId", "Its ATOP id (cg:atopId).", kind="integer"),
    _ids("guarantor", CG + "guarantor", "For a guarantee: the guarantor states (cg:guarantor).", CG + "State"),
    _ids("guaranteed_state", CG + "guaranteedState", "For a guarantee: the guaranteed state (cg:guaranteedState).",
         CG + "State"))
TREATIES = _facts(
    "treaties", "Treaty", "treaty", "treaty", "One row per treaty.",
    _literal("signed_on", CG + "signedOn", "The day it was signed (cg:signedOn).", kind="date"),
    _literal("in_force_from", CG + "inForceFrom", "The day it entered into force (cg:inForceFrom).", kind="date"),
    _literal("atop_id", CG + "atopId", "Its ATOP id (cg:atopId).", kind="integer"))
CLAUSES = _facts(
    "clauses", "Obligation", "clause", "clause", "One row per clause (cg:Obligation): what it obliges, when it "
    "applies and its words.",
    _ids("treaty", CG + "inTreaty", "The treaty it is in (cg:inTreaty).", CG + "Treaty"),
    _literal("article", CG + "article", "The article, e.g. 'Article 4' (cg:article)."),
    _ids("obligation_type", CG + "obligationType", "What it obliges (cg:obligationType), e.g. cg:CollectiveDefence.",
         CG + "ObligationType"),
    _ids("trigger_condition", CG + "triggerCondition", "When it applies (cg:triggerCondition), e.g. "
         "cg:ArmedAttackOnMemberTerritory.", CG + "TriggerCondition"),
    _ids("conditions", CG + "hasCondition", "ATOP's conditions (cg:hasCondition), separated by '; '.",
         CG + "ObligationCondition"),
    _ids("condition_adversary", CG + "conditionAdversary", "The states it applies against only "
         "(cg:conditionAdversary).", CG + "State"),
    _literal("trigger_text", CG + "triggerText", "The clause's words saying when it applies (cg:triggerText)."),
    _literal("undertaking_text", CG + "undertakingText", "The clause's words saying what the parties must do "
             "(cg:undertakingText)."))
MEMBERSHIPS = _facts(
    "memberships", "Membership", "membership", "membership", "One row per membership: a state in an alliance "
    "over a period.",
    _ids("member", CG + "member", "The member state (cg:member).", CG + "State"),
    _ids("alliance", CG + "alliance", "The alliance (cg:alliance).", CG + "Alliance"),
    _literal("start_date", CG + "startDate", "Its first day (cg:startDate).", kind="date"),
    _literal("end_date", CG + "endDate", "Its last day (cg:endDate); empty: still a member.", kind="date"),
    _ids("undertakes", CG + "undertakes", "The clauses the member undertakes (cg:undertakes).", CG + "Obligation"),
    Field("phase", "string", "ATOP phases covered (cg:phase: integers), one per line.", imported=True,
          fact=Fact(CG + "phase", datatype=XSD + "integer")))
CHANGES = _facts(
    "changes", "ParticipationChange", "change", "change", "One row per change in a member's participation "
    "(cg:ParticipationChange: a freeze, a suspension).",
    _ids("changed_by", CG + "changedBy", "The state whose participation changed (cg:changedBy).", CG + "State"),
    _ids("of_membership", CG + "ofMembership", "The membership concerned (cg:ofMembership).", CG + "Membership"),
    *_span())
SUSPENSIONS = _facts(
    "suspensions", "Suspension", "suspension", "suspension", "One row per suspension: a member's suspension of "
    "its obligations toward another member of the same alliance (cg:Suspension).",
    _ids("suspending_party", CG + "suspendingParty", "The state that suspends its obligations (cg:suspendingParty).",
         CG + "State"),
    _ids("suspended_toward", CG + "suspendedToward", "The state owed nothing while it lasts (cg:suspendedToward).",
         CG + "State"),
    _ids("suspended_in", CG + "suspendedIn", "The alliance concerned (cg:suspendedIn).", CG + "Alliance"),
    *_span())
EVENTS = _facts(
    "events", "Event", "event", "event", "One row per event (of the base data or of an account).",
    *_span(),
    _ids("attacker", CG + "attacker", "The attacking states (cg:attacker).", CG + "State"),
    _ids("on_territory_of", CG + "onTerritoryOf", "The states on whose territory it took place (cg:onTerritoryOf).",
         CG + "State"),
    _literal("cow_war_number", CG + "cowWarNumber", "The Correlates of War war it belongs to (cg:cowWarNumber).",
             kind="integer"))
ACCOUNTS = _facts(
    "accounts", "Account", "account", "account", "One row per account: a party's version of contested facts, "
    "kept in a named graph of the same IRI (the in_account cells of the other tables name it).",
    _ids("account_of", CG + "accountOf", "Whose account it is (cg:accountOf).", CG + "State", CG + "Alliance"))

#: Every table of facts: the tables an import reads (every row's id is known before any cell is resolved,
#: so a row may name a node of any table) and whose rows the export takes from the data.
FACT_TABLES: tuple[TableSpec, ...] = (SOURCES, STATES, ACCOUNTS, TREATIES, ALLIANCES, CLAUSES, MEMBERSHIPS, CHANGES,
                                      SUSPENSIONS, EVENTS, REQUESTS, RESPONSES)

TABLES: tuple[TableSpec, ...] = (REQUESTS, RESPONSES, ALLIES, SOURCES, STATES, ALLIANCES, MEMBERSHIPS, TREATIES,
                                 CLAUSES, EVENTS, CHANGES, SUSPENSIONS, ACCOUNTS, CONCORDANCE)


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
            import pandas
        except ImportError:
            from cstograph.errors import CstographError

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
    from cstograph.base.version import __version__
    from cstograph.engines.queries import run_named_text
    from cstograph.output.fact_tables import fact_rows
    from cstograph.rules.allies import AllyDuty
    from cstograph.rules.classify import sources_by_node
    from cstograph.rules.infer import materialise

    verdicts = kg.verdicts(according_to, as_of, readings=True)  # robust, and the readings that flip a verdict
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
    from cstograph.output.fact_tables import extended

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
        "the schema in `src/cstograph/output/dataset.py` (the data package's `datapackage.json` carries the",
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

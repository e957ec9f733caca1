"""The export's tables and columns: one schema (``TABLES``) describes every column once. The CSV,
JSON, Stata and data-package writers (``output/dataset_files.py``), the codebook
(``docs/codebook.md``) and the case importer (``reading/importers/cases.py``) all read it, so
they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

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

"""The cstograph vocabulary as an rdflib namespace; a typo in a term name raises AttributeError."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class CG(DefinedNamespace):
    _NS = Namespace("https://w3id.org/cstograph/ns#")
    _fail = True

    # classes
    State: URIRef
    Alliance: URIRef
    Treaty: URIRef
    Membership: URIRef
    Obligation: URIRef
    Event: URIRef
    ArmedAttack: URIRef
    InternalUnrest: URIRef
    Summit: URIRef
    AssistanceRequest: URIRef
    Response: URIRef
    Source: URIRef
    ObligationType: URIRef
    TriggerCondition: URIRef
    ResponseType: URIRef
    # properties
    foundedOn: URIRef
    signedOn: URIRef
    inForceFrom: URIRef
    member: URIRef
    alliance: URIRef
    startDate: URIRef
    endDate: URIRef
    inTreaty: URIRef
    article: URIRef
    obligationType: URIRef
    triggerCondition: URIRef
    requiresEventType: URIRef
    fulfils: URIRef
    attacker: URIRef
    onTerritoryOf: URIRef
    requester: URIRef
    addressee: URIRef
    invokes: URIRef
    concerns: URIRef
    date: URIRef
    respondsTo: URIRef
    responder: URIRef
    responseType: URIRef
    # accounts
    Account: URIRef
    accountOf: URIRef
    # derived terms (cstograph infer)
    RequestStatus: URIRef
    RequestStatuses: URIRef
    Met: URIRef
    Unmet: URIRef
    NotTriggered: URIRef
    status: URIRef
    statusReason: URIRef
    partyVia: URIRef
    triggeringEvent: URIRef
    triggeredObligation: URIRef
    fulfilledBy: URIRef
    obligedAlly: URIRef
    # concept schemes and concepts
    ObligationTypes: URIRef
    CollectiveDefence: URIRef
    Consultation: URIRef
    TriggerConditions: URIRef
    ArmedAttackOnMemberTerritory: URIRef
    ThreatToMember: URIRef
    ResponseTypes: URIRef
    MilitaryDeployment: URIRef
    ArmsSupply: URIRef
    Consultations: URIRef
    FactFindingMission: URIRef
    DiplomaticStatement: URIRef
    Refusal: URIRef

    # extension: imported research data (ATOP, alliance reliability)
    War: URIRef
    WarOccasion: URIRef
    FulfilmentAssessment: URIRef
    AllianceForm: URIRef
    ObligationCondition: URIRef
    StudyPeriod: URIRef
    CodingRule: URIRef
    Verdict: URIRef
    atopId: URIRef
    cowCode: URIRef
    wikidata: URIRef
    sourceRecord: URIRef
    allianceForm: URIRef
    undertakes: URIRef
    phase: URIRef
    hasCondition: URIRef
    atopCode: URIRef
    war: URIRef
    occasionAlliance: URIRef
    engagesObligationType: URIRef
    period: URIRef
    assessment: URIRef
    codingRules: URIRef
    verdict: URIRef
    AllianceForms: URIRef
    Bilateral: URIRef
    Multilateral: URIRef
    ObligationConditions: URIRef
    SpecificAdversary: URIRef
    SpecificLocation: URIRef
    SpecificConflict: URIRef
    NumberOfAdversaries: URIRef
    NonComplianceWithDemand: URIRef
    NonProvocation: URIRef
    PartnerAttacked: URIRef
    OnlyOnRequest: URIRef
    OffensiveSupport: URIRef
    Neutrality: URIRef
    NonAggression: URIRef
    MemberAtWar: URIRef
    ConflictBetweenMembers: URIRef
    StudyPeriods: URIRef
    Period1816to1944: URIRef
    Period1945to2003: URIRef
    CodingRules: URIRef
    LLMCoding: URIRef
    BFCoding: URIRef
    LLMLenientCoding: URIRef
    BFLenientCoding: URIRef
    Verdicts: URIRef
    DoesNotApply: URIRef
    Honoured: URIRef
    Violated: URIRef
    # the CSTO case base and cases beyond the CSTO (see docs/contract-extensions.md)
    ConsultationAndMeasures: URIRef
    AssistanceOffer: URIRef
    ParticipationChange: URIRef
    changedBy: URIRef
    ofMembership: URIRef
    shortName: URIRef
    CollectiveInvocation: URIRef
    CouncilConsultation: URIRef
    DeclarationOfWar: URIRef
    Guarantee: URIRef
    ThreatInTheOpinionOfAParty: URIRef
    onAnyTerritory: URIRef
    MilitarySupportMeasures: URIRef
    guaranteedState: URIRef
    guarantor: URIRef
    invokedBy: URIRef
    triggerText: URIRef
    # the coding manual (see docs/contract-extensions.md, "Coding manual")
    conditionAdversary: URIRef
    undertakingText: URIRef
    GuaranteeOfStatus: URIRef
    DiplomaticIntervention: URIRef
    ActionAgainstAttacker: URIRef
    CollectiveMeasures: URIRef
    helpStage: URIRef
    countsAsDelivered: URIRef
    HelpStage: URIRef
    HelpStages: URIRef
    HelpAnnounced: URIRef
    HelpPromised: URIRef
    HelpOffered: URIRef
    HelpDelivered: URIRef
    beneficiaryAskedForHelp: URIRef
    Suspension: URIRef
    suspendingParty: URIRef
    suspendedToward: URIRef
    suspendedIn: URIRef
    cowWarNumber: URIRef
    Reading: URIRef
    Readings: URIRef
    Pending: URIRef
    readingAdds: URIRef
    readingRemoves: URIRef
    ReadingDefault: URIRef
    ReadingThreatByJudgment: URIRef
    ReadingAnnouncedHelpCounts: URIRef
    ReadingHelpToAllyOnly: URIRef
    ReadingWarEntryCounts: URIRef
    ReadingCollectiveDecisionsCount: URIRef


ONTOLOGY_IRI = URIRef("https://w3id.org/cstograph/ns")
DATA = Namespace("https://w3id.org/cstograph/data/")

# The terms `cstograph infer` writes (ontology section "derived terms"). An account's view is
# computed from the facts, so these are left out of it when they come with the input: a file
# written by `infer --with-data` holds the undisputed view's verdicts, not an account's.
DERIVED_PREDICATES = frozenset({CG.status, CG.statusReason, CG.partyVia, CG.triggeringEvent,
                                CG.triggeredObligation, CG.fulfilledBy, CG.obligedAlly})

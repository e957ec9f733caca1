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


ONTOLOGY_IRI = URIRef("https://w3id.org/cstograph/ns")
DATA = Namespace("https://w3id.org/cstograph/data/")

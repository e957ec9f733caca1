"""Random small alliance graphs for cross-checking the independent formulations of the rules
(request-status, unmet-obligations, the infer rules, explain-events, and ``reference_statuses``
below, the rules written once more in plain Python over rdflib).

``random_graph(seed)`` uses only the contract's terms (the same graph for a seed as ever);
``random_graph(seed, manual=True)`` also uses the coding manual's terms: clauses naming their
adversaries, threat clauses by a party's judgment, guarantees of status, help stages and the
manual's response types, and suspensions between two members (cg:Suspension)."""

from __future__ import annotations

import datetime as dt
import functools
import random

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

CG = Namespace("https://w3id.org/cstograph/ns#")
EX = Namespace("http://example.org/random/")

EVENT_CLASSES = [CG.ArmedAttack, CG.InternalUnrest, CG.Event]
RESPONSE_TYPES = [CG.MilitaryDeployment, CG.ArmsSupply, CG.Consultations, CG.FactFindingMission,
                  CG.DiplomaticStatement, CG.Refusal]
MANUAL_RESPONSE_TYPES = RESPONSE_TYPES + [CG.DiplomaticIntervention, CG.ActionAgainstAttacker, CG.CollectiveMeasures,
                                          CG.DeclarationOfWar]
MANUAL_OBLIGATIONS = [(CG.GuaranteeOfStatus, CG.ArmedAttackOnMemberTerritory),
                      (CG.Consultation, CG.ThreatInTheOpinionOfAParty)]
HELP_STAGES = [CG.HelpAnnounced, CG.HelpPromised, CG.HelpOffered, CG.HelpDelivered]


def day(rng: random.Random, start: int = 1990, end: int = 2025) -> dt.date:
    return dt.date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))


def random_graph(seed: int, states: int = 6, alliances: int = 2, requests: int = 8, *, manual: bool = False) -> Graph:
    rng = random.Random(seed)
    extra = random.Random(seed + 7919)  # the manual's terms: drawn apart, so that the contract part stays the same
    g = Graph()
    src = EX.src
    g.add((src, DCTERMS.title, Literal("Random fixture")))
    state_nodes = [EX[f"S{i}"] for i in range(states)]
    for s in state_nodes:
        g.add((s, RDF.type, CG.State))
        g.add((s, RDFS.label, Literal(str(s).rsplit("/", 1)[1])))
    obligations = []
    for a in range(alliances):
        treaty, alliance = EX[f"T{a}"], EX[f"A{a}"]
        g.add((treaty, RDF.type, CG.Treaty))
        g.add((alliance, RDF.type, CG.Alliance))
        g.add((alliance, CG.foundedOn, treaty))
        kinds = [(CG.CollectiveDefence, CG.ArmedAttackOnMemberTerritory), (CG.Consultation, CG.ThreatToMember)]
        for kind, trigger in kinds + (MANUAL_OBLIGATIONS if manual else []):
            o = EX[f"O{a}{kind.split('#')[1]}{trigger.split('#')[1]}"] if manual else EX[f"O{a}{kind.split('#')[1]}"]
            g.add((o, RDF.type, CG.Obligation))
            g.add((o, CG.inTreaty, treaty))
            g.add((o, CG.article, Literal(f"Article {len(obligations) + 1}")))
            g.add((o, CG.obligationType, kind))
            g.add((o, CG.triggerCondition, trigger))
            if manual and extra.random() < 0.4:
                for adversary in extra.sample(state_nodes, extra.randint(1, 2)):
                    g.add((o, CG.conditionAdversary, adversary))
            obligations.append((o, alliance))
        for i, s in enumerate(rng.sample(state_nodes, rng.randint(2, states))):
            for period in range(rng.randint(1, 2)):
                m = EX[f"m{a}_{i}_{period}"]
                start = day(rng, 1990 + 15 * period, 2000 + 15 * period)
                g.add((m, RDF.type, CG.Membership))
                g.add((m, CG.member, s))
                g.add((m, CG.alliance, alliance))
                g.add((m, CG.startDate, Literal(start, datatype=XSD.date)))
                g.add((m, DCTERMS.source, src))
                if rng.random() < 0.5:
                    end = start + dt.timedelta(days=rng.randint(0, 4000))
                    g.add((m, CG.endDate, Literal(end, datatype=XSD.date)))
    for r in range(requests):
        requester = rng.choice(state_nodes)
        obligation, alliance = rng.choice(obligations)
        events = []
        for e in range(rng.randint(1, 2)):
            event = EX[f"e{r}_{e}"]
            when = day(rng)
            g.add((event, RDF.type, rng.choice(EVENT_CLASSES)))
            g.add((event, CG.startDate, Literal(when, datatype=XSD.date)))
            g.add((event, DCTERMS.source, src))
            territory = rng.choice([requester, requester, rng.choice(state_nodes), None])
            if territory is not None:
                g.add((event, CG.onTerritoryOf, territory))
            if rng.random() < 0.7:
                g.add((event, CG.attacker, rng.choice(state_nodes)))
            events.append((event, when))
        request = EX[f"r{r}"]
        asked = max(w for _, w in events) + dt.timedelta(days=rng.randint(0, 30))
        g.add((request, RDF.type, CG.AssistanceRequest))
        g.add((request, CG.requester, requester))
        g.add((request, CG.addressee, rng.choice([alliance, rng.choice(state_nodes)])))
        g.add((request, CG.invokes, obligation))
        for event, _ in events:
            g.add((request, CG.concerns, event))
        g.add((request, CG.date, Literal(asked, datatype=XSD.date)))
        g.add((request, DCTERMS.source, src))
        for x in range(rng.choice([0, 0, 1, 2, 3])):
            response = EX[f"x{r}_{x}"]
            g.add((response, RDF.type, CG.Response))
            g.add((response, CG.respondsTo, EX[f"r{rng.randint(0, r)}"]))
            g.add((response, CG.responder, rng.choice(state_nodes + [alliance])))
            g.add((response, CG.responseType, rng.choice(RESPONSE_TYPES)))
            if manual:
                g.set((response, CG.responseType, extra.choice(MANUAL_RESPONSE_TYPES)))
                if extra.random() < 0.5:
                    g.add((response, CG.helpStage, extra.choice(HELP_STAGES)))
            g.add((response, CG.date, Literal(asked + dt.timedelta(days=rng.randint(0, 60)), datatype=XSD.date)))
            g.add((response, DCTERMS.source, src))
    if manual:
        # suspensions between two members (coding manual, section 1.1): one per alliance, between
        # a requester and the state it asked where the graph has such a pair, else two members
        for a in range(alliances):
            alliance = EX[f"A{a}"]
            members = sorted({o for m in g.subjects(CG.alliance, alliance) for o in g.objects(m, CG.member)})
            pairs = sorted({(g.value(r, CG.addressee), g.value(r, CG.requester))
                            for r in g.subjects(RDF.type, CG.AssistanceRequest)
                            if {g.value(r, CG.addressee), g.value(r, CG.requester)} <= set(members)
                            and g.value(r, CG.addressee) != g.value(r, CG.requester)})
            if len(members) < 2 or extra.random() < 0.2:
                continue
            suspending, toward = extra.choice(pairs) if pairs and extra.random() < 0.7 else extra.sample(members, 2)
            if extra.random() < 0.5:
                suspending, toward = toward, suspending
            suspension = EX[f"suspension{a}"]
            start = day(extra, 1990, 2015)
            g.add((suspension, RDF.type, CG.Suspension))
            g.add((suspension, CG.suspendingParty, suspending))
            g.add((suspension, CG.suspendedToward, toward))
            g.add((suspension, CG.suspendedIn, alliance))
            g.add((suspension, CG.startDate, Literal(start, datatype=XSD.date)))
            g.add((suspension, DCTERMS.source, src))
            if extra.random() < 0.5:
                g.add((suspension, CG.endDate, Literal(start + dt.timedelta(days=extra.randint(0, 6000)), datatype=XSD.date)))
    return g


@functools.lru_cache(maxsize=1)
def _ontology() -> Graph:
    """The ontology, parsed once (parsing it took most of each reference_statuses call)."""
    from cstograph.reading.resources import ontology_path

    return Graph().parse(ontology_path())


def reference_statuses(data: Graph, edit=None) -> dict[str, str]:
    """Request IRI -> status by the rules of the contract and the coding manual, in Python over
    rdflib (not SPARQL): the membership, suspension (cg:Suspension between the requester and
    the addressee), trigger (territory or cg:onAnyTerritory, and cg:conditionAdversary) and fulfilment (cg:fulfils and cg:helpStage) tests one by one.
    ``edit``: a function that changes the ontology graph first (a reading, done by hand)."""
    from rdflib import Literal as Lit

    g = Graph()
    g += data
    if edit is None:
        g += _ontology()
    else:  # the edit changes a copy: the parsed ontology is shared
        copy = Graph()
        copy += _ontology()
        g += edit(copy)
    true = Lit(True)

    def types_of(node):
        return {c for t in g.objects(node, RDF.type) for c in g.transitive_objects(t, RDFS.subClassOf)}

    statuses = {}
    for request in set(g.subjects(RDF.type, CG.AssistanceRequest)):
        requester, obligation, date = g.value(request, CG.requester), g.value(request, CG.invokes), g.value(request, CG.date).toPython()
        treaty = g.value(obligation, CG.inTreaty)
        member = any(
            g.value(m, CG.member) == requester and g.value(m, CG.startDate).toPython() <= date
            and (g.value(m, CG.endDate) is None or date <= g.value(m, CG.endDate).toPython())
            for alliance in g.subjects(CG.foundedOn, treaty) for m in g.subjects(CG.alliance, alliance))
        condition = g.value(obligation, CG.triggerCondition)
        required = g.value(condition, CG.requiresEventType)
        anywhere = (condition, CG.onAnyTerritory, true) in g
        adversaries = set(g.objects(obligation, CG.conditionAdversary))
        triggered = member and any(
            required in types_of(event)
            and (anywhere or (event, CG.onTerritoryOf, requester) in g)
            and (not adversaries or adversaries & set(g.objects(event, CG.attacker)))
            for event in g.objects(request, CG.concerns))
        addressee = g.value(request, CG.addressee)

        suspended = any(
            {g.value(s, CG.suspendingParty), g.value(s, CG.suspendedToward)} == {requester, addressee}
            and g.value(s, CG.startDate).toPython() <= date
            and (g.value(s, CG.endDate) is None or date <= g.value(s, CG.endDate).toPython())
            for alliance in g.subjects(CG.foundedOn, treaty) for s in g.subjects(CG.suspendedIn, alliance))
        triggered = triggered and not suspended
        kind = g.value(obligation, CG.obligationType)
        fulfilled = any(
            (g.value(response, CG.responseType), CG.fulfils, kind) in g
            and (g.value(response, CG.helpStage) is None or (g.value(response, CG.helpStage), CG.countsAsDelivered, true) in g)
            for response in g.subjects(CG.respondsTo, request))
        statuses[str(request)] = "not-triggered" if not triggered else "met" if fulfilled else "unmet"
    return statuses

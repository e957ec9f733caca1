"""Random small alliance graphs that use only the contract's terms, for cross-checking the
independent formulations of the rules (request-status, unmet-obligations, the infer rules)."""

from __future__ import annotations

import datetime as dt
import random

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

CG = Namespace("https://w3id.org/cstograph/ns#")
EX = Namespace("http://example.org/random/")

EVENT_CLASSES = [CG.ArmedAttack, CG.InternalUnrest, CG.Event]
RESPONSE_TYPES = [CG.MilitaryDeployment, CG.ArmsSupply, CG.Consultations, CG.FactFindingMission,
                  CG.DiplomaticStatement, CG.Refusal]


def day(rng: random.Random, start: int = 1990, end: int = 2025) -> dt.date:
    return dt.date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))


def random_graph(seed: int, states: int = 6, alliances: int = 2, requests: int = 8) -> Graph:
    rng = random.Random(seed)
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
        for kind, trigger in ((CG.CollectiveDefence, CG.ArmedAttackOnMemberTerritory), (CG.Consultation, CG.ThreatToMember)):
            o = EX[f"O{a}{kind.split('#')[1]}"]
            g.add((o, RDF.type, CG.Obligation))
            g.add((o, CG.inTreaty, treaty))
            g.add((o, CG.article, Literal(f"Article {len(obligations) + 1}")))
            g.add((o, CG.obligationType, kind))
            g.add((o, CG.triggerCondition, trigger))
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
            g.add((response, CG.date, Literal(asked + dt.timedelta(days=rng.randint(0, 60)), datatype=XSD.date)))
            g.add((response, DCTERMS.source, src))
    return g

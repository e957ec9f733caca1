"""Synthetic alliance graphs whose verdicts are known in advance, for tests and benchmarks.

``synthesize(requests=N, seed=S)`` builds alliances (each founded on its own treaty with a
collective-defence and a consultation clause), states, memberships over time (some ended),
sources, background events, and N assistance requests, each generated for one scenario:

* met: triggered, and some response's type fulfils the obligation type;
* unmet: triggered, and no response at all, or only responses that fulfil nothing it needs;
* not-triggered: the requester was no member on the date (never joined, not yet, or had left),
  or the event was on another state's territory, or it was no armed attack where the clause
  needs one.

The expected status of every request is returned with the Turtle text, so a test can compare
the report with it. The same (requests, seed, events, defects) always gives the same bytes.
``defects`` > 0 adds that share of deliberate violations (missing sources, dates as plain
strings, memberships ending before they start) for validation tests; such graphs do not conform.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

SYNTH_NS = "http://example.org/synth/"
LAST_DAY = dt.date(2024, 12, 31)
DEFENCE_FULFILS = ("MilitaryDeployment", "ArmsSupply")
CONSULT_FULFILS = ("Consultations",)
ALL_TYPES = ("MilitaryDeployment", "ArmsSupply", "Consultations", "FactFindingMission", "DiplomaticStatement", "Refusal")
SCENARIOS = (
    ("met", 0.35),
    ("unmet-none", 0.15),
    ("unmet-wrong-type", 0.20),
    ("not-member", 0.10),
    ("not-member-dates", 0.05),
    ("other-territory", 0.08),
    ("not-an-attack", 0.07),
)


@dataclass
class SynthGraph:
    turtle: str
    expected: dict[str, str]  # request IRI -> met | unmet | not-triggered
    scenarios: Counter = field(default_factory=Counter)
    defects: int = 0

    @property
    def counts(self) -> Counter:
        return Counter(self.expected.values())


def _date(day: dt.date) -> str:
    return f'"{day.isoformat()}"^^xsd:date'


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = (end - start).days
    return start + dt.timedelta(days=rng.randint(0, max(span, 0)))


def _pick_scenario(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for name, share in SCENARIOS:
        total += share
        if roll < total:
            return name
    return SCENARIOS[-1][0]


def synthesize(requests: int, seed: int = 1, *, events: int | None = None, defects: float = 0.0) -> SynthGraph:
    """A graph with ``requests`` assistance requests (and ``events`` background events, default 2 per request)."""
    graph = SynthGraph("", {})
    graph.turtle = "".join(synthetic_turtle(graph, requests, seed, events=events, defects=defects))
    return graph


CHUNK_LINES = 2_000  # lines of Turtle (about 250 KB) per piece that synthetic_turtle yields


def synthetic_turtle(into: SynthGraph, requests: int, seed: int = 1, *, events: int | None = None,
                     defects: float = 0.0, on_request: Callable[[int], None] | None = None) -> Iterator[str]:
    """The Turtle text of ``synthesize`` in pieces of ``CHUNK_LINES`` lines, as it is made, so
    that a file of 100M triples is written without holding it; ``into`` receives the expected
    statuses, scenarios and defects as the requests are made (complete once the pieces are
    consumed). ``on_request(done)`` is called every 10,000 requests. What it holds is the
    states, alliances and memberships (about one state per eight requests), not the text."""
    if requests < 1:
        raise ValueError("requests must be at least 1")
    rng = random.Random(seed)
    out: list[str] = [
        "# Synthetic alliance graph made by 'cstograph synth'; fictional states and alliances.",
        "@prefix cg: <https://w3id.org/cstograph/ns#> .",
        f"@prefix sy: <{SYNTH_NS}> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
    ]
    emit = out.append

    def pieces() -> Iterator[str]:
        """What ``out`` holds, as one piece, once it has ``CHUNK_LINES`` lines; then empties it."""
        if len(out) >= CHUNK_LINES:
            yield "\n".join(out) + "\n"
            out.clear()
    n_states = max(8, requests // 8)
    n_alliances = max(2, requests // 150)
    n_sources = max(4, requests // 40)
    n_defect = int(round(requests * defects))
    defect_at = set(rng.sample(range(requests), n_defect)) if n_defect else set()

    for i in range(n_sources):
        issued = _between(rng, dt.date(1990, 1, 1), LAST_DAY)
        emit(f'sy:src{i} dcterms:title "Synthetic source {i}" ; foaf:page <{SYNTH_NS}doc/{i}> ; '
             f"dcterms:issued {_date(issued)} .")
        yield from pieces()

    def source() -> str:
        return f"sy:src{rng.randrange(n_sources)}"

    for i in range(n_states):
        emit(f'sy:state{i} a cg:State ; rdfs:label "State {i}" .')
        yield from pieces()

    # alliances, treaties, clauses, memberships
    members: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
    memberships_of: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
    membership_id = 0
    for a in range(n_alliances):
        founded = _between(rng, dt.date(1949, 1, 1), dt.date(2005, 1, 1))
        emit(f'sy:treaty{a} a cg:Treaty ; rdfs:label "Treaty {a}" ; cg:signedOn {_date(founded)} ; '
             f"dcterms:source {source()} .")
        emit(f'sy:alliance{a} a cg:Alliance ; rdfs:label "Alliance {a}" ; cg:foundedOn sy:treaty{a} .')
        emit(f'sy:defence{a} a cg:Obligation ; cg:inTreaty sy:treaty{a} ; cg:article "Article 4" ; '
             "cg:obligationType cg:CollectiveDefence ; cg:triggerCondition cg:ArmedAttackOnMemberTerritory .")
        emit(f'sy:consult{a} a cg:Obligation ; cg:inTreaty sy:treaty{a} ; cg:article "Article 2" ; '
             "cg:obligationType cg:Consultation ; cg:triggerCondition cg:ThreatToMember .")
        size = min(n_states - 2, rng.randint(2, 12))
        chosen = rng.sample(range(n_states), size)
        members[a] = []
        for s in chosen:
            start = _between(rng, founded, dt.date(2015, 1, 1))
            end = _between(rng, start + dt.timedelta(days=365), LAST_DAY) if rng.random() < 0.25 else None
            if end is not None and end > LAST_DAY - dt.timedelta(days=30):
                end = None
            members[a].append((s, start, end))
            memberships_of.setdefault(s, []).append((a, start, end))
            end_part = f" ; cg:endDate {_date(end)}" if end else ""
            emit(f"sy:m{membership_id} a cg:Membership ; cg:member sy:state{s} ; cg:alliance sy:alliance{a} ; "
                 f"cg:startDate {_date(start)}{end_part} ; dcterms:source {source()} .")
            membership_id += 1
        yield from pieces()

    event_id = 0

    def event(kind: str, territory: int | None, day: dt.date, attacker: int | None = None) -> str:
        nonlocal event_id
        name = f"sy:e{event_id}"
        event_id += 1
        parts = [f"{name} a cg:{kind}", f"cg:startDate {_date(day)}", f"dcterms:source {source()}"]
        if territory is not None:
            parts.append(f"cg:onTerritoryOf sy:state{territory}")
        if attacker is not None:
            parts.append(f"cg:attacker sy:state{attacker}")
        emit(" ; ".join(parts) + " .")
        return name

    def other_state(*not_these: int) -> int:
        while True:
            s = rng.randrange(n_states)
            if s not in not_these:
                return s

    for _ in range(requests * 2 if events is None else events):
        day = _between(rng, dt.date(1990, 1, 1), LAST_DAY)
        kind = "ArmedAttack" if rng.random() < 0.4 else "InternalUnrest"
        where = rng.randrange(n_states)
        event(kind, where, day, other_state(where) if kind == "ArmedAttack" else None)
        yield from pieces()

    expected, scenarios = into.expected, into.scenarios
    response_id = 0
    for r in range(requests):
        scenario = _pick_scenario(rng)
        a = rng.randrange(n_alliances)
        s, start, end = rng.choice(members[a])
        clause = "defence" if rng.random() < 0.6 else "consult"
        day = _between(rng, start, end or LAST_DAY)
        requester = s
        if scenario == "not-member":
            inside = {m[0] for m in members[a]}
            outsiders = [x for x in range(n_states) if x not in inside]
            requester = rng.choice(outsiders)
        elif scenario == "not-member-dates":
            if end is not None and rng.random() < 0.5:
                day = end + dt.timedelta(days=rng.randint(1, 400))
            else:
                day = start - dt.timedelta(days=rng.randint(1, 400))
        territory = requester
        kind = "ArmedAttack" if clause == "defence" or rng.random() < 0.5 else "InternalUnrest"
        if scenario == "other-territory":
            territory = other_state(requester)
        elif scenario == "not-an-attack":
            clause, kind = "defence", "InternalUnrest"
        attack_day = day - dt.timedelta(days=rng.randint(0, 5))
        concerned = [event(kind, territory, attack_day, other_state(territory) if kind == "ArmedAttack" else None)]
        if rng.random() < 0.15:  # a second, unrelated event that never triggers anything
            concerned.append(event("InternalUnrest", other_state(requester), attack_day))
        addressee = f"sy:alliance{a}" if rng.random() < 0.8 else f"sy:state{other_state(requester)}"
        iri = f"sy:req{r}"
        defect = r in defect_at
        date_text = f'"{day.isoformat()}"' if defect and rng.random() < 0.5 else _date(day)
        source_part = "" if defect and date_text.endswith("date") else f" ; dcterms:source {source()}"
        if defect:
            into.defects += 1
        emit(f"{iri} a cg:AssistanceRequest ; cg:requester sy:state{requester} ; cg:addressee {addressee} ; "
             f"cg:invokes sy:{clause}{a} ; cg:concerns {', '.join(concerned)} ; cg:date {date_text}{source_part} .")
        fulfilling = DEFENCE_FULFILS if clause == "defence" else CONSULT_FULFILS
        others = [t for t in ALL_TYPES if t not in fulfilling]
        if scenario == "met":
            types = [rng.choice(fulfilling)] + [rng.choice(ALL_TYPES) for _ in range(rng.randint(0, 2))]
        elif scenario == "unmet-none":
            types = []
        elif scenario == "unmet-wrong-type":
            types = [rng.choice(others) for _ in range(rng.randint(1, 3))]
        else:
            types = [rng.choice(ALL_TYPES) for _ in range(rng.randint(0, 2))]
        rng.shuffle(types)
        for t in types:
            responder = f"sy:alliance{a}" if rng.random() < 0.3 else f"sy:state{rng.choice(members[a])[0]}"
            answered = day + dt.timedelta(days=rng.randint(0, 60))
            emit(f"sy:resp{response_id} a cg:Response ; cg:respondsTo {iri} ; cg:responder {responder} ; "
                 f"cg:responseType cg:{t} ; cg:date {_date(answered)} ; dcterms:source {source()} .")
            response_id += 1
        if scenario == "met":
            status = "met"
        elif scenario.startswith("unmet"):
            status = "unmet"
        else:
            status = "not-triggered"
        expected[SYNTH_NS + f"req{r}"] = status
        scenarios[scenario] += 1
        yield from pieces()
        if on_request is not None and (r + 1) % 10_000 == 0:
            on_request(r + 1)
    yield "\n".join(out) + "\n"

"""Why a request has its verdict: the chain of facts behind it, each with its sources.

The facts come from the queries in ``queries/explain/`` and the verdict from the same
classification the report uses; this module only assembles them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rdflib import URIRef
from rdflib.namespace import NamespaceManager

from cstograph.engines.engine import Engine
from cstograph.engines.queries import expand_iri, run_named
from cstograph.errors import CstographError
from cstograph.namespaces import CG
from cstograph.rules.classify import SourceRecord, Verdict, classify_requests, request_bindings, sources_by_node


@dataclass(frozen=True)
class Step:
    kind: str  # obligation, membership, event, response
    node: str
    text: str
    holds: bool | None  # does this step support the obligation's being triggered/fulfilled?
    sources: tuple[SourceRecord, ...]


@dataclass(frozen=True)
class Explanation:
    verdict: Verdict
    label: str
    steps: tuple[Step, ...]

    def to_dict(self) -> dict:
        from cstograph.output.render import verdict_to_dict

        return {
            "request": self.verdict.request,
            "label": self.label,
            "verdict": verdict_to_dict(self.verdict),
            "steps": [
                {"kind": s.kind, "node": s.node, "text": s.text, "holds": s.holds,
                 "sources": [asdict(src) for src in s.sources]}
                for s in self.steps
            ],
        }


def find_request(engine: Engine, wanted: str, namespaces: NamespaceManager | None = None) -> str:
    """A request by full IRI, prefixed name, or an unambiguous (case-insensitive) label match."""
    try:  # an IRI that names a request: one ASK, without listing every request
        iri = expand_iri(wanted, namespaces, what="request")
        if engine.query(f"ASK {{ {iri.n3()} a <{CG.AssistanceRequest}> }}").boolean:
            return str(iri)
    except CstographError:
        pass
    rows = run_named(engine, "request-labels").records()
    known = {str(r["request"]): (str(r["label"] or ""), str(r["date"] or "")) for r in rows}
    try:
        iri = str(expand_iri(wanted, namespaces, what="request"))
        if iri in known:
            return iri
    except CstographError:
        pass
    needle = wanted.casefold()
    matches = [iri for iri, (label, _) in known.items() if needle in label.casefold() or needle in iri.casefold()]
    if len(matches) == 1:
        return matches[0]
    candidates = matches or list(known)
    listing = "; ".join(f"{known[i][1]} {known[i][0] or i} <{i}>" for i in candidates[:12])
    more = f" (and {len(candidates) - 12} more)" if len(candidates) > 12 else ""
    if not known:
        raise CstographError("the data holds no assistance requests")
    problem = f"matches {len(matches)} requests" if matches else "matches no request"
    raise CstographError(f"{wanted!r} {problem}: {listing}{more}", hint="give the full IRI or more of the label")


def _s(value) -> str:
    return "" if value is None else str(value)


def _yes(value) -> bool:
    return value is not None and value.toPython() is True


def _conditions_note(engine: Engine, request: URIRef) -> str:
    """Conditions coded on the obligation (e.g. by ATOP): named, since the verdict does not test them."""
    names = [_s(c["conditionLabel"]) or _s(c["condition"])
             for c in run_named(engine, "explain-conditions", {"request": request}).records()]
    if not names:
        return ""
    return f" It is conditional ({', '.join(names)}); the classification does not check conditions."


def explain_request(engine: Engine, request: str) -> Explanation:
    iri = URIRef(request)
    (verdict,) = classify_requests(engine, iri)
    (o,) = run_named(engine, "explain-obligation", request_bindings(engine, iri)).records()
    cited: dict[str, tuple[SourceRecord, ...]] = {}

    def cite(node) -> tuple[SourceRecord, ...]:
        """The sources of one node of the chain (a query bound to it, never the whole graph)."""
        if node is None:
            return ()
        if str(node) not in cited:
            cited[str(node)] = tuple(sources_by_node(engine, URIRef(str(node))).get(str(node), ()))
        return cited[str(node)]

    required = _s(o["requiredTypeLabel"]) or _s(o["requiredType"]) or "an event of an unknown type"
    steps = [
        Step(
            "obligation", _s(o["obligation"]),
            f"{verdict.requester_label} invoked {verdict.obligation_label}, in {_s(o['treatyLabel']) or _s(o['treaty'])}: "
            f"{_s(o['obligationTypeLabel']) or _s(o['obligationType'])}, triggered by '{_s(o['triggerLabel']) or _s(o['trigger'])}' "
            f"(an event of type '{required}' on the requester's territory)."
            + _conditions_note(engine, iri),
            None, tuple(dict.fromkeys(cite(o["obligation"]) + cite(o["treaty"]))),
        )
    ]
    memberships = run_named(engine, "explain-memberships", {"request": iri}).records()
    for m in memberships:
        covers = _yes(m["coversDate"])
        period = f"from {_s(m['startDate'])}" + (f" to {_s(m['endDate'])}" if m["endDate"] is not None else " (no end date)")
        steps.append(Step(
            "membership", _s(m["membership"]),
            f"{verdict.requester_label} was a member of {_s(m['allianceLabel']) or _s(m['alliance'])} {period}: "
            + ("a party on " if covers else "not a party on ") + f"{verdict.date}.",
            covers, cite(m["membership"]),
        ))
    if not memberships:
        steps.append(Step("membership", "", f"No membership of {verdict.requester_label} in an alliance founded on the invoked treaty is recorded.", False, ()))
    for e in run_named(engine, "explain-events", {"request": iri}).records():
        place = f"on the territory of {_s(e['territoryLabel']) or _s(e['territory'])}" if e["territory"] is not None else "on no recorded territory"
        by = f", by {_sorted_items(e['attackerLabel'])}" if e["attackerLabel"] is not None else ""
        when = _s(e["startDate"]) + (f" to {_s(e['endDate'])}" if e["endDate"] is not None else "")
        holds = _yes(e["satisfiesTrigger"])
        steps.append(Step(
            "event", _s(e["event"]),
            f"{_s(e['eventLabel']) or _s(e['event'])} ({_sorted_items(e['types']) or 'untyped'}, {when}) {place}{by}: "
            + ("satisfies" if holds else "does not satisfy") + " the trigger condition.",
            holds, cite(e["event"]),
        ))
    for r in verdict.responses:
        steps.append(Step(
            "response", r.response,
            f"{r.date}: {r.responder_label} responded with {r.type_label}, which "
            + ("fulfils the obligation" if r.fulfils else "fulfils nothing the obligation asks for")
            + (f" ({verdict.days_to(r.date)} days after the request)." if verdict.days_to(r.date) is not None else "."),
            r.fulfils, cite(r.response),
        ))
    if not verdict.responses:
        steps.append(Step("response", "", "No response to this request is recorded.", False, ()))
    return Explanation(verdict, _s(o["requestLabel"]) or request, tuple(steps))


def _sorted_items(term) -> str:
    """A GROUP_CONCAT list (", ") in sorted order: SPARQL leaves its order to the engine."""
    return ", ".join(sorted(_s(term).split(", "))) if _s(term) else ""

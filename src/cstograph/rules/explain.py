"""Why a request has its verdict: the chain of facts behind it, each with its sources.

The facts come from the queries in ``queries/explain/`` and the verdict from the same
classification the report uses; this module only assembles them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rdflib import URIRef
from rdflib.namespace import NamespaceManager

from cstograph.engines.engine import Engine
from cstograph.engines.queries import expand_iri, run_named, run_named_text
from cstograph.errors import CstographError
from cstograph.namespaces import CG
from cstograph.output.text_layout import days_text
from cstograph.rules.classify import SourceRecord, Verdict, classify_requests, request_bindings, sources_by_node


@dataclass(frozen=True)
class Step:
    kind: str  # obligation, membership, suspension, event, response
    node: str
    text: str
    holds: bool | None  # does this step support the obligation's being triggered/fulfilled?
    sources: tuple[SourceRecord, ...]
    label: str = ""  # a response's own label and description, as the data words them
    description: str = ""


@dataclass(frozen=True)
class Explanation:
    verdict: Verdict
    label: str
    steps: tuple[Step, ...]
    description: str = ""  # the request's dcterms:description: what was asked

    def to_dict(self) -> dict:
        from cstograph.output.render import verdict_to_dict

        return {
            "request": self.verdict.request,
            "label": self.label,
            "description": self.description or None,
            "verdict": verdict_to_dict(self.verdict),
            "steps": [
                {"kind": s.kind, "node": s.node, "text": s.text, "holds": s.holds,
                 **({"label": s.label or None, "description": s.description or None} if s.kind == "response" else {}),
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
    from cstograph.engines.names import name_index

    names = name_index(engine)  # labels and IRIs indexed: no label is read per look-up
    if not len(names):
        raise CstographError("the data holds no assistance requests")
    try:
        iri = str(expand_iri(wanted, namespaces, what="request"))
        if names.get(iri) is not None:
            return iri
    except CstographError:
        pass
    count, matches = names.containing(wanted, 12)
    exact = [n for n in matches if short_name(n.iri).casefold() == wanted.casefold()]
    if len(exact) == 1:
        return exact[0].iri
    if count == 1:
        return matches[0].iri
    if count:
        problem, shown = f"matches {count} requests", matches
    else:
        problem, shown, count = "matches no request; the closest names", names.closest(wanted, 12), 0
    # each candidate by its short name (the IRI's last part), which is itself an answer that works
    listing = " ".join(f"({n}) {short_name(c.iri)}" + (f" ({_clip(c.label)})" if c.label else "")
                       for n, c in enumerate(shown, 1))
    more = f" (and {count - len(shown)} more)" if count > len(shown) else ""
    raise CstographError(f"{wanted!r} {problem}: {listing}{more}",
                         hint="give one of these names, the full IRI or more of the label")


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def short_name(iri: str) -> str:
    """The last part of an IRI (after its last / or #): request-2022-09-13-Armenia-CSTO."""
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


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


def explain_request(engine: Engine, request: str, as_of=None) -> Explanation:
    iri = URIRef(request)
    (verdict,) = classify_requests(engine, iri, as_of=as_of)
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
    for s in run_named(engine, "explain-suspensions", {"request": iri}).records():
        in_force, with_addressee = _yes(s["inForce"]), _yes(s["withAddressee"])
        period = f"from {_s(s['startDate'])}" + (f" to {_s(s['endDate'])}" if s["endDate"] is not None else " (no end date)")
        other = s["suspendedLabel"] if str(s["suspendingParty"]) == verdict.requester else s["suspendingLabel"]
        effect = (f"in force on {verdict.date}, so {_s(other)} and {verdict.requester_label} owed each other nothing under it"
                  + (", and the request was addressed to it." if with_addressee else f"; {_s(other)} is not among the obliged allies.")
                  if in_force else f"not in force on {verdict.date}.")
        steps.append(Step(
            "suspension", _s(s["suspension"]),
            f"{_s(s['suspendingLabel'])} suspended its obligations toward {_s(s['suspendedLabel'])} under "
            f"{_s(s['allianceLabel'])} {period}: {effect}",
            False if in_force and with_addressee else None, cite(s["suspension"]),
        ))
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
        days = verdict.days_to(r.date)
        steps.append(Step(
            "response", r.response,
            f"{r.date}: {r.responder_label} responded with {r.type_label}"
            + (f" ({r.stage_label})" if r.stage_label else "") + ", which "
            + _fulfilment_text(r)
            + (f" ({days_text(days)} after the request)." if days is not None and days != 0
               else " (the day of the request)." if days == 0 else "."),
            r.fulfils, cite(r.response), *case_texts(engine, r.response),
        ))
    if not verdict.responses:
        steps.append(Step("response", "", "No response to this request is recorded.", False, ()))
    return Explanation(verdict, _s(o["requestLabel"]) or request, tuple(steps), case_texts(engine, request)[1])


def all_case_texts(engine: Engine) -> dict[str, tuple[str, str]]:
    """IRI -> (label, description) of every request and response."""
    return {r["node"]: (r["label"] or "", r["description"] or "") for r in run_named_text(engine, "case-texts")}


def case_texts(engine: Engine, node: str) -> tuple[str, str]:
    """(label, description) of a request or response (``queries/reports/case-texts.rq``)."""
    rows = run_named(engine, "case-texts", {"node": URIRef(node)}).records()
    return (_s(rows[0]["label"]), _s(rows[0]["description"])) if rows else ("", "")


def _fulfilment_text(response) -> str:
    if response.fulfils:
        return "fulfils the obligation"
    if response.stage_label:  # the type may fulfil it, but the help was not delivered
        return "fulfils nothing the obligation asks for until help is delivered"
    return "fulfils nothing the obligation asks for"


def _sorted_items(term) -> str:
    """A GROUP_CONCAT list (", ") in sorted order: SPARQL leaves its order to the engine."""
    return ", ".join(sorted(_s(term).split(", "))) if _s(term) else ""

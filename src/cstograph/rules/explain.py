"""Why a request has its verdict: the chain of facts behind it, each with its sources.

The facts come from the queries in ``queries/explain/`` and the verdict from the same
classification the report uses; this module only assembles them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import NamespaceManager

from cstograph.base.cells import cell_text, sorted_list
from cstograph.base.words import days_text
from cstograph.engines.engine import Engine
from cstograph.engines.queries import expand_iri, run_named, run_named_text, text_rows_for_values
from cstograph.errors import CstographError
from cstograph.namespaces import CG
from cstograph.rules.classify import SourceRecord, Verdict, classify_requests, sources_by_node, sources_of_nodes


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


def find_request(engine: Engine, wanted: str, namespaces: NamespaceManager | None = None) -> str:
    """A request by full IRI, prefixed name, or an unambiguous (case-insensitive) label match."""
    try:  # an IRI that names a request: one ASK, without listing every request
        iri = expand_iri(wanted, namespaces, what="request")
        if engine.query(f"ASK {{ {iri.n3()} a <{CG.AssistanceRequest}> }}").boolean:
            return str(iri)
    except CstographError:
        pass
    # deferred to the first call: keeps cstograph.engines.names out of the CLI's start-up
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



def _yes(value: str | None) -> bool:
    """An xsd:boolean cell as text: "true", or "1" as some servers write it."""
    return value in ("true", "1")


BULK = 100  # above this many requests, the explain queries run unbound (every request) and are filtered here


def one_verdict(request: str, found: Sequence[Verdict]) -> Verdict:
    """The one verdict of ``request``; a clear error when the classification gives none (the
    request lacks a date, requester, addressee or obligation) or several (it has several)."""
    if len(found) == 1:
        return found[0]
    if not found:
        raise CstographError(f"{request}: the request has no verdict: it lacks a cg:date, cg:requester, "
                             "cg:addressee or cg:invokes", hint="run 'cstograph validate' on the data")
    dates = ", ".join(sorted({v.date for v in found}))
    raise CstographError(f"{request}: the request has {len(found)} verdicts (dates {dates}): "
                         "explain needs one date, requester, addressee and obligation per request",
                         hint="run 'cstograph validate' on the data")


def explain_request(engine: Engine, request: str, as_of=None, verdict: Verdict | None = None) -> Explanation:
    """The explanation of one request: of ``verdict`` when the caller holds it (nothing is
    classified again), else of the request's verdict, classified here once."""
    if verdict is None:
        verdict = one_verdict(request, classify_requests(engine, URIRef(request), as_of=as_of))
    return explain_verdicts(engine, [verdict])[0]


def explain_verdicts(engine: Engine, verdicts: Sequence[Verdict]) -> list[Explanation]:
    """One explanation per verdict, from the verdicts the caller holds: each explain query runs
    once for all of them (bound to their requests, or unbound above ``BULK`` requests), the
    sources of every cited node in one query and the texts of every request and response in
    another, so a site of N requests runs the same handful of queries as one explanation."""
    requests = list(dict.fromkeys(v.request for v in verdicts))
    if not requests:
        return []
    values = None if len(requests) > BULK else [URIRef(r) for r in requests]
    parties = _parties(verdicts[0]) if len(requests) == 1 else None
    obligations = _by_request(text_rows_for_values(engine, "explain-obligation", "request", values, parties), requests)
    conditions = _by_request(text_rows_for_values(engine, "explain-conditions", "request", values), requests)
    memberships = _by_request(text_rows_for_values(engine, "explain-memberships", "request", values), requests)
    events = _by_request(text_rows_for_values(engine, "explain-events", "request", values), requests)
    suspensions = _by_request(text_rows_for_values(engine, "explain-suspensions", "request", values), requests)

    chains = []
    for verdict in verdicts:
        rows = obligations.get(verdict.request, [])
        # a request with several dates (only with --force) has a row per date: the verdict's own
        o = next((r for r in rows if cell_text(r["date"]) == verdict.date), rows[0] if rows else {})
        chains.append((verdict, o))
    nodes = {str(node) for _, o in chains for node in (o.get("obligation"), o.get("treaty")) if node is not None}
    nodes.update(str(m["membership"]) for rows in memberships.values() for m in rows)
    nodes.update(str(e["event"]) for rows in events.values() for e in rows)
    nodes.update(str(s["suspension"]) for rows in suspensions.values() for s in rows)
    nodes.update(r.response for v in verdicts for r in v.responses if r.response)
    cited = _sources_of(engine, sorted(nodes), bulk=values is None)
    texts = _case_texts_of(engine, requests + sorted({r.response for v in verdicts for r in v.responses if r.response}),
                           bulk=values is None)

    def cite(node) -> tuple[SourceRecord, ...]:
        return () if node is None else tuple(cited.get(str(node), ()))

    return [_explanation(verdict, o, conditions.get(verdict.request, []), memberships.get(verdict.request, []),
                         events.get(verdict.request, []), suspensions.get(verdict.request, []), cite, texts)
            for verdict, o in chains]


def _parties(verdict: Verdict) -> dict[str, URIRef] | None:
    """The request's requester, addressee and obligation, from its verdict: explain-obligation's
    label sub-selects then read those nodes only (what ``request_bindings`` asks request-parties for)."""
    named = (verdict.requester, verdict.addressee, verdict.obligation)
    if not all(named):
        return None
    return dict(zip(("requester", "addressee", "obligation"), map(URIRef, named)))


def _by_request(rows: list[dict], requests: Sequence[str]) -> dict[str, list[dict]]:
    wanted = set(requests)
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        if row["request"] in wanted:
            grouped.setdefault(row["request"], []).append(row)
    return grouped


def _sources_of(engine: Engine, nodes: Sequence[str], bulk: bool) -> dict[str, list[SourceRecord]]:
    """The sources of ``nodes``: node-sources bound to them, or every node's (``bulk``)."""
    if bulk:
        return sources_by_node(engine)
    if not nodes:
        return {}
    return sources_of_nodes(engine, [URIRef(n) for n in nodes])


def _case_texts_of(engine: Engine, nodes: Sequence[str], bulk: bool) -> dict[str, tuple[str, str]]:
    if bulk:
        return all_case_texts(engine)
    rows = text_rows_for_values(engine, "case-texts", "node", [URIRef(n) for n in nodes])
    return {str(r["node"]): (cell_text(r["label"]), cell_text(r["description"])) for r in rows}


def _explanation(verdict: Verdict, o: dict, conditions: list, memberships: list, events: list, suspensions: list,
                 cite, texts: dict[str, tuple[str, str]]) -> Explanation:
    request = verdict.request
    names = [cell_text(c["conditionLabel"]) or cell_text(c["condition"]) for c in conditions]
    conditional = (f" It is conditional ({', '.join(names)}); the classification does not check conditions."
                   if names else "")
    required = cell_text(o.get("requiredTypeLabel")) or cell_text(o.get("requiredType")) or "an event of an unknown type"
    steps = [
        Step(
            "obligation", cell_text(o.get("obligation")) or verdict.obligation,
            f"{verdict.requester_label} invoked {verdict.obligation_label}, in {cell_text(o.get('treatyLabel')) or cell_text(o.get('treaty'))}: "
            f"{cell_text(o.get('obligationTypeLabel')) or cell_text(o.get('obligationType'))}, triggered by "
            f"'{cell_text(o.get('triggerLabel')) or cell_text(o.get('trigger'))}' "
            f"(an event of type '{required}' on the requester's territory)." + conditional,
            None, tuple(dict.fromkeys(cite(o.get("obligation")) + cite(o.get("treaty")))),
        )
    ]
    for m in memberships:
        covers = _yes(m["coversDate"])
        period = f"from {cell_text(m['startDate'])}" + (f" to {cell_text(m['endDate'])}" if m["endDate"] is not None else " (no end date)")
        steps.append(Step(
            "membership", cell_text(m["membership"]),
            f"{verdict.requester_label} was a member of {cell_text(m['allianceLabel']) or cell_text(m['alliance'])} {period}: "
            + ("a party on " if covers else "not a party on ") + f"{verdict.date}.",
            covers, cite(m["membership"]),
        ))
    if not memberships:
        steps.append(Step("membership", "", f"No membership of {verdict.requester_label} in an alliance founded on the invoked treaty is recorded.", False, ()))
    for s in suspensions:
        in_force, with_addressee = _yes(s["inForce"]), _yes(s["withAddressee"])
        period = f"from {cell_text(s['startDate'])}" + (f" to {cell_text(s['endDate'])}" if s["endDate"] is not None else " (no end date)")
        other = s["suspendedLabel"] if str(s["suspendingParty"]) == verdict.requester else s["suspendingLabel"]
        effect = (f"in force on {verdict.date}, so {cell_text(other)} and {verdict.requester_label} owed each other nothing under it"
                  + (", and the request was addressed to it." if with_addressee else f"; {cell_text(other)} is not among the obliged allies.")
                  if in_force else f"not in force on {verdict.date}.")
        steps.append(Step(
            "suspension", cell_text(s["suspension"]),
            f"{cell_text(s['suspendingLabel'])} suspended its obligations toward {cell_text(s['suspendedLabel'])} under "
            f"{cell_text(s['allianceLabel'])} {period}: {effect}",
            False if in_force and with_addressee else None, cite(s["suspension"]),
        ))
    for e in events:
        place = f"on the territory of {cell_text(e['territoryLabel']) or cell_text(e['territory'])}" if e["territory"] is not None else "on no recorded territory"
        by = f", by {sorted_list(e['attackerLabel'])}" if e["attackerLabel"] is not None else ""
        when = cell_text(e["startDate"]) + (f" to {cell_text(e['endDate'])}" if e["endDate"] is not None else "")
        holds = _yes(e["satisfiesTrigger"])
        steps.append(Step(
            "event", cell_text(e["event"]),
            f"{cell_text(e['eventLabel']) or cell_text(e['event'])} ({sorted_list(e['types']) or 'untyped'}, {when}) {place}{by}: "
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
            r.fulfils, cite(r.response), *texts.get(r.response, ("", "")),
        ))
    if not verdict.responses:
        steps.append(Step("response", "", "No response to this request is recorded.", False, ()))
    return Explanation(verdict, cell_text(o.get("requestLabel")) or request, tuple(steps), texts.get(request, ("", ""))[1])


def all_case_texts(engine: Engine) -> dict[str, tuple[str, str]]:
    """IRI -> (label, description) of every request and response (looked up: read unordered)."""
    return {r["node"]: (r["label"] or "", r["description"] or "")
            for r in run_named_text(engine, "case-texts", ordered=False)}


def case_texts(engine: Engine, node: str) -> tuple[str, str]:
    """(label, description) of a request or response (``queries/reports/case-texts.rq``)."""
    rows = run_named(engine, "case-texts", {"node": URIRef(node)}).records()
    return (cell_text(rows[0]["label"]), cell_text(rows[0]["description"])) if rows else ("", "")


def _fulfilment_text(response) -> str:
    if response.fulfils:
        return "fulfils the obligation"
    if response.stage_label:  # the type may fulfil it, but the help was not delivered
        return "fulfils nothing the obligation asks for until help is delivered"
    return "fulfils nothing the obligation asks for"

"""Verdicts from a viewpoint, marked contested where an account's view gives another status.

The rules are the SPARQL that ``classify`` runs; this module runs them on the views that
``Data.view`` makes: the chosen viewpoint, and for the undisputed data each account's view too.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from rdflib import URIRef

from cstograph.engines.data import Data, Viewpoint
from cstograph.rules.classify import AccountVerdict, Verdict, classify_requests, request_statuses


def verdicts(data: Data, viewpoint: Viewpoint = Viewpoint(), request: str | None = None,
             statuses: Collection[str] | None = None) -> list[Verdict]:
    """One verdict per request (``request``: that one only; ``statuses``: only the requests
    with one of these statuses), ordered by date then IRI.

    From an account's viewpoint the verdicts are that account's; from the undisputed data each
    verdict whose status differs in some account's view carries ``contested``: every account's
    status, in the order of the accounts (by IRI).
    """
    from cstograph.base.progress import phase

    with phase("computing answers"):
        return _verdicts(data, viewpoint, URIRef(request) if request is not None else None, statuses)


def _verdicts(data: Data, viewpoint: Viewpoint, only: URIRef | None, statuses: Collection[str] | None) -> list[Verdict]:
    base = classify_requests(data.view(viewpoint), only, statuses)
    if viewpoint.account is not None or not data.accounts:
        return base
    per_account = {  # the statuses alone: an account's responses and sources are not shown
        account: request_statuses(data.view(replace(viewpoint, account=account)), only)
        for account in data.accounts
    }
    marked = []
    for verdict in base:
        statuses = [(a, per_account[a].get(verdict.request, verdict.status)) for a in data.accounts]
        if any(status != verdict.status for _, status in statuses):
            verdict = replace(verdict, contested=tuple(AccountVerdict(a.iri, a.label, s) for a, s in statuses))
        marked.append(verdict)
    return marked

"""Verdicts on a dataset as the commands present them: per account view, as of a date,
contested where accounts disagree. The rules themselves are the SPARQL run by ``classify``."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from rdflib import Dataset, URIRef

from cstograph.accounts import Account, account_view, find_accounts, resolve_account, store_views
from cstograph.asof import as_of_view
from cstograph.classify import AccountVerdict, Verdict, classify_requests
from cstograph.engine import Engine, OxigraphEngine, make_engine


def view_of(
    dataset: Dataset, account: Account | None = None, as_of: dt.date | None = None,
    accounts: list[Account] | None = None,
) -> Dataset:
    accounts = find_accounts(dataset) if accounts is None else accounts
    view = account_view(dataset, account, accounts)
    return as_of_view(view, as_of) if as_of else view


def chosen_account(dataset: Dataset, according_to: str | None) -> Account | None:
    if according_to is None:
        return None
    return resolve_account(find_accounts(dataset), according_to, dataset.namespace_manager)


def open_engine(
    dataset: Dataset, engine_name: str, *, according_to: str | None = None, as_of: dt.date | None = None
) -> Engine:
    """An engine over the view the options select (the undisputed data by default)."""
    return make_engine(engine_name, view_of(dataset, chosen_account(dataset, according_to), as_of))


def _view_engines(dataset: Dataset, engine_name: str, as_of: dt.date | None, accounts: list[Account]):
    """account -> engine over that view; Oxigraph shares one store between the views."""
    if engine_name == "oxigraph" and as_of is None:
        return store_views(OxigraphEngine(dataset), accounts)[1]
    return lambda account: make_engine(engine_name, view_of(dataset, account, as_of, accounts))


def assess(
    dataset: Dataset, engine_name: str, *, according_to: str | None = None, as_of: dt.date | None = None
) -> list[Verdict]:
    accounts = find_accounts(dataset)
    if according_to is not None or not accounts:
        account = resolve_account(accounts, according_to, dataset.namespace_manager) if according_to else None
        return classify_requests(make_engine(engine_name, view_of(dataset, account, as_of, accounts)))
    return _contested(accounts, _view_engines(dataset, engine_name, as_of, accounts))


def assess_data(
    data, engine_name: str, *, according_to: str | None = None, as_of: dt.date | None = None, request: str | None = None,
) -> list[Verdict]:
    """``assess`` on the data a command opened (``data.Data``); ``request``: that one only.

    On embedded Oxigraph (files or --store) without --as-of, each view is a view of the data's
    own store: nothing is parsed twice. Otherwise the views are made from an rdflib copy.
    """
    views = _store_views(data, engine_name, as_of)
    if views is None:
        verdicts = assess(data.rdflib_dataset(), engine_name, according_to=according_to, as_of=as_of)
        return [v for v in verdicts if request is None or v.request == request]
    accounts, engine_for = views
    only = URIRef(request) if request is not None else None
    if according_to is not None:
        return classify_requests(engine_for(resolve_account(accounts, according_to, data.namespaces)), only)
    return _contested(accounts, engine_for, only)


def view_engine(data, engine_name: str, *, according_to: str | None = None, as_of: dt.date | None = None) -> Engine:
    """A read-only engine over the view the options select (see ``assess_data``); the views of
    a store share it, so nothing may be added to the engine returned."""
    views = _store_views(data, engine_name, as_of)
    if views is None:
        return open_engine(data.rdflib_dataset(), engine_name, according_to=according_to, as_of=as_of)
    accounts, engine_for = views
    return engine_for(resolve_account(accounts, according_to, data.namespaces) if according_to else None)


def _store_views(data, engine_name: str, as_of: dt.date | None):
    """(accounts, account -> engine over its view of the data's store), or None when the views
    must be built from an rdflib copy (another engine, an endpoint, or --as-of)."""
    if engine_name != "oxigraph" or as_of is not None or not isinstance(data.engine, OxigraphEngine):
        return None
    return store_views(data.engine)


def _contested(accounts: list[Account], engine_for, request: URIRef | None = None) -> list[Verdict]:
    """The undisputed verdicts (of ``request`` only, when given), marked contested where an
    account's view gives another status."""
    base = classify_requests(engine_for(None), request)
    if not accounts:
        return base
    per_account = {account: {v.request: v.status for v in classify_requests(engine_for(account), request)}
                   for account in accounts}
    verdicts = []
    for verdict in base:
        statuses = {a: per_account[a].get(verdict.request, verdict.status) for a in accounts}
        if any(status != verdict.status for status in statuses.values()):
            verdict = replace(
                verdict,
                contested=tuple(AccountVerdict(a.iri, a.label, s) for a, s in statuses.items()),
            )
        verdicts.append(verdict)
    return verdicts

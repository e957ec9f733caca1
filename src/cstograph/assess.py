"""Verdicts on a dataset as the commands present them: per account view, as of a date,
contested where accounts disagree. The rules themselves are the SPARQL run by ``classify``."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from rdflib import Dataset

from cstograph.accounts import Account, account_view, find_accounts, resolve_account
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
    names = {a.iri for a in accounts}
    if engine_name == "oxigraph" and as_of is None:
        shared = OxigraphEngine(dataset)
        return lambda account: shared.view(names - {account.iri} if account else names)
    return lambda account: make_engine(engine_name, view_of(dataset, account, as_of, accounts))


def assess(
    dataset: Dataset, engine_name: str, *, according_to: str | None = None, as_of: dt.date | None = None
) -> list[Verdict]:
    accounts = find_accounts(dataset)
    if according_to is not None:
        account = resolve_account(accounts, according_to, dataset.namespace_manager)
        return classify_requests(make_engine(engine_name, view_of(dataset, account, as_of, accounts)))
    if not accounts:
        return classify_requests(make_engine(engine_name, view_of(dataset, None, as_of, accounts)))
    engine_for = _view_engines(dataset, engine_name, as_of, accounts)
    base = classify_requests(engine_for(None))
    per_account = {account: {v.request: v.status for v in classify_requests(engine_for(account))} for account in accounts}
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

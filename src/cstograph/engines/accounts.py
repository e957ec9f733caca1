"""Contested accounts: named graphs of facts asserted by one party (``cg:Account``).

The undisputed data is the default graph plus every named graph not declared a cg:Account; an
account's view adds that one account graph to it (accounts may contradict each other, so they
are never merged). ``cstograph.engines.data.Data.view`` makes the views; this module finds the accounts
and resolves the names users give them (``rules/account_assertions.py`` says which accounts count
for a request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cstograph.engines.queries import expand_iri, run_named
from cstograph.errors import AccountError, CstographError


@dataclass(frozen=True)
class Account:
    iri: str
    label: str
    of: str | None



def accounts_in(engine) -> list[Account]:
    """The accounts of the data an engine queries (declared in any graph; ordered by IRI)."""
    accounts = []
    for record in run_named(engine, "accounts").records():
        iri, label, of = str(record["account"]), record["label"], record["accountOf"]
        accounts.append(Account(iri, str(label) if label else iri.rsplit("/", 1)[-1], str(of) if of else None))
    return accounts


def resolve_account(accounts: list[Account], wanted: str | Account, namespaces=None) -> Account:
    """An account by IRI, prefixed name, the last segment of its IRI, or a case-insensitive
    match on its label or owner."""
    if isinstance(wanted, Account):
        if wanted in accounts:
            return wanted
        wanted = wanted.iri
    if not accounts:
        raise AccountError("--according-to: the data holds no accounts (named graphs declared a cg:Account)")
    try:
        iri = str(expand_iri(wanted, namespaces, what="--according-to"))
    except CstographError:
        iri = None
    exact = [a for a in accounts if a.iri == iri or (a.of is not None and a.of == iri)]
    if not exact:  # the last segment of an account's IRI, as tables print it ("account-Armenia")
        exact = [a for a in accounts if re.split(r"[/#]", a.iri)[-1].casefold() == wanted.casefold()]
    if len(exact) == 1:
        return exact[0]
    needle = wanted.casefold()
    matches = [
        a for a in accounts
        if needle in a.label.casefold() or (a.of and needle in a.of.rsplit("/", 1)[-1].casefold())
    ]
    if len(matches) == 1:
        return matches[0]
    listing = "; ".join(f"{a.label} <{a.iri}>" for a in (matches or accounts))
    problem = "matches several accounts" if matches else "matches no account"
    raise AccountError(f"--according-to {wanted!r} {problem}: {listing}")

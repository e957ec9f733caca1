"""Contested accounts: named graphs of facts asserted by one party (``cg:Account``).

A *view* is the undisputed data (every graph that is not an account) plus at most one
account. Verdicts are computed per view: ``--according-to`` picks one account, and by default
a request whose status differs between views is contested, naming the accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS

from cstograph.errors import CstographError
from cstograph.namespaces import CG, DERIVED_PREDICATES


@dataclass(frozen=True)
class Account:
    iri: str
    label: str
    of: str | None


def find_accounts(dataset: Dataset) -> list[Account]:
    """Named graphs declared ``a cg:Account`` (the declaration may sit in any graph)."""
    graph_names = {str(g.identifier) for g in dataset.graphs() if len(g)}

    def values(node, predicate) -> list[str]:  # in any graph, as the 'accounts' query reads them
        return sorted({str(o) for _, _, o, _ in dataset.quads((node, predicate, None, None))})

    accounts = []
    for node in sorted({s for s, _, _, _ in dataset.quads((None, RDF.type, CG.Account, None))}, key=str):
        if str(node) not in graph_names:
            continue
        labels, owners = values(node, RDFS.label), values(node, CG.accountOf)
        accounts.append(Account(str(node), labels[0] if labels else str(node).rsplit("/", 1)[-1],
                                owners[0] if owners else None))
    return accounts


def accounts_in(engine) -> list[Account]:
    """The accounts held by the data an engine queries (as find_accounts, without rdflib)."""
    from cstograph.queries import run_named

    accounts = []
    for record in run_named(engine, "accounts").records():
        iri, label, of = str(record["account"]), record["label"], record["accountOf"]
        accounts.append(Account(iri, str(label) if label else iri.rsplit("/", 1)[-1], str(of) if of else None))
    return accounts


def store_views(engine, accounts: list[Account] | None = None):
    """(accounts, account -> engine over that account's view; None -> the undisputed data) for
    an Oxigraph engine: each view is the same store with the other accounts' graphs left out of
    its default graph, so nothing is copied. The views share the store: add nothing to them."""
    accounts = accounts_in(engine) if accounts is None else accounts
    names = frozenset(a.iri for a in accounts)
    return accounts, lambda account: engine.view(names - {account.iri} if account else names)


def account_view(dataset: Dataset, account: Account | None, accounts: list[Account]) -> Dataset:
    """The undisputed graphs plus ``account``'s graph (all other accounts left out)."""
    if not accounts:
        return dataset
    excluded = {a.iri for a in accounts if account is None or a.iri != account.iri}
    view = Dataset()
    for prefix, namespace in dataset.namespaces():
        view.bind(prefix, namespace, override=False)
    default = view.graph(DATASET_DEFAULT_GRAPH_ID)
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = str(g.identifier if hasattr(g, "identifier") else g) if g is not None else None
        if name in excluded or p in DERIVED_PREDICATES:
            continue
        default.add((s, p, o))
    return view


def resolve_account(accounts: list[Account], wanted: str, namespaces=None) -> Account:
    """An account by IRI, prefixed name, or a case-insensitive match on its label or owner."""
    from cstograph.queries import expand_iri

    if not accounts:
        raise CstographError("--according-to: the data holds no accounts (named graphs declared a cg:Account)")
    try:
        iri = str(expand_iri(wanted, namespaces, what="--according-to"))
    except CstographError:
        iri = None
    exact = [a for a in accounts if a.iri == iri]
    if exact:
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
    raise CstographError(f"--according-to {wanted!r} {problem}: {listing}")

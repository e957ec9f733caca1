"""What an account says of a request: the triples of an account graph about the request's facts,
each phrased against the undisputed data, and which accounts count for a contested request
(``engines/accounts.py`` finds the accounts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rdflib import URIRef

from cstograph.engines.data import Viewpoint
from cstograph.engines.queries import run_named_text
from cstograph.rules.classify import sources_of_nodes

# The properties whose assertions read as their own sentence; any other reads 'gives SUBJECT PROPERTY VALUE'.
_TERRITORY = "https://w3id.org/cstograph/ns#onTerritoryOf"
_ATTACKER = "https://w3id.org/cstograph/ns#attacker"
_CONCERNS = "https://w3id.org/cstograph/ns#concerns"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_START = "https://w3id.org/cstograph/ns#startDate"
_DATE = "https://w3id.org/cstograph/ns#date"
_RESPONSE_TYPE = "https://w3id.org/cstograph/ns#responseType"


@dataclass(frozen=True)
class Assertion:
    """One triple of an account graph about one of a request's facts (queries/viewpoints/account-assertions.rq),
    with what the undisputed data says of the same node and property."""

    request: str
    account: str
    role: str  # request, obligation, event, response or membership
    subject: str
    subject_label: str
    property: str
    value: str
    value_label: str
    undisputed: tuple[str, ...]  # the undisputed values of the same subject and property
    undisputed_labels: tuple[str, ...]
    subject_is_new: bool  # the undisputed data says nothing of the subject
    sources: tuple = ()  # SourceRecords: the account's sources about the subject (see assertions_by_request)

    @property
    def restates(self) -> bool:
        """The undisputed data says the same."""
        return self.value in self.undisputed

    @property
    def text(self) -> str:
        """What the account asserts and what the undisputed data says: 'places X on the territory
        of Armenia; the undisputed data records no territory'."""
        return f"{self.claim}; {self.contrast}"

    @property
    def claim(self) -> str:
        return self.claim_about(self.subject_label)

    def claim_about(self, subject: str) -> str:
        """The claim with the subject named as given ('it' when a sentence already named it)."""
        value = self.value_label
        if self.property == _CONCERNS:
            return f"links the request to {value}"
        if self.subject_is_new:  # merged: value holds the node's type, date, place and attacker
            return f"adds {subject}" + (f" ({value})" if value else "")
        if self.property == _TERRITORY:
            return f"places {subject} on the territory of {value}"
        if self.property == _ATTACKER:
            return f"names {value} as the attacker in {subject}"
        if self.property == _TYPE:
            return f"calls {subject} {_article(value)}"
        return f"gives {subject} {_property_name(self.property)} {value}"

    @property
    def contrast(self) -> str:
        base = " and ".join(self.undisputed_labels)
        if self.restates:
            return "as the undisputed data does"
        if self.property == _CONCERNS or self.subject_is_new:
            return "the undisputed data does not"
        if self.property == _TERRITORY:
            return f"the undisputed data records {('the territory of ' + base) if base else 'no territory'}"
        if self.property == _ATTACKER:
            return f"the undisputed data names {base or 'no attacker'}"
        if self.property == _TYPE:
            return f"the undisputed data calls it {' and '.join(_article(b) for b in self.undisputed_labels) or 'nothing'}"
        return f"the undisputed data gives {base or 'none'}"


def _article(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label if label else label


def _property_name(iri: str) -> str:
    local = re.split(r"[/#]", iri)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


def assertions_by_request(data, request: str | None = None) -> dict[str, dict[str, list[Assertion]]]:
    """request IRI -> account IRI -> what that account asserts about the request's facts.

    An account counts for a request only when it asserts something about the request itself, the
    obligation it invokes, an event it concerns, a response to it, or a membership of its
    requester or addressee in the alliance of that obligation's treaty (docs/contract-extensions.md,
    "Accounts"). Each assertion carries the sources the account gives for its subject: the
    subject's own sources in the account's graph when the undisputed data does not know the
    subject, else the account's sources that are also sources of the subject, else all of the
    account's sources."""
    bindings = {"request": URIRef(request)} if request is not None else None
    rows = run_named_text(data.engine, "account-assertions", bindings)
    if not rows:
        return {}
    accounts = {a.iri: a for a in data.accounts}
    # the sources in one query per view, not one per node: the accounts' own in the undisputed
    # data, each subject's in the view of the account that asserts something of it
    account_iris = sorted({r["account"] for r in rows})
    known = sources_of_nodes(data.engine, [URIRef(iri) for iri in account_iris])
    account_sources = {iri: tuple(known.get(iri, ())) for iri in account_iris}
    subjects_by_account: dict[str, set[str]] = {}
    for r in rows:
        subjects_by_account.setdefault(r["account"], set()).add(r["subject"])
    subject_sources: dict[tuple[str, str], tuple] = {}
    for account, subjects in subjects_by_account.items():
        view = data.view(Viewpoint(accounts[account])) if account in accounts else data.engine
        own_by_subject = sources_of_nodes(view, [URIRef(s) for s in sorted(subjects)])
        for subject in subjects:
            own = tuple(own_by_subject.get(subject, ()))
            subject_sources[(account, subject)] = (own, account_sources[account])
    found: dict[str, dict[str, list[Assertion]]] = {}
    for r in rows:
        account, subject = r["account"], r["subject"]
        own, of_account = subject_sources[(account, subject)]
        shared = tuple(s for s in of_account if s in own)
        sources = own if r["subjectIsNew"] == "true" else (shared or of_account)
        assertion = Assertion(
            request=r["request"], account=account, role=r["role"] or "", subject=subject,
            subject_label=r["subjectLabel"] or subject, property=r["property"], value=r["value"],
            value_label=r["valueLabel"] or r["value"],
            undisputed=tuple(v for v in (r["undisputed"] or "").split(" | ") if v),
            undisputed_labels=tuple(v for v in (r["undisputedLabels"] or "").split(" | ") if v),
            subject_is_new=r["subjectIsNew"] == "true",
        )
        found.setdefault(r["request"], {}).setdefault(account, []).append(
            replace(assertion, sources=sources))
    return {req: {acc: _merged_new_subjects(items) for acc, items in by_account.items()}
            for req, by_account in found.items()}


def _merged_new_subjects(items: list[Assertion]) -> list[Assertion]:
    """A node only the account has is one assertion ('adds X (armed attack, 2020-09-29, on the
    territory of Armenia, by Azerbaijan)'), not one per property; the link to it stays its own."""
    kept: list[Assertion] = []
    new: dict[str, list[Assertion]] = {}
    for a in items:
        if a.subject_is_new and a.property != _CONCERNS:
            new.setdefault(a.subject, []).append(a)
        else:
            kept.append(a)
    for subject, parts in new.items():
        by_property = {p.property: p.value_label for p in parts}
        details = [by_property.get(_RESPONSE_TYPE) or by_property.get(_TYPE, ""),
                   by_property.get(_START) or by_property.get(_DATE, "")]
        if _TERRITORY in by_property:
            details.append(f"on the territory of {by_property[_TERRITORY]}")
        if _ATTACKER in by_property:
            details.append(f"by {by_property[_ATTACKER]}")
        summary = ", ".join(d for d in details if d)
        links = [i for i, a in enumerate(kept) if a.property == _CONCERNS and a.value == subject]
        if links:  # 'links the request to X (armed attack, 2020-09-29, ...)', with the sources of both
            link = kept[links[0]]
            sources = tuple(dict.fromkeys(link.sources + parts[0].sources))
            kept[links[0]] = replace(link, value_label=f"{link.value_label} ({summary})" if summary else link.value_label,
                                     sources=sources)
        else:
            kept.append(replace(parts[0], property="", value="", value_label=summary))
    return kept


def counted_accounts(statuses, status: str, said: dict[str, list[Assertion]]) -> list:
    """The (account, its status) pairs that count for a contested request: those that assert
    something about its facts, and any whose status differs although it asserts nothing listed
    there (so that whatever changed the status is never hidden). The others say nothing about
    the request and give its status: they are left out."""
    return [(account, own) for account, own in statuses if account.iri in said or own != status]

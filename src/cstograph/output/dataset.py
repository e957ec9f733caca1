"""The verdicts as flat tables for R, Stata and pandas, in the columns of the one schema
(``cstograph.base.table_schema``) that the writers, the codebook and the case importer also read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cstograph.base.table_schema import LIST_SEPARATOR, TABLES
from cstograph.base.version import BUNDLED_DATA_VERSION


@dataclass(frozen=True)
class Dataset:
    """The export: one list of rows (dicts keyed by the schema's column names) per table, and the
    metadata every format carries (software and data versions, viewpoint)."""

    tables: dict[str, list[dict]]
    metadata: dict[str, str | None] = field(default_factory=dict)

    def to_pandas(self) -> dict:
        """One pandas DataFrame per table, typed by the schema (dates as datetime64, integers and
        booleans nullable); pandas is not a dependency: install it to use this."""
        try:
            import pandas
        except ImportError:
            from cstograph.errors import CstographError

            raise CstographError("to_pandas() needs pandas", hint="pip install pandas") from None
        dtypes = {"integer": "Int64", "boolean": "boolean", "string": "string"}
        frames = {}
        for spec in TABLES:
            frame = pandas.DataFrame(self.tables[spec.name], columns=list(spec.names))
            for f in spec.fields:
                if f.type == "date":
                    frame[f.name] = pandas.to_datetime(frame[f.name], format="%Y-%m-%d")
                else:
                    frame[f.name] = frame[f.name].astype(dtypes[f.type])
            frames[spec.name] = frame
        return frames


# ---------------------------------------------------------------- building the tables


def _s(value) -> str | None:
    return None if value is None else str(value)


def _int(value) -> int | None:
    try:
        return None if value is None else int(value.toPython() if hasattr(value, "toPython") else value)
    except (TypeError, ValueError):
        return None


def _days(start: str, end: str | None) -> int | None:
    try:
        return (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days if end else None
    except ValueError:  # ill-typed dates only get here with --force
        return None


def _date(value: str | None) -> str | None:
    """A date cell: YYYY-MM-DD, or empty when the value is not a date (ill-typed data under --force)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def build_dataset(kg, according_to=None, as_of: dt.date | None = None, *, bundled: bool = False) -> Dataset:
    """The four tables from a ``KnowledgeGraph``'s verdicts, allies and lookups, from one viewpoint."""
    from cstograph.base.version import __version__
    from cstograph.engines.queries import run_named_text
    from cstograph.rules.allies import AllyDuty
    from cstograph.rules.classify import sources_by_node
    from cstograph.rules.infer import materialise

    verdicts = kg.verdicts(according_to, as_of)
    engine = kg.engine(according_to, as_of)
    # rows as text: every cell below is written as text, and on Oxigraph text skips the rdflib terms
    ids = {r["node"]: r for r in run_named_text(engine, "identifiers")}
    texts = {r["node"]: r for r in run_named_text(engine, "case-texts")}
    treaties: dict[str, str | None] = {}
    events: dict[str, list[str]] = {}
    for row in run_named_text(engine, "request-details"):
        treaties[row["request"]] = row["treaty"]
        if row["event"] is not None:
            events.setdefault(row["request"], []).append(row["event"])
    node_sources = sources_by_node(engine)
    account = kg.data.account(according_to) if according_to is not None else None

    def ident(prefix: str, iri: str | None, label: str | None = None, atop=False, cow=False) -> dict:
        row = ids.get(iri or "", {})
        cells = {prefix: iri or None, f"{prefix}_label": label or _s(row.get("label")) or None}
        if atop:
            cells[f"{prefix}_atop"] = _int(row.get("atopId"))
        if cow:
            cells[f"{prefix}_cow"] = _int(row.get("cowCode"))
        cells[f"{prefix}_wikidata"] = _s(row.get("wikidata"))
        return cells

    def text(iri: str, key: str) -> str | None:
        return _s(texts.get(iri, {}).get(key))

    def source_ids(iri: str) -> str | None:
        return LIST_SEPARATOR.join(sorted({s.source for s in node_sources.get(iri, ())})) or None

    requests, responses, cited = [], [], {}
    for v in verdicts:
        requests.append({
            "request": v.request, "request_label": text(v.request, "label"), "description": text(v.request, "description"),
            "date": _date(v.date),
            **ident("requester", v.requester, v.requester_label, cow=True),
            **ident("addressee", v.addressee, v.addressee_label, cow=True),
            "clause": v.obligation, "clause_label": v.obligation_label or None,
            **ident("treaty", treaties.get(v.request), atop=True),
            **ident("alliance", v.alliance, atop=True),
            "events": LIST_SEPARATOR.join(sorted(events.get(v.request, ()))) or None,
            "status": v.status, "reason": v.reason or None, "triggered": v.status in ("met", "unmet"),
            "responses": len(v.responses),
            "days_to_first_response": v.days_to_first_response, "days_to_fulfilment": v.days_to_fulfilment,
            "contested": bool(v.contested),
            "contested_statuses": LIST_SEPARATOR.join(f"{a.label}: {a.status}" for a in v.contested) or None,
            "sources": source_ids(v.request),
            "according_to": account.label if account else None,
            "as_of": as_of.isoformat() if as_of else None,
            "dataset_version": BUNDLED_DATA_VERSION if bundled else None,
            "cstograph_version": __version__,
        })
        for record in v.sources:
            cited.setdefault(record.source, record)
        for r in sorted(v.responses, key=lambda r: (r.date, r.response)):
            responses.append({
                "response": r.response, "response_label": text(r.response, "label"),
                "description": text(r.response, "description"), "request": v.request,
                **ident("responder", r.responder, r.responder_label, cow=True),
                "type": r.type, "type_label": r.type_label or None, "date": _date(r.date), "fulfils": r.fulfils,
                "days_after_request": v.days_to(r.date), "sources": source_ids(r.response),
            })
            for record in node_sources.get(r.response, ()):
                cited.setdefault(record.source, record)

    allied = kg.data.copy(kg.viewpoint(according_to, as_of))
    materialise(allied, with_reasons=False, with_graph=False, prove=False)
    allies = []
    for r in run_named_text(allied, "ally-responses"):
        duty = AllyDuty(
            request=str(r["request"]), request_date=str(r["requestDate"]), requester=str(r["requester"]),
            alliance=str(r["alliance"]), ally=str(r["ally"]), status=str(r["status"]),
            own_responses=", ".join(sorted(_s(r["ownResponses"]).split(", "))) if r["ownResponses"] is not None else "",
            direct_fulfilment=_s(r["directFulfilment"]), alliance_fulfilment=_s(r["allianceFulfilment"]))
        allies.append({
            "request": duty.request, "request_date": _date(duty.request_date), "requester": duty.requester,
            "requester_label": _s(r["requesterLabel"]), "alliance": duty.alliance, "alliance_label": _s(r["allianceLabel"]),
            **ident("ally", duty.ally, _s(r["allyLabel"]), cow=True),
            "status": duty.status, "own_responses": duty.own_responses or None,
            "direct_fulfilment": _date(duty.direct_fulfilment), "alliance_fulfilment": _date(duty.alliance_fulfilment),
            "honoured": duty.honoured, "days_to_fulfilment": duty.days_to_fulfilment,
        })
    allies.sort(key=lambda row: (row["request_date"] or "", row["request"], row["ally"]))

    sources = [
        {"source": s.source, "title": s.title or None, "publisher": s.publisher or None,
         "issued": s.issued or None, "url": s.url or None}
        for s in sorted(cited.values(), key=lambda s: s.source)
    ]
    metadata = {
        "cstograph_version": __version__,
        "dataset_version": BUNDLED_DATA_VERSION if bundled else None,
        "according_to": account.label if account else None,
        "as_of": as_of.isoformat() if as_of else None,
    }
    return Dataset({"requests": requests, "responses": responses, "allies": allies, "sources": sources}, metadata)

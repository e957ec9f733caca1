"""As-of views: the data as an analyst could have known it on a given day.

Requests, responses, events and memberships dated after the day are left out, and end dates
after the day are dropped (on that day the membership or the event had not ended yet).
"""

from __future__ import annotations

import datetime as dt

from rdflib import Dataset, Literal
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from cstograph.namespaces import CG

_DATED = (CG.date, CG.startDate)


def _after(value, day: dt.date) -> bool:
    return isinstance(value, Literal) and isinstance(value.toPython(), dt.date) and value.toPython() > day


def as_of_view(dataset: Dataset, day: dt.date) -> Dataset:
    """A copy of ``dataset`` without what happened after ``day``."""
    unknown = {s for s, p, o, _ in dataset.quads((None, None, None, None)) if p in _DATED and _after(o, day)}
    view = Dataset()
    for prefix, namespace in dataset.namespaces():
        view.bind(prefix, namespace, override=False)
    default = view.graph(DATASET_DEFAULT_GRAPH_ID)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        if s in unknown or o in unknown:
            continue
        if p == CG.endDate and _after(o, day):
            continue
        default.add((s, p, o))
    return view

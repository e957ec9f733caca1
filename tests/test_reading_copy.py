"""The readings of the coding manual on a server classify the requests they can change on a copy
of those requests' facts (engines.data.copy_around), not of the whole graph: the statuses under
every reading equal those on a copy of every triple, and the copy is smaller than the graph."""

from __future__ import annotations

import pytest

from cstograph.engines.data import copy_around, copy_of, open_data
from cstograph.rules.readings import affected_by_reading, reading_engine, readings_in, statuses_under


def _statuses(copy, readings, reached):
    return {reading.iri: statuses_under(reading_engine(copy, reading, private=True), reached[reading.iri])
            for reading in readings if reading.iri in reached}


def _triples(engine):
    return len(engine.store)


@pytest.mark.parametrize("name", ["bundled_graphs", "synth_small"])
def test_readings_on_the_requests_facts_equal_the_whole_copy(request, name):
    value = request.getfixturevalue(name)
    engine = open_data([value[0] if isinstance(value, tuple) else value]).engine
    readings = readings_in(engine)
    reached = affected_by_reading(engine, readings)
    assert reached, "no reading changes any request: nothing is compared"
    affected = sorted(set().union(*reached.values()))
    around, whole = copy_around(engine, affected), copy_of(engine, None)
    assert _statuses(around, readings, reached) == _statuses(whole, readings, reached)
    assert _triples(around) < _triples(whole)


def test_the_copy_is_bound_by_the_requests(synth_small):
    engine = open_data([synth_small[0]]).engine
    requests = sorted(str(r[0]) for r in engine.query(
        "SELECT ?r WHERE { ?r a <https://w3id.org/cstograph/ns#AssistanceRequest> }").rows)
    one, all_ = copy_around(engine, requests[:1]), copy_around(engine, requests)
    assert _triples(one) < _triples(all_) / 5

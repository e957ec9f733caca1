"""What the site computes once and hands on gives the tables it would read again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cstograph.api import open as open_graph
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.allies import ally_duties, selectivity
from cstograph.rules.infer import BESIDE_GRAPH, derived_beside, materialise
from helpers import open_engine

MINI = Path(__file__).parent / "fixtures" / "mini.trig"


def test_ally_tables_from_the_held_invocations_are_those_read_again():
    kg = open_graph()
    invocations = kg.invocations()
    assert {case.kind for case in invocations} - {"other"}  # the bundled graphs name obligation types
    duties, cases = kg.ally_tables(invocations=invocations)
    again_duties, again_cases = kg.ally_tables()
    assert list(duties) == list(again_duties) and list(cases) == list(again_cases)
    assert {d.obligation for d in duties} == {case.kind for case in invocations if case.request in {d.request for d in duties}}


def test_obligation_types_a_caller_lacks_are_read_from_the_data():
    engine = open_engine(load_dataset(), "oxigraph")
    read = ally_duties(engine)
    first = read[0].request
    # every request but one given the wrong type: the one missing sends ally_duties back to the data
    partial = {d.request: "wrong" for d in read if d.request != first}
    assert ally_duties(open_engine(load_dataset(), "oxigraph"), partial) == read


def test_ally_tables_inferred_beside_the_data_are_those_of_a_copy():
    """Files read into the process's own store: the rules' triples go into a graph of it for the
    two questions and are removed after; the tables are those inferred on a copy, and the store
    holds what it held before."""
    kg = open_graph()
    store = kg.data.store
    before = len(store), sorted(str(g) for g in store.named_graphs())
    duties, cases = kg.ally_tables()
    assert (len(store), sorted(str(g) for g in store.named_graphs())) == before
    copy = kg.data.copy()
    assert list(duties) == ally_duties(copy) and list(cases) == selectivity(copy, inferred=True)
    assert duties and cases
    # as known on a day (a copy of the view) and from one account (a view of the same store)
    for according_to, as_of in ((None, "2022-06-01"), ("Armenia", None)):
        viewpoint = kg.viewpoint(according_to, as_of and dt.date.fromisoformat(as_of))
        copy = kg.data.copy(viewpoint)
        beside = kg.ally_tables(according_to, as_of)
        assert (list(beside[0]), list(beside[1])) == (ally_duties(copy), selectivity(copy, inferred=True))


def test_data_that_states_a_derived_fact_is_inferred_on_a_copy(tmp_path):
    """A derived fact written into the data (here a wrong cg:obligedAlly) is left out by the copy
    the rules run on; the data itself cannot leave it out, so no graph is added beside it."""
    stated = tmp_path / "stated.trig"
    stated.write_text(MINI.read_text(encoding="utf-8") + "\nmx:r1 cg:obligedAlly mx:A .\n", encoding="utf-8")
    kg = open_graph(stated)
    with derived_beside(kg.data.engine) as beside:
        assert beside is None
    duties = list(kg.ally_tables()[0])
    assert duties == list(open_graph(MINI).ally_tables()[0])
    assert duties and "Alpha" not in {d.ally for d in duties}


def test_rules_run_beside_the_data_count_what_a_copy_adds():
    kg = open_graph()
    on_copy = materialise(kg.data.copy(), with_reasons=False, with_graph=False, prove=False)
    engine = kg.data.engine
    try:
        beside = materialise(engine, with_reasons=False, with_graph=False, prove=False, into=BESIDE_GRAPH)
    finally:
        engine.store.remove_graph(engine._ox.NamedNode(BESIDE_GRAPH))
    assert beside.added_by_rule == on_copy.added_by_rule and sum(on_copy.added_by_rule.values()) > 0

"""What the site computes once and hands on gives the tables it would read again."""

from __future__ import annotations

from cstograph.api import open as open_graph
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.allies import ally_duties
from helpers import open_engine


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

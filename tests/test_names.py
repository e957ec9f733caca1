"""Finding a request by a name: the index of the requests' names (engines/names.py) answers an
unknown name with the closest names, the same from files (an index built in memory) and from a
store (the index kept at load time)."""

from __future__ import annotations

import re

import pytest

from cstograph.cli import app
from cstograph.engines.names import NAME_INDEX_FILE, NameIndex

DATA = "https://w3id.org/cstograph/data/"


def cstograph(runner, *args):
    """The command run in this process (what is tested is its answer, not the process)."""
    return runner.invoke(app, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def store(runner, tmp_path_factory):
    folder = tmp_path_factory.mktemp("names") / "store"
    done = cstograph(runner, "load", "--store", folder)
    assert done.exit_code == 0, done.stderr
    return folder


def listed(stderr: str) -> list[str]:
    """The IRIs an error lists, in order."""
    # each candidate is listed as "(N) SHORT-NAME (label)", its short name the last part of its IRI
    # (numbered in order, so "42(7) TEU" inside a label is not taken for one)
    found: list[str] = []
    for number, name in re.findall(r"\((\d+)\) (\S+)", stderr.splitlines()[0]):
        if int(number) == len(found) + 1:
            found.append(DATA + name)
    return found


@pytest.mark.parametrize("wanted, first", [
    ("Estonai asks NATO", DATA + "request-2022-02-24-Estonia-NATO"),
    ("Polnd France 1939", DATA + "request-1939-09-02-Poland-France"),
    ("ANZUS artcle IV", DATA + "request-2001-09-14-ANZUS-Article4"),
])
def test_an_unknown_name_lists_the_closest_names_first(runner, store, wanted, first):
    from_files, from_store = cstograph(runner, "explain", wanted), cstograph(runner, "explain", wanted, "--store", store)
    for done in (from_files, from_store):
        assert done.exit_code == 2 and "matches no request; the closest names" in done.stderr, done.stderr
        assert listed(done.stderr)[0] == first
        assert 1 <= len(listed(done.stderr)) <= 12
    assert from_files.stderr == from_store.stderr
    assert (store / "results" / NAME_INDEX_FILE).is_file() or any(store.resolve().glob(f"results/{NAME_INDEX_FILE}"))


def test_a_part_of_a_label_names_one_request_or_lists_those_that_have_it(runner, store):
    one = cstograph(runner, "explain", "MiG-31 incursion", "--store", store, "--format", "json")
    assert one.exit_code == 0 and DATA + "request-2025-09-19-Estonia-NATO" in one.stdout
    several = cstograph(runner, "explain", "Article 4 consultations", "--store", store)
    assert several.exit_code == 2 and "matches " in several.stderr and " requests:" in several.stderr
    assert all("NATO" in iri for iri in listed(several.stderr))


def test_the_index_counts_substrings_literally():
    index = NameIndex.build([("http://e/a", "Ten % off_all", "2000-01-01"), ("http://e/b", "Tenfold", "2001-01-01"),
                             ("http://e/c", "TEN men", "2002-01-01")])
    assert index.containing("ten", 12)[0] == 3
    assert [n.iri for n in index.containing("% off_", 12)[1]] == ["http://e/a"]
    assert index.containing("%", 12)[0] == 1 and index.containing("_", 12)[0] == 1
    assert index.get("http://e/b").label == "Tenfold" and index.get("http://e/z") is None
    assert [n.iri for n in index.closest("tenfodl", 2)][0] == "http://e/b"


def test_rare_trigrams_choose_the_candidates_and_common_ones_still_answer():
    rows = [(f"http://e/req{i}", "", "2000-01-01") for i in range(1000)] + [("http://e/other", "Zebra crossing", "")]
    index = NameIndex.build(rows)
    assert index.closest("zebra crosing", 3)[0].iri == "http://e/other"  # rare trigrams: found among 1,001
    common = index.closest("rq", 12) + index.closest("req", 12)  # "req": every request has it
    assert common and all(name.iri.startswith("http://e/req") for name in index.closest("req", 12))
    assert index.containing("req12", 12)[0] == 11  # req12, req120-129

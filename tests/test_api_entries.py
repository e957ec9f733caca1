"""The API entries the commands stand on refuse what they cannot do with one clear error, as the
commands do (the commands' own messages are checked by tests/test_cli.py and the tests of each
command)."""

from __future__ import annotations

from pathlib import Path

import pytest

import cstograph
import cstograph.api as api
from cstograph.errors import CstographError, UsageError

FIXTURES = Path(__file__).parent / "fixtures"
ALLIES = Path(__file__).parent / "cases" / "allies" / "allies.ttl"


def test_load_refuses_data_that_violates_the_shapes_and_writes_no_store(tmp_path):
    with pytest.raises(CstographError, match=r"violates the shapes \(\d+ violation\(s\)\); nothing loaded"):
        api.load(FIXTURES / "defects.ttl", store=tmp_path / "store")
    assert not (tmp_path / "store").exists()


def test_load_goes_on_when_the_check_accepts_the_report(tmp_path):
    seen = []
    loaded = api.load(FIXTURES / "defects.ttl", store=tmp_path / "store", check=seen.append)
    assert len(seen) == 1 and not seen[0].conforms
    assert loaded.violations == len(seen[0].violations) > 0 and loaded.files == 1


def test_load_needs_one_target(tmp_path):
    with pytest.raises(UsageError, match="name one target"):
        api.load(ALLIES)
    with pytest.raises(UsageError, match="name one target"):
        api.load(ALLIES, store=tmp_path / "s", endpoint="http://127.0.0.1:9/update")


def test_serve_needs_an_oxigraph_store():
    with pytest.raises(UsageError, match="serve needs the data in Oxigraph, not rdflib in memory"):
        cstograph.open(ALLIES, engine="rdflib").serve(port=0)


def test_import_cases_takes_reference_data_or_the_ontology_alone(tmp_path):
    with pytest.raises(UsageError, match="ontology_only and data"):
        api.import_cases({"requests": tmp_path / "cases.csv"}, data=[ALLIES], ontology_only=True)


def test_a_suffix_that_names_no_format_is_named():
    with pytest.raises(CstographError, match=r"out\.xyz: cannot tell the output format"):
        api.rdf_format("out.xyz")
    with pytest.raises(CstographError, match="cannot tell the timeline format from the suffix '.gexf'"):
        api.timeline_format("t.gexf")
    with pytest.raises(CstographError, match="no citation for 'allies'"):
        api.citation("allies")

"""queries/reliability/commitment-record.rq: the war record of alliances linked to ATOP ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from cgtest import ENGINES
from cstograph.cli import app
from cstograph.engines.engine import make_engine
from cstograph.engines.queries import run_named
from cstograph.reading.rdf_files import load_dataset

CASE = Path(__file__).parent / "cases" / "commitment-record.ttl"

EXPECTED = [
    ("4220", "1993-1994", "war (reliability study)", "http://example.org/obs548", "Azeri-Armenian 1993-94", "BF coding", "violated"),
    ("4220", "1993-1994", "war (reliability study)", "http://example.org/obs548", "Azeri-Armenian 1993-94", "LLM coding", "violated"),
    ("4220", "2022-09-13", "assistance request", "http://example.org/Request2022", "Armenia, September 2022", "",
     "no response of a type that fulfils collective defence (responses: fact-finding mission)"),
    ("4890", "2021-05-14", "assistance request", "http://example.org/Request2021", "Request2021", "",
     "response of a type that fulfils collective defence: military deployment (whether the request triggered the obligation: see cstograph report)"),
]


def rows(engine: str, bindings=None):
    result = run_named(make_engine(engine, load_dataset([CASE])), "commitment-record", bindings)
    return [tuple("" if v is None else str(v) for v in row) for row in result.rows]


@pytest.mark.parametrize("engine", ENGINES)
def test_war_verdicts_beside_requests(engine):
    assert rows(engine) == EXPECTED


@pytest.mark.parametrize("engine", ENGINES)
def test_one_atop_id(engine):
    assert rows(engine, {"atopId": Literal(4890, datatype=XSD.integer)}) == EXPECTED[3:]


def test_cli_param(runner):
    # the fixture holds only what the query reads, so it violates the shapes: query validates
    # first like every command, and --force runs it anyway
    refused = runner.invoke(app, ["query", "commitment-record", str(CASE), "-p", "atopId=4220", "-f", "csv"])
    assert refused.exit_code == 1 and "violation" in refused.stderr and not refused.stdout
    result = runner.invoke(app, ["query", "commitment-record", str(CASE), "-p", "atopId=4220", "-f", "csv", "--force"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("violated") == 2 and "Request2021" not in result.stdout


@pytest.mark.parametrize("engine", ENGINES)
def test_promised_help_is_no_fulfilling_response(engine, tmp_path):
    """Help announced, promised or offered fulfils nothing (coding manual, help stages)."""
    text = CASE.read_text(encoding="utf-8")
    troops = "cg:responseType cg:MilitaryDeployment ."
    assert troops in text
    promised = tmp_path / "promised.ttl"
    promised.write_text(text.replace(troops, "cg:responseType cg:MilitaryDeployment ; cg:helpStage cg:HelpPromised ."),
                        encoding="utf-8")
    result = run_named(make_engine(engine, load_dataset([promised])), "commitment-record",
                       {"atopId": Literal(4890, datatype=XSD.integer)})
    [row] = [tuple("" if v is None else str(v) for v in r) for r in result.rows]
    assert row[-1] == "no response of a type that fulfils collective defence (responses: military deployment)"

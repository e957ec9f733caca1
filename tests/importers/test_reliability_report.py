"""`cstograph reliability` and the fulfilment-table query on a small imported fixture."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cgtest import ENGINES
from cstograph.cli import app
from cstograph.engines.engine import make_engine
from cstograph.engines.queries import bind_params, get_query, run_query
from cstograph.namespaces import CG
from cstograph.reading.rdf_files import load_dataset
from cstograph.rules.reliability import fulfilment_table
from fixture_files import BF_FIXTURE_ROWS, write_reliability_fixture

ROWS = BF_FIXTURE_ROWS  # six observations; the expected counts below are worked out by hand from them


@pytest.fixture(scope="module")
def fixture_graph(tmp_path_factory):
    return write_reliability_fixture(tmp_path_factory.mktemp("reliability"))


def table(path, engine="oxigraph", period="all"):
    rows = fulfilment_table(make_engine(engine, load_dataset([path])), period)
    return {(r.subset_label, r.coding_label): (r.observations, r.does_not_apply, r.relevant, r.honoured, r.violated,
                                              None if r.rate is None else round(r.rate, 4)) for r in rows}


EXPECTED = {
    ("All cases", "LLM"): (6, 2, 4, 1, 3, 0.25),
    ("All cases", "BF"): (6, 2, 4, 2, 2, 0.5),
    ("All cases", "LLM, lenient multilateral"): (6, 1, 5, 3, 2, 0.6),
    ("All cases", "BF, lenient multilateral"): (6, 2, 4, 2, 2, 0.5),
    ("1816-1944", "LLM"): (3, 1, 2, 1, 1, 0.5),
    ("1816-1944", "BF"): (3, 1, 2, 2, 0, 1.0),
    ("1945-2003", "LLM"): (3, 1, 2, 0, 2, 0.0),
    ("1945-2003", "BF"): (3, 1, 2, 0, 2, 0.0),
    ("Defense", "LLM"): (3, 0, 3, 1, 2, 0.3333),
    ("Defense", "BF"): (3, 0, 3, 2, 1, 0.6667),
    ("Offense", "LLM"): (1, 0, 1, 0, 1, 0.0),
    ("Offense", "BF"): (1, 1, 0, 0, 0, None),
    ("Neutrality", "LLM"): (1, 1, 0, 0, 0, None),
    ("Neutrality", "BF"): (1, 1, 0, 0, 0, None),
    ("Non-aggression", "LLM"): (1, 1, 0, 0, 0, None),
    ("Non-aggression", "BF"): (1, 0, 1, 0, 1, 0.0),
    ("Consultation", "LLM"): (2, 0, 2, 1, 1, 0.5),
    ("Consultation", "BF"): (2, 0, 2, 1, 1, 0.5),
    ("Bilateral", "LLM"): (3, 1, 2, 1, 1, 0.5),
    ("Bilateral", "BF"): (3, 2, 1, 1, 0, 1.0),
    ("Multilateral", "LLM"): (3, 1, 2, 0, 2, 0.0),
    ("Multilateral", "BF"): (3, 0, 3, 1, 2, 0.3333),
    ("Multilateral", "LLM, lenient multilateral"): (3, 0, 3, 2, 1, 0.6667),
    ("Multilateral", "BF, lenient multilateral"): (3, 0, 3, 1, 2, 0.3333),
}


@pytest.mark.parametrize("engine", ENGINES)
def test_fulfilment_table_counts(fixture_graph, engine):
    assert table(fixture_graph, engine) == EXPECTED


def test_rows_follow_the_papers_order(fixture_graph):
    rows = fulfilment_table(make_engine("oxigraph", load_dataset([fixture_graph])))
    order = [r.subset_label for r in rows]
    assert order[:4] == ["All cases"] * 4
    assert order.index("1816-1944") < order.index("Defense") < order.index("Bilateral") < order.index("Multilateral")


def test_cli_json_csv_markdown_table(runner, fixture_graph, tmp_path):
    result = runner.invoke(app, ["reliability", str(fixture_graph), "-f", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    first = records[0]
    assert (first["subsetLabel"], first["codingLabel"], first["observations"], first["rate"]) == ("All cases", "LLM", 6, 0.25)
    assert first["period"] == "all"
    assert set(first) == {"period", "subset", "subsetLabel", "coding", "codingLabel", "observations", "doesNotApply",
                          "relevant", "honoured", "violated", "rate"}
    result = runner.invoke(app, ["reliability", str(fixture_graph), "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0] == {"subset": "All cases", "coding": "LLM", "observations": "6", "doesNotApply": "2",
                       "relevant": "4", "honoured": "1", "violated": "3", "rate": "0.2500"}
    assert len(rows) == len(EXPECTED)
    result = runner.invoke(app, ["reliability", str(fixture_graph), "-f", "markdown"])
    assert "| All cases | LLM | 6 | 2 | 4 | 1 | 3 | 25.0% |" in result.stdout
    assert "Berkemeier and Fuhrmann (2018)" in result.stdout
    result = runner.invoke(app, ["reliability", str(fixture_graph), "-f", "table"])
    assert "Fulfilment of alliance commitments in war" in result.stdout and "25.0%" in result.stdout
    out = tmp_path / "table.csv"
    result = runner.invoke(app, ["reliability", str(fixture_graph), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text().startswith("subset,coding,observations")


def test_cli_without_observations_exits_2(runner, tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("@prefix cg: <https://w3id.org/cstograph/ns#> .\n")
    result = runner.invoke(app, ["reliability", str(empty)])
    assert result.exit_code == 2
    assert "no alliance-war observations" in result.stderr and "cstograph import reliability" in result.stderr


def test_cli_refuses_data_that_violates_the_shapes(runner, fixture_graph, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix cg: <https://w3id.org/cstograph/ns#> .\n"
        "<http://example.org/o> a cg:WarOccasion .\n"
    )
    result = runner.invoke(app, ["reliability", str(fixture_graph), str(broken)])
    assert result.exit_code == 1
    assert "violates the shapes" in result.stderr
    assert result.stdout == ""


# The same rows within one era, worked out by hand from ROWS (the first three are 1816-1944).
EXPECTED_1816_1944 = {
    ("1816-1944", "LLM"): (3, 1, 2, 1, 1, 0.5),
    ("1816-1944", "BF"): (3, 1, 2, 2, 0, 1.0),
    ("1816-1944", "LLM, lenient multilateral"): (3, 1, 2, 2, 0, 1.0),
    ("1816-1944", "BF, lenient multilateral"): (3, 1, 2, 2, 0, 1.0),
    ("Defense, 1816-1944", "LLM"): (2, 0, 2, 1, 1, 0.5),
    ("Defense, 1816-1944", "BF"): (2, 0, 2, 2, 0, 1.0),
    ("Neutrality, 1816-1944", "LLM"): (1, 1, 0, 0, 0, None),
    ("Neutrality, 1816-1944", "BF"): (1, 1, 0, 0, 0, None),
    ("Consultation, 1816-1944", "LLM"): (1, 0, 1, 1, 0, 1.0),
    ("Consultation, 1816-1944", "BF"): (1, 0, 1, 1, 0, 1.0),
    ("Bilateral, 1816-1944", "LLM"): (2, 1, 1, 1, 0, 1.0),
    ("Bilateral, 1816-1944", "BF"): (2, 1, 1, 1, 0, 1.0),
    ("Multilateral, 1816-1944", "LLM"): (1, 0, 1, 0, 1, 0.0),
    ("Multilateral, 1816-1944", "BF"): (1, 0, 1, 1, 0, 1.0),
    ("Multilateral, 1816-1944", "LLM, lenient multilateral"): (1, 0, 1, 1, 0, 1.0),
    ("Multilateral, 1816-1944", "BF, lenient multilateral"): (1, 0, 1, 1, 0, 1.0),
}


@pytest.mark.parametrize("engine", ENGINES)
def test_one_eras_table(fixture_graph, engine):
    assert table(fixture_graph, engine, str(CG.Period1816to1944)) == EXPECTED_1816_1944


def test_cli_period_option(runner, fixture_graph):
    result = runner.invoke(app, ["reliability", str(fixture_graph), "--period", "1945-2003", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = {(r["subset"], r["coding"]): r for r in csv.DictReader(io.StringIO(result.stdout))}
    # Korean war: 3180 violated, 3190 does not apply (LLM); Kargil: violated
    assert rows[("1945-2003", "LLM")]["relevant"] == "2" and rows[("1945-2003", "LLM")]["violated"] == "2"
    assert rows[("Offense, 1945-2003", "LLM")]["observations"] == "1"
    assert not any(subset.endswith("1816-1944") or subset == "All cases" for subset, _ in rows)
    result = runner.invoke(app, ["reliability", str(fixture_graph), "--period", "1900-1910"])
    assert result.exit_code == 2
    assert "unknown period '1900-1910'" in result.stderr and "1816-1944, 1945-2003" in result.stderr


def observations(path, engine="oxigraph", **params):
    engine = make_engine(engine, load_dataset([path]))
    spec = get_query("war-observations")
    rows = run_query(engine, spec, bind_params(spec, params)).records()
    return [(str(r["war"]).rsplit("-", 1)[1], int(r["atopId"].toPython()), str(r["codingRules"]).rsplit("#", 1)[1],
             str(r["verdict"]).rsplit("#", 1)[1]) for r in rows]


@pytest.mark.parametrize("engine", ENGINES)
def test_war_observations_lists_the_relevant_cases_of_an_era(fixture_graph, engine):
    listed = observations(fixture_graph, engine, period=str(CG.Period1945to2003), coding=str(CG.LLMCoding),
                          relevantOnly="true")
    # 3190 is "does not apply" under LLM and is left out
    assert sorted(listed) == [("3", 3180, "LLMCoding", "Violated"), ("4", 4000, "LLMCoding", "Violated")]


@pytest.mark.parametrize("engine", ENGINES)
def test_war_observations_parameters_narrow_the_list(fixture_graph, engine):
    assert len(observations(fixture_graph, engine)) == 6 * 4  # every observation under four codings
    assert len(observations(fixture_graph, engine, relevantOnly="false")) == 6 * 4
    assert len(observations(fixture_graph, engine, coding=str(CG.BFCoding))) == 6
    assert len(observations(fixture_graph, engine, period=str(CG.Period1816to1944))) == 3 * 4
    relevant_bf = observations(fixture_graph, engine, coding=str(CG.BFCoding), relevantOnly="1")
    assert sorted(a for _, a, _, _ in relevant_bf) == [1020, 1030, 3180, 3190]

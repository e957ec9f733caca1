"""The record of formal invocations beside the Berkemeier-Fuhrmann rates for 1945-2003, over their
whole replication file and the bundled graphs: the published side of the comparison is the
paper's own figures (the do-file's counts, as in test_real_data.py), counted again here in plain
Python from the .dta file, and the invocation side is the bundled record's."""

from __future__ import annotations

import json

from cstograph.cli import app
from cstograph.reading.importers.reliability import import_reliability
from cstograph.reading.importers.stata import read_dta
from cstograph.reading.resources import graphs_dir

BF_FILE = "alliance-reliability/BerkemeierFuhrmannRAP2018_0303.dta"
# Berkemeier and Fuhrmann (2018), replication do-file: 1945-2003, LLM coding, 12 of 54 relevant
# observations honoured (22.22%); defence pacts 6 of 43 (13.95%).
PUBLISHED_1945_2003 = {"all obligation types": (12, 54), "defence": (6, 43)}
COLUMNS = {"defence": "defense", "consultation": "consul", "offensive support": "offense", "neutrality": "neutral",
           "non-aggression": "nonagg"}


def test_the_comparison_gives_the_published_rates_and_an_independent_count(runner, shared_data, tmp_path):
    rdf = tmp_path / "reliability.ttl"
    rdf.write_text(import_reliability(shared_data / BF_FILE).text, encoding="utf-8")
    result = runner.invoke(app, ["reliability", "-f", "json", str(rdf), str(graphs_dir())])
    assert result.exit_code == 0, result.output
    compared = {row["obligationType"]: row for row in json.loads(result.stdout)["comparison"]}
    for kind, (honoured, relevant) in PUBLISHED_1945_2003.items():
        assert (compared[kind]["llmHonoured"], compared[kind]["llmRelevant"]) == (honoured, relevant)
    rows = [r for r in read_dta(shared_data / BF_FILE).rows if r["sample"] == 0]  # sample 0: 1945-2003
    for kind, column in COLUMNS.items():
        chosen = [r for r in rows if r[column] == 1]
        for coding in ("LLM", "BF"):
            honoured = sum(1 for r in chosen if r["honor" + coding] == 1)
            relevant = honoured + sum(1 for r in chosen if r["violate" + coding] == 1)
            key = coding.lower()
            assert (compared[kind][key + "Honoured"], compared[kind][key + "Relevant"]) == (honoured, relevant), kind
    # the invocation side is the bundled record's, whatever observations are loaded beside it
    alone = json.loads(runner.invoke(app, ["reliability", "-f", "json"]).stdout)["comparison"]
    assert {r["obligationType"]: (r["invocationsMet"], r["invocationsDecided"]) for r in alone if r["invocationsDecided"]} \
        == {k: (r["invocationsMet"], r["invocationsDecided"]) for k, r in compared.items() if r["invocationsDecided"]}

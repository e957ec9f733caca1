"""One label rule: a node is named by its English or untagged label, whatever other languages
the data adds. A German label on the treaty changed what ``explain`` said of it ("AAA Vertrag")
while ``report`` kept the English one; ``report --by-ally`` and ``--selectivity`` took any
language too. The rule is stated once here and every shipped query is held to it."""

from __future__ import annotations

import json
import re

import pytest

from cgtest import FIXTURES
from cstograph.cli import app

REQUEST = "http://example.org/mini/r1"  # Alpha invokes Article 1 of mx:T ("Mini treaty"); Beta responds

# "AAA" sorts before every English label, so a query that takes MIN(STR(label)) of all languages
# names these nodes in German
GERMAN = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix mx: <http://example.org/mini/> .
mx:T rdfs:label "AAA Vertrag"@de .
mx:L rdfs:label "AAA Bund"@de .
mx:A rdfs:label "AAA Alpha"@de .
mx:B rdfs:label "AAA Beta"@de .
mx:e1 rdfs:label "AAA Angriff"@de .
"""

LABEL_PROPERTIES = r"(?:rdfs:label|skos:prefLabel|skos:altLabel)"
# The rule, as the queries write it for a label variable ?v (either order of the two tests)
RULE = (r'FILTER \((?:LANG\(\?{v}\) = "" \|\| LANGMATCHES\(LANG\(\?{v}\), "en"\)'
        r'|LANGMATCHES\(LANG\(\?{v}\), "en"\) \|\| LANG\(\?{v}\) = "")\)')
# Queries that read labels in every language on purpose
EVERY_LANGUAGE = {
    "reports/referable-nodes.rq": "a case spreadsheet may name a node by any of its labels",
}


@pytest.fixture
def data(tmp_path):
    german = tmp_path / "german-labels.ttl"
    german.write_text(GERMAN, encoding="utf-8")
    return [str(FIXTURES / "mini.trig"), str(german)]


def test_report_and_explain_name_the_treaty_alike_when_it_has_a_german_label(runner, data):
    report = runner.invoke(app, ["report", "--all", "--format", "json", *data])
    assert report.exit_code == 0, report.output
    [row] = [r for r in json.loads(report.stdout) if r["request"] == REQUEST]

    explain = runner.invoke(app, ["explain", REQUEST, "--format", "json", *data])
    assert explain.exit_code == 0, explain.output
    [step] = [s for s in json.loads(explain.stdout)["steps"] if s["kind"] == "obligation"]

    assert row["obligationLabel"] == "Mini treaty, Article 1"
    assert "in Mini treaty:" in step["text"], step["text"]
    assert "Mini league" in report.stdout and "Mini league" in explain.stdout
    assert "AAA" not in report.stdout + explain.stdout


@pytest.mark.parametrize("option", ["--by-ally", "--selectivity"])
def test_the_other_reports_name_nodes_by_the_same_rule(runner, data, option):
    result = runner.invoke(app, ["report", option, "--format", "csv", *data])
    assert result.exit_code == 0, result.output
    assert "Alpha" in result.stdout and "AAA" not in result.stdout


def test_every_label_a_query_reads_follows_the_rule():
    broken = []
    from cstograph.engines.queries import bundled_queries
    from cstograph.reading.resources import queries_dir

    for spec in bundled_queries().values():  # the text as the engines run it: fragments expanded
        name = spec.path.relative_to(queries_dir()).as_posix()  # the package's copy when installed
        if name in EVERY_LANGUAGE:
            continue
        text = "\n".join(line for line in spec.text.splitlines() if not line.lstrip().startswith("#"))
        for match in re.finditer(LABEL_PROPERTIES + r"(?:\|" + LABEL_PROPERTIES + r")*\s+\?(\w+)", text):
            if not re.search(RULE.format(v=match.group(1)), text):
                broken.append(f"{name}: ?{match.group(1)}")
    assert not broken, "labels read in any language (add the rule's FILTER):\n" + "\n".join(broken)

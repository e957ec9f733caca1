"""Rules stated once: `#+ include:` fragments of queries/fragments/, expanded when the catalogue reads a file."""

from __future__ import annotations

import re

import pytest

from cgtest import FIXTURES, REPO
from cstograph.cli import app
from cstograph.engines.queries import bundled_queries, expand_includes, fragment, read_query_file
from cstograph.errors import QueryError

QUERIES = REPO / "queries"
LABEL_RULE = fragment("english-or-untagged").body


def test_every_include_resolves_and_nothing_is_left_unexpanded():
    including = 0
    for spec in bundled_queries().values():
        raw = spec.path.read_text(encoding="utf-8")
        assert "{{" not in spec.text, spec.name
        if "#+ include:" in raw:
            including += 1
            assert 'LANGMATCHES(LANG(' in spec.text, spec.name
    assert including >= 19


def test_the_label_rule_is_written_once_in_the_folders_that_include_it():
    for folder in ("explain", "reports", "pictures"):
        for path in sorted((QUERIES / folder).glob("*.rq")):
            assert "LANGMATCHES" not in path.read_text(encoding="utf-8"), path.name
    assert LABEL_RULE == 'FILTER (LANG(?value) = "" || LANGMATCHES(LANG(?value), "en"))'


def test_a_fragment_is_written_with_the_variables_given(tmp_path):
    text = "#+ include: english-or-untagged\nSELECT ?l WHERE { ?s ?p ?l {{english-or-untagged ?l}} }"
    assert expand_includes(text, tmp_path / "q.rq").endswith(
        'SELECT ?l WHERE { ?s ?p ?l FILTER (LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")) }')


@pytest.mark.parametrize(("text", "words"), [
    ("SELECT ?l WHERE { ?s ?p ?l {{english-or-untagged ?l}} }", "without '#+ include: english-or-untagged'"),
    ("#+ include: english-or-untagged\nSELECT * WHERE { ?s ?p ?l {{english-or-untagged ?l ?s}} }", "takes 1 variable"),
    ("#+ include: no-such-rule\nSELECT * WHERE { ?s ?p ?o {{no-such-rule ?o}} }", "no fragment 'no-such-rule'"),
    ("#+ include: english-or-untagged\nSELECT * WHERE { ?s ?p ?o }", "never uses it"),
])
def test_a_broken_include_is_a_clear_error(runner, tmp_path, text, words):
    path = tmp_path / "broken.rq"
    path.write_text("#+ summary: x.\n" + text, encoding="utf-8")
    with pytest.raises(QueryError, match=re.escape(words)):
        read_query_file(path, kind="file")
    result = runner.invoke(app, ["query", str(path), str(FIXTURES / "mini.trig")])
    assert result.exit_code == 2 and words in result.output, result.output


def test_cstograph_query_runs_the_expanded_text(runner, tmp_path):
    """A user's query file may include a fragment too; the rows follow the rule (mini.trig holds
    a Russian label beside an English one)."""
    path = tmp_path / "labels.rq"
    path.write_text("#+ summary: Labels.\n#+ include: english-or-untagged\n"
                    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "SELECT ?label WHERE { ?s rdfs:label ?label {{english-or-untagged ?label}} }\n", encoding="utf-8")
    everything = runner.invoke(app, ["query", str(path), str(FIXTURES / "mini.trig"), "--format", "csv"])
    assert everything.exit_code == 0, everything.output
    assert "Альфа" in (FIXTURES / "mini.trig").read_text(encoding="utf-8")
    assert "Alpha" in everything.output and "Альфа" not in everything.output

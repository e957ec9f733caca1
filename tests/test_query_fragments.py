"""Rules stated once: `#+ include:` fragments of queries/fragments/, expanded when the catalogue reads a file."""

from __future__ import annotations

import collections
import re

import pytest

from cgtest import FIXTURES, REPO
from cstograph.cli import app
from cstograph.engines.queries import bundled_queries, expand_includes, fragment, read_query_file
from cstograph.errors import QueryError

QUERIES = REPO / "queries"
LABEL_RULE = fragment("english-or-untagged").body


# What only a fragment may write: each rule or idiom's telling words. A query (outside the
# independent formulation of the rules in infer/, which the tests keep equal to request-status)
# that writes them again fails here; it includes the fragment instead.
WRITTEN_ONCE = {
    "english-or-untagged": (r"LANGMATCHES",),
    "trigger-holds": (r"cg:onAnyTerritory true", r"cg:conditionAdversary \?\w+ \. \?\w+ cg:attacker"),
    # in force on a date: a selection by the open end (explain-memberships and explain-suspensions
    # show each membership's and suspension's dates and whether it covers the day: no selection)
    "member-on-date": (r"FILTER \([^\n]*&& \(!BOUND\(\?\w+\) \|\| \?\w+ <= \?\w+\)",),
    "suspended-between": (r"\(\?\w+ = \?\w+ && \?\w+ = \?\w+\) \|\| \(\?\w+ = \?\w+ && \?\w+ = \?\w+\)",),
    "not-derived": (r"cg:triggeredObligation,",),
}
INDEPENDENT = "infer"  # the inference rules: the second formulation of the classification


def test_every_include_resolves_and_nothing_is_left_unexpanded():
    including = collections.Counter()
    for spec in bundled_queries().values():
        raw = spec.path.read_text(encoding="utf-8")
        assert "{{" not in spec.text, spec.name
        for name in re.findall(r"^#\+ include: *([\w-]+)", raw, flags=re.MULTILINE):
            including[name] += 1
            assert all(re.search(words, spec.text) for words in WRITTEN_ONCE[name]), (spec.name, name)
    assert including["english-or-untagged"] >= 28, including
    assert including["trigger-holds"] == 4 and including["member-on-date"] == 5 and including["not-derived"] == 2, including
    assert including["suspended-between"] == 3, including


@pytest.mark.parametrize("name", sorted(WRITTEN_ONCE))
def test_each_rule_is_written_once(name):
    """The words of a fragment appear in its file and nowhere else among the bundled queries
    (but the inference rules, stated independently)."""
    assert (QUERIES / "fragments" / f"{name}.rq").is_file()
    for path in sorted(QUERIES.rglob("*.rq")):
        if path.parent.name in ("fragments", INDEPENDENT):
            continue
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
        for words in WRITTEN_ONCE[name]:
            assert not re.search(words, text), f"{path.name} writes {words!r} again: include the fragment {name!r}"
    for words in WRITTEN_ONCE[name]:
        assert re.search(words, fragment(name).body), words


def test_the_derived_predicates_are_one_list():
    """The SPARQL list (fragments/not-derived.rq), the Python one (namespaces.DERIVED_PREDICATES)
    and the predicates the inference rules write are the same."""
    from cstograph.namespaces import CG, DERIVED_PREDICATES

    in_fragment = {CG[name] for name in re.findall(r"cg:(\w+)", fragment("not-derived").body)}
    written = set()
    for path in (QUERIES / "infer").glob("*.rq"):
        template = re.search(r"CONSTRUCT\s*\{(.*?)\}", path.read_text(encoding="utf-8"), flags=re.DOTALL).group(1)
        written |= {CG[name] for name in re.findall(r"cg:(\w+)", template)}
    # the rules write cg:status as a concept and the reason beside it (rules/infer.py)
    assert in_fragment == set(DERIVED_PREDICATES) == written | {CG.statusReason}, (in_fragment ^ written)


def test_a_fragment_keeps_its_own_variables(tmp_path):
    """A query that uses a variable a fragment keeps to itself, or gives it one, is an error:
    the two would be joined by accident."""
    head = "#+ summary: x.\n#+ include: trigger-holds\nPREFIX cg: <https://w3id.org/cstograph/ns#>\n"
    for body, words in (("SELECT * WHERE { {{trigger-holds ?r ?o ?e}} ?x cg:p ?trigger_condition }", "uses ?trigger_condition"),
                        ("SELECT * WHERE { {{trigger-holds ?r ?trigger_named ?e}} }", "is given ?trigger_named")):
        with pytest.raises(QueryError, match=re.escape(words)):
            expand_includes(head + body, tmp_path / "q.rq")


def test_the_arguments_are_replaced_at_once(tmp_path):
    """Each argument of a fragment becomes the variable given for it, even when that variable is
    the name of a later argument (?start given for the membership)."""
    text = "#+ include: member-on-date\nSELECT * WHERE { {{member-on-date ?start ?a ?m ?s ?e ?d}} }"
    expanded = expand_includes(text, tmp_path / "q.rq")
    assert "?start cg:alliance ?a ; cg:member ?m ; cg:startDate ?s" in expanded
    assert "?membership" not in expanded and "?end" not in expanded


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

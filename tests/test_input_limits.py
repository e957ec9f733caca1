"""Inputs at the edges: each is read or refused with one clean line and exit 2 (never exit 4, a
traceback or a partial output file), and both engines agree on which.

Run in this process, each ending as ``python -m cstograph`` would (conftest's ``cli_run``: an
exception other than SystemExit is the exit code 4 of an internal error)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cgtest import ENGINES, FIXTURES
from fixture_files import member, write_atop, write_dta

# the rdflib-engine runs are slow (README); the full suite runs them, the quick subset the oxigraph case


@pytest.fixture
def cstograph(cli_run):
    return cli_run


def assert_clean_error(done: SimpleNamespace, *words: str) -> None:
    lines = done.stderr.splitlines()
    assert done.returncode == 2, done.stderr
    assert lines and lines[0].startswith("Error: ") and len(lines) <= 2, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], done.stderr


def nested_turtle(depth: int) -> str:
    return ("@prefix : <http://example.org/> .\n"
            ":s :p " + "[ :p " * depth + ":o" + " ]" * depth + " .\n"
            ":s :q " + "( " * depth + ":o" + " )" * depth + " .\n"
            ":s :r " + "( [ :p " * (depth // 2) + ":o" + " ] )" * (depth // 2) + " .\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_turtle_nested_to_the_bound_loads_on_both_engines(tmp_path, engine, cstograph):
    data = tmp_path / "deep.ttl"
    data.write_text(nested_turtle(200))
    done = cstograph("validate", "--engine", engine, data)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_turtle_nested_1000_deep_is_refused_alike(tmp_path, engine, cstograph):
    data = tmp_path / "deep.ttl"
    data.write_text(nested_turtle(1000))
    done = cstograph("validate", "--engine", engine, data)
    assert_clean_error(done, "deep.ttl", "more than 200 levels deep")


def test_brackets_inside_strings_and_iris_do_not_count(tmp_path, cstograph):
    data = tmp_path / "strings.ttl"
    data.write_text('@prefix : <http://example.org/> .\n:s :p "' + "[(" * 500 + '" , <http://example.org/'
                    + "(" * 300 + "> .\n# " + "[" * 300 + "\n")
    done = cstograph("validate", "--engine", "oxigraph", data)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow  # deeply nested queries through rdflib's parser (the guard), on both engines
@pytest.mark.parametrize("engine", ENGINES)
def test_deep_but_valid_sparql_runs_on_both_engines(tmp_path, engine, cstograph):
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    patterns = tmp_path / "patterns.rq"
    patterns.write_text("SELECT (COUNT(*) AS ?n) WHERE { "
                        + " ".join(f"<http://example.org/mini/A> {label} ?l ." for _ in range(200)) + " }")
    brackets = tmp_path / "brackets.rq"
    brackets.write_text("SELECT ?x WHERE { BIND(" + "(" * 50 + "1" + ")" * 50 + " AS ?x) }")
    for query, answer in ((patterns, "2"), (brackets, "1")):
        done = cstograph("query", query, "--engine", engine, FIXTURES / "mini.trig")
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == [done.stdout.split()[0], answer]


def test_sparql_nested_past_the_bound_is_a_clean_error(tmp_path, cstograph):
    query = tmp_path / "deeper.rq"
    query.write_text("SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }")
    assert_clean_error(cstograph("query", query, FIXTURES / "mini.trig"), "deeper.rq", "nests too deeply")


@pytest.mark.slow
def test_a_literal_over_16_mib(tmp_path, cstograph):
    """One term is bounded to 16 MiB on both engines: a clean refusal."""
    data = tmp_path / "big.ttl"
    data.write_text('<http://example.org/s> <http://example.org/p> "' + "a" * (17 * 1024 * 1024) + '" .\n')
    assert_clean_error(cstograph("validate", data), "big.ttl", "16 MiB")
    assert_clean_error(cstograph("validate", "--engine", "rdflib", data), "big.ttl", "16 MiB")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("iri", ["http://x/a b", 'http://x/q"uote', "http://x/new\nline"])
def test_iris_with_a_space_quote_or_line_break_are_refused(tmp_path, engine, iri, cstograph):
    """RDF/XML attributes keep any character; rdflib kept them and viz crashed writing them."""
    from xml.sax.saxutils import quoteattr

    data = tmp_path / "bad.rdf"
    data.write_text('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                    f'<rdf:Description rdf:about={quoteattr(iri)}>'
                    '<rdf:type rdf:resource="https://w3id.org/cstograph/ns#State"/></rdf:Description></rdf:RDF>')
    out = tmp_path / "out.json"
    done = cstograph("viz", data, "--engine", engine, "--view", "full", "-o", out, "--force")
    assert_clean_error(done)
    assert not out.exists()


@pytest.mark.parametrize("value", ['http://x/a"b', "http://x/a b", "http://x/a>b", '"'])
def test_an_iri_parameter_with_a_quote_is_refused(value, cstograph):
    done = cstograph("query", "account-view", FIXTURES / "mini.trig", "-p", f"account={value}")
    assert_clean_error(done, "account")


@pytest.mark.parametrize("engine", ENGINES)
def test_service_with_a_variable_is_refused(tmp_path, engine, cstograph):
    query = tmp_path / "service.rq"
    query.write_text("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }")
    assert_clean_error(cstograph("query", query, "--engine", engine, FIXTURES / "mini.trig"), "SERVICE")


@pytest.mark.parametrize("year", ["12345678901234567890", "1e999", "-5", "10000"])
def test_atop_years_out_of_range(tmp_path, year, cstograph):
    alliances, members = write_atop(tmp_path, [{"atopid": 1, "begyr": 1990, "begmo": 1, "begday": 1, "bilat": 1}],
                                    [member(1, 2, (1990, 1, 1), None, defense=1)])
    members.write_text(members.read_text().replace("1990", year, 1))
    out = tmp_path / "atop.ttl"
    done = cstograph("import", "atop", alliances, members, "-o", out)
    assert_clean_error(done, "members.csv", "line 2")
    assert not out.exists()


def test_a_dta_without_variables(tmp_path, cstograph):
    out = tmp_path / "r.ttl"
    done = cstograph("import", "reliability", write_dta(tmp_path / "empty.dta", [], []), "-o", out)
    assert_clean_error(done, "empty.dta", "no variables")
    assert not out.exists()


@pytest.mark.parametrize("day", ["2147483648", "-2147483649"])
def test_an_atop_day_past_the_c_int_range(tmp_path, day, cstograph):
    """Found by tests/test_fuzz.py: datetime raised OverflowError, not ValueError."""
    alliances, members = write_atop(tmp_path, [{"atopid": 1, "begyr": 1990, "begmo": 5, "begday": 15, "bilat": 1}],
                                    [member(1, 2, (1990, 5, 15), None, defense=1)])
    alliances.write_text(alliances.read_text().replace(",15,", f",{day},", 1))
    out = tmp_path / "atop.ttl"
    done = cstograph("import", "atop", alliances, members, "-o", out)
    assert_clean_error(done, "alliances.csv", "line 2")
    assert not out.exists()

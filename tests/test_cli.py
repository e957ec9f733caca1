"""The command line: every command, every exit code, stdout for data and stderr for errors."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from cgtest import CASES
from cstograph import __version__
from cstograph.cli import app

SMALL = str(CASES / "queries" / "small.ttl")
INVALID = str(CASES / "shapes" / "invalid-request-parties.ttl")
COMMANDS = ["report", "validate", "query", "queries"]


def invoke(runner, *args):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def test_version(runner):
    result = invoke(runner, "--version")
    from cstograph.base.version import BUNDLED_DATA_VERSION

    assert result.exit_code == 0 and result.stdout.strip() == f"cstograph {__version__} (dataset {BUNDLED_DATA_VERSION})"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_everywhere(runner, command):
    result = invoke(runner, command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "Exit codes" in result.stdout


def test_module_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "cstograph", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "report" in done.stdout


# ---------------------------------------------------------------- report


@pytest.mark.parametrize("args, message", [
    (["report", "--as-of", "2022-13-01"], "Invalid value for '--as-of'"),
    (["reliability", "--perod", "1945-2003"], "No such option"),  # then ": --perod" or " '--perod'", by Click version
    (["nosuch"], "No such command 'nosuch'"),
    (["viz"], "Missing option '--output'"),
])
def test_option_errors_are_one_error_line_and_a_hint(args, message):
    """The installed command, as a user runs it (the usage block Typer prints is left out)."""
    done = subprocess.run([sys.executable, "-m", "cstograph", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Error: ") and message in lines[0], done.stderr
    assert all(a in lines[0] for a in args if a.startswith("--perod")), done.stderr  # names the unknown option
    assert lines[1].startswith("hint: run '") and "cstograph" in lines[1] and "--help" in lines[1]
    assert done.stdout == ""


def test_report_default_lists_only_unmet_bundled(runner):
    result = invoke(runner, "report", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows and {r["status"] for r in rows} == {"unmet"}
    assert any(r["date"] == "2022-09-13" and "FactFindingMission" in json.dumps(r["responses"]) for r in rows)


def test_report_json_keys_follow_the_contract(runner):
    result = invoke(runner, "report", "--all", "--format", "json", SMALL)
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {r["status"] for r in rows} == {"unmet", "not-triggered"}
    for row in rows:
        assert {"request", "requester", "addressee", "obligation", "date", "status", "reason", "responses"} <= row.keys()
        assert row["request"].startswith("http://") and row["reason"].endswith(".")
        for response in row["responses"]:
            assert {"responder", "type", "date"} <= response.keys()


def test_report_csv_markdown_and_table(runner):
    result = invoke(runner, "report", "--all", "-f", "csv", SMALL)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["status"] for r in rows] == ["not-triggered", "unmet"]
    result = invoke(runner, "report", "--all", "-f", "markdown", SMALL)
    assert result.stdout.startswith("| Date | Requester |") and "| unmet |" in result.stdout
    result = invoke(runner, "report", "-f", "table", SMALL)
    assert "Avalon" in result.stdout and "\x1b[" not in result.stdout  # no colour codes in a pipe


def test_report_default_format_in_a_pipe_is_csv(runner):
    result = invoke(runner, "report", SMALL)
    assert result.stdout.splitlines()[0].startswith("request,date,requester")


def test_report_refuses_data_that_violates_the_shapes(runner):
    result = invoke(runner, "report", INVALID)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "2 violation(s)" in result.stderr and "http://example.org/t/r" in result.stderr
    forced = invoke(runner, "report", "--all", "--force", "-f", "json", INVALID)
    assert forced.exit_code == 0 and "because of --force" in forced.stderr
    assert json.loads(forced.stdout)


def test_report_fail_on_unmet(runner):
    assert invoke(runner, "report", "--fail-on-unmet", SMALL).exit_code == 1
    ok = CASES / "classify" / "response-to-another-request.ttl"
    assert invoke(runner, "report", "--fail-on-unmet", str(ok)).exit_code == 1
    met_only = CASES / "classify" / "user-extensions.ttl"
    assert invoke(runner, "report", "--fail-on-unmet", str(met_only)).exit_code == 0


@pytest.mark.slow  # an rdflib-engine run; the quick subset runs the report on Oxigraph in the tests above
def test_report_with_rdflib_engine_matches_oxigraph(runner):
    ox = invoke(runner, "report", "--all", "-f", "json", SMALL)
    rd = invoke(runner, "report", "--all", "-f", "json", "--engine", "rdflib", SMALL)
    def comparable(rows):  # GROUP_CONCAT's order inside a reason is up to the engine
        return [{**r, "reason": sorted(re.findall(r"[\w'-]+", r["reason"]))} for r in rows]

    assert comparable(json.loads(ox.stdout)) == comparable(json.loads(rd.stdout))


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "missing.ttl"], "missing.ttl: no such file or folder"),
        (["report", "-f", "xml"], "unknown format 'xml'"),
        (["report", "--engine", "jena", SMALL], "unknown engine 'jena'"),
        (["validate", "missing.ttl"], "no such file or folder"),
        (["query", "no-such-query"], "unknown query 'no-such-query'"),
        (["query", "members-on-date", SMALL], "needs the parameter(s) onDate"),
        (["query", "members-on-date", SMALL, "-p", "onDate=13/09/2022"], "is not a date"),
        (["query", "members-on-date", SMALL, "-p", "onDate"], "write NAME=VALUE"),
        (["query", "responses", SMALL, "-p", "request=nope"], "neither a full IRI nor a prefixed name"),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(runner, args, message):
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")


def test_malformed_turtle_names_file_and_line(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\n\nex:a ex:b .\n")
    for command in ("report", "validate"):
        result = invoke(runner, command, str(bad))
        assert result.exit_code == 2
        assert re.search(rf"{re.escape(str(bad))}: not valid turtle: .*line 3\b", result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- validate


def test_validate_exit_codes_and_focus_nodes(runner):
    ok = invoke(runner, "validate", str(CASES / "shapes" / "valid-contract-terms.ttl"))
    assert ok.exit_code == 0 and ok.stdout.strip().endswith("0 info(s).")
    warnings = invoke(runner, "validate", str(CASES / "shapes" / "valid-with-warnings.ttl"))
    assert warnings.exit_code == 0 and "Warning: <http://example.org/t/Unnamed>" in warnings.stdout
    bad = invoke(runner, "validate", INVALID)
    assert bad.exit_code == 1
    assert "Violation: <http://example.org/t/r> [https://w3id.org/cstograph/ns#requester]" in bad.stdout
    as_json = json.loads(invoke(runner, "validate", "-f", "json", INVALID).stdout)
    assert as_json["conforms"] is False and as_json["violations"] == 2


def test_validate_bundled_graphs(runner):
    result = invoke(runner, "validate")
    assert result.exit_code == 0 and result.stdout.startswith("Conforms")


# ---------------------------------------------------------------- query and queries


def test_query_by_name_with_parameters(runner):
    result = invoke(runner, "query", "members-on-date", SMALL, "-p", "onDate=1999-04-21", "-p", "alliance=ex:L", "-f", "json")
    assert result.exit_code == 0
    assert sorted(r["memberLabel"] for r in json.loads(result.stdout)) == ["Avalon", "Corin"]


def test_query_from_a_file_and_its_errors(runner, tmp_path):
    mine = tmp_path / "mine.rq"
    mine.write_text("PREFIX cg: <https://w3id.org/cstograph/ns#>\nSELECT (COUNT(*) AS ?n) WHERE { ?r a cg:AssistanceRequest }\n")
    result = invoke(runner, "query", str(mine), SMALL, "-f", "csv")
    assert result.exit_code == 0 and result.stdout.splitlines() == ["n", "2"]
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { ?s ?p ?o }")
    assert invoke(runner, "query", str(ask), SMALL).stdout.strip() == "yes"
    construct = tmp_path / "construct.rq"
    construct.write_text("PREFIX cg: <https://w3id.org/cstograph/ns#>\nCONSTRUCT { ?r cg:requester ?s } WHERE { ?r cg:requester ?s }")
    out = invoke(runner, "query", str(construct), SMALL)
    assert out.exit_code == 0 and "cg:requester" in out.stdout
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT * WHERE { ?s ?p }")
    result = invoke(runner, "query", str(broken), SMALL)
    assert result.exit_code == 2 and "broken.rq: SPARQL syntax error" in result.stderr
    remote = tmp_path / "remote.rq"
    remote.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    result = invoke(runner, "query", str(remote), SMALL)
    assert result.exit_code == 2 and "SERVICE is refused" in result.stderr
    assert invoke(runner, "query", str(tmp_path / "absent.rq")).exit_code == 2


def test_queries_lists_every_bundled_query(runner):
    from cstograph.engines.queries import bundled_queries

    result = invoke(runner, "queries", "-f", "json")
    listed = {row["name"] for row in json.loads(result.stdout)}
    assert listed == set(bundled_queries())


def test_internal_errors_exit_4_without_traceback(tmp_path):
    """A bug (simulated by an unreadable ontology path) exits 4 with a one-line message."""
    script = (
        "import cstograph.reading.resources as r, pathlib\n"
        "r.ontology_path = lambda: (_ for _ in ()).throw(RuntimeError('boom'))\n"
        "import cstograph.reading.rdf_files as l; l.ontology_path = r.ontology_path\n"
        "import sys; sys.argv = ['cstograph', 'validate']\n"
        "from cstograph.cli import main; main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 4
    assert "Internal error: RuntimeError: boom" in done.stderr and "Traceback" not in done.stderr

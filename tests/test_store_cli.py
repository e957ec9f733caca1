"""load --store once, then report/query/validate --store; synth; exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

from cgtest import FIXTURES
from cstograph.cli import app
from helpers import _unordered_lists

MINI = str(FIXTURES / "mini.trig")


def report_rows(runner, args):
    result = runner.invoke(app, ["report", "--all", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    # reasons as word multisets: GROUP_CONCAT's list order differs even between Oxigraph in memory and on disk
    return sorted((r["request"], r["status"], _unordered_lists(r["reason"])) for r in json.loads(result.stdout))


def test_report_from_a_store_equals_report_from_files(runner, tmp_path, synth_small):
    path, graph = synth_small
    store = tmp_path / "store"
    result = runner.invoke(app, ["load", str(path), MINI, "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "0 violation(s)" in result.stdout
    from_store = report_rows(runner, ["--store", str(store)])
    assert from_store == report_rows(runner, [str(path), MINI])
    assert {r: s for r, s, _ in from_store if r in graph.expected} == graph.expected


def test_query_and_validate_on_a_store(runner, tmp_path):
    store = tmp_path / "store"
    assert runner.invoke(app, ["load", MINI, "--store", str(store)]).exit_code == 0
    result = runner.invoke(app, ["query", "members-on-date", "--store", str(store), "-p", "onDate=2005-06-01", "-f", "csv"])
    assert result.exit_code == 0 and result.stdout.count("http://example.org/mini/") >= 2
    assert runner.invoke(app, ["validate", "--store", str(store)]).exit_code == 0


def test_a_second_load_needs_replace(runner, tmp_path):
    store = tmp_path / "store"
    assert runner.invoke(app, ["load", MINI, "--store", str(store)]).exit_code == 0
    again = runner.invoke(app, ["load", MINI, "--store", str(store)])
    assert again.exit_code == 2 and "already exists" in again.output
    assert runner.invoke(app, ["load", MINI, "--store", str(store), "--replace"]).exit_code == 0


def test_load_refuses_violations_unless_forced_and_report_remembers(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix cg: <https://w3id.org/cstograph/ns#> .\n"
        "<http://example.org/m1> a cg:Membership ; cg:member <http://example.org/S> .\n"
    )
    store = tmp_path / "store"
    refused = runner.invoke(app, ["load", str(bad), "--store", str(store)])
    assert refused.exit_code == 1 and "nothing loaded" in refused.output
    assert not (store / "cstograph-store.json").exists()
    forced = runner.invoke(app, ["load", str(bad), "--store", str(store), "--force"])
    assert forced.exit_code == 0, forced.output
    report = runner.invoke(app, ["report", "--store", str(store)])
    assert report.exit_code == 1 and "violates the shapes" in report.output
    assert runner.invoke(app, ["validate", "--store", str(store)]).exit_code == 1


def test_bad_input_is_one_line_and_exit_2(runner, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://example.org/a> <http://example.org/p> \"unterminated .\n")
    for args in (["report", str(broken)], ["load", str(broken), "--store", str(tmp_path / "s")],
                 ["report", "--store", str(tmp_path / "nowhere")], ["report", MINI, "--store", str(tmp_path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("Error: ") and "Traceback" not in result.output
    result = runner.invoke(app, ["report", str(broken)])
    assert "broken.ttl" in result.output and "line 1" in result.output


def test_synth_command_writes_graph_and_expected(runner, tmp_path):
    out, expected = tmp_path / "s.ttl", tmp_path / "s.json"
    result = runner.invoke(app, ["synth", "--requests", "40", "--seed", "3", "-o", str(out), "--expected", str(expected)])
    assert result.exit_code == 0, result.output
    wanted = json.loads(expected.read_text())
    assert len(wanted) == 40
    got = {r: s for r, s, _ in report_rows(runner, [str(out)])}
    assert got == wanted
    again = tmp_path / "again.ttl"
    runner.invoke(app, ["synth", "--requests", "40", "--seed", "3", "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_synth_defects_make_violations(runner, tmp_path):
    out = tmp_path / "d.ttl"
    assert runner.invoke(app, ["synth", "-n", "50", "--defects", "0.2", "-o", str(out)]).exit_code == 0
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 1


def test_cli_start_up_does_not_import_heavy_modules():
    code = "import sys, cstograph.cli; print(sorted(m for m in ('pyshacl', 'pyoxigraph', 'owlrl', 'rdflib.plugins.sparql') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_materialised_results_equal_live_queries(tmp_path, synth_small):
    """The report's queries are answered from TSV files made at load time: same rows as live."""
    from cstograph.engines.data import open_data
    from cstograph.engines.engine import OxigraphEngine
    from cstograph.engines.queries import get_query, run_query
    from cstograph.engines.store import MATERIALISED_QUERIES
    from cstograph.rules.readings import create_store_with_readings as create_store
    from helpers import canonical

    paths = [synth_small[0], FIXTURES / "mini.trig"]
    info, _ = create_store(tmp_path / "store", paths)
    from cstograph.engines.engine import query_key
    from cstograph.engines.names import NAME_INDEX_KEY

    # the report's queries, the readings' (tests/test_readings.py compares those with parsed files)
    # and the index of the requests' names
    assert {query_key(get_query(name).text) for name in MATERIALISED_QUERIES} <= set(info.materialised)
    assert info.materialised[NAME_INDEX_KEY].endswith("request-names.sqlite")
    data = open_data(store=tmp_path / "store")
    live = OxigraphEngine(data.store)  # the same store, no materialised answers
    for name in MATERIALISED_QUERIES:
        spec = get_query(name)
        assert run_query(data.engine, spec).rows == run_query(OxigraphEngine(open_data(paths).store), spec).rows
        assert canonical(run_query(data.engine, spec)) == canonical(run_query(live, spec))


def test_tsv_terms_round_trip():
    import pyoxigraph as ox

    from cstograph.engines.engine import OxigraphEngine, read_tsv_results

    store = ox.Store()
    store.load(input='<http://e/a> <http://e/p> "tab\\there\\n\\"q\\" \\\\ \\u00e9"@en-GB , 5, -2.5, 1e3, true, '
                     '"2003-01-01"^^<http://www.w3.org/2001/XMLSchema#date>, "plain" .', format=ox.RdfFormat.TURTLE)
    text = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".tsv") as handle:
        store.query(text).serialize(handle.name, format=ox.QueryResultsFormat.TSV)
        assert read_tsv_results(handle.name).rows == OxigraphEngine(store).query(text).rows


def test_ill_typed_literals_give_violations_not_tracebacks():
    for validator in ("auto", "pyshacl"):
        result = subprocess.run([sys.executable, "-m", "cstograph", "validate", str(FIXTURES / "defects.ttl"),
                                 "--validator", validator], capture_output=True, text=True)
        assert result.returncode == 1
        assert "Traceback" not in result.stdout + result.stderr
        assert "1990-02-30" in result.stdout


def test_validate_on_a_store_lists_warnings_again(runner, tmp_path):
    """A conforming store answers `report` from its load-time record, but `validate` runs again
    and lists the warnings (the record keeps only the violation count)."""
    store = tmp_path / "store"
    assert runner.invoke(app, ["load", str(FIXTURES / "defects.ttl"), "--store", str(store), "--force"]).exit_code == 0
    result = runner.invoke(app, ["validate", "--store", str(store)])
    assert result.exit_code == 1 and "Warning:" in result.stdout and "Info:" in result.stdout
    warned = tmp_path / "warned.ttl"
    warned.write_text("@prefix cg: <https://w3id.org/cstograph/ns#> .\n<http://example.org/S> a cg:State .\n")
    conforming = tmp_path / "conforming"
    assert runner.invoke(app, ["load", str(warned), "--store", str(conforming)]).exit_code == 0
    result = runner.invoke(app, ["validate", "--store", str(conforming)])
    assert result.exit_code == 0 and "should have an rdfs:label" in result.stdout

"""A real Virtuoso (Debian's virtuoso-opensource) on 127.0.0.1 with its own config file: data
uploaded with `cstograph load --endpoint`, then every shipped query, the verdicts and the
set-based validation over HTTP equal the embedded results, graph by graph."""

from __future__ import annotations

import subprocess

import pytest

from cgtest import FIXTURES
from cstograph.cli import app
from cstograph.engines.data import open_data
from cstograph.engines.endpoint import EndpointEngine
from cstograph.engines.queries import run_query
from cstograph.reading.rdf_files import load_shapes
from cstograph.reading.synth import synthesize
from cstograph.rules.classify import classify_requests
from cstograph.rules.fastshacl import validate_with_engine
from fixture_files import write_reliability_fixture
from helpers import canonical, param_cases, shipped_queries, verdict_keys
from servers import find_program, free_port, wait_until_ready
from test_fastshacl import key

VIRTUOSO, ISQL = find_program("virtuoso-t"), find_program("isql-vt")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    VIRTUOSO is None or ISQL is None,
    reason="Virtuoso is not installed (Debian package virtuoso-opensource, listed in .ci/apt-packages.txt)",
)]
VAD = "/usr/share/virtuoso-opensource-7/vad"
INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}, {vad}
VADInstallDir = {vad}/
NumberOfBuffers = 20000
MaxDirtyBuffers = 12000
MaxQueryMem = 1G
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
MaxSortedTopRows = 100000
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    folder = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=sql, http=http, vad=VAD))
    process = subprocess.Popen([VIRTUOSO, "+configfile", str(folder / "virtuoso.ini"), "+foreground"],
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}/sparql"
    try:
        wait_until_ready(base + "?query=ASK%7B%7D", process, seconds=90)
        grant = subprocess.run([ISQL, f"127.0.0.1:{sql}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                               capture_output=True, text=True, timeout=60)
        assert grant.returncode == 0, grant.stderr
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _paths(request, name, tmp_path_factory):
    if name == "mini":
        return [FIXTURES / "mini.trig"]
    if name == "defects":
        return [FIXTURES / "defects.ttl"]
    if name == "suspension":  # a cg:Suspension: the queries that read it (coding manual, section 1.1)
        from cgtest import CASES
        return [CASES / "classify" / "suspension.ttl"]
    if name == "reliability":  # alliance-war observations, for the reliability queries and their parameters
        return [write_reliability_fixture(tmp_path_factory.mktemp("reliability"))]
    if name == "unseen":  # a graph generated with another seed and size than any other test
        path = tmp_path_factory.mktemp("unseen") / "unseen.ttl"
        path.write_text(synthesize(400, seed=20261126).turtle)
        return [path]
    value = request.getfixturevalue(name)
    return [value[0]] if isinstance(value, tuple) else [value]


@pytest.fixture(scope="module", params=["mini", "conformance_cases", "bundled_graphs", "synth_small", "unseen", "reliability",
                                        "defects", "suspension"])
def loaded(runner, request, virtuoso, tmp_path_factory):
    paths = _paths(request, request.param, tmp_path_factory)
    graph = f"urn:cstograph:test:{request.param}"
    result = runner.invoke(app, ["load", *map(str, paths), "--force", "--endpoint", virtuoso, "--graph", graph])
    assert result.exit_code == 0, result.output
    return request.param, paths, EndpointEngine(virtuoso, default_graph=graph)


# Known Virtuoso 7.2.5 faults (each checked below to still differ, so a fix is noticed).
# members-on-date on the mini fixture, once wrong, is right since the data's default graph holds
# the undisputed data (and the accounts their own graphs).
# account-assertions, once wrong on the bundled graphs (GRAPH ?g in UNION branches joined on ?g;
# NOT EXISTS returned as an integer), is right since it reads the links in one flat UNION.
KNOWN_WRONG: dict[tuple[str, str], str] = {}
# unmet-obligations, whose rows once changed from run to run of this module (the transitive
# rdfs:subClassOf* of the trigger rule, evaluated inside a sub-select joined on the request, lost
# requests in some of the plans Virtuoso 7.2 picks from the statistics of every graph it holds),
# is compared again since the trigger fragment expands the event classes in a sub-select of their own.
# Columns Virtuoso gets wrong while the rest of the row is right: the 'events' column of
# request-status, and the 'reason' sentence that quotes it ("no recorded event"); statuses agree.
# Measured on 2026-12-07 on a server holding the conformance cases and the bundled graphs: the
# events sub-select, joined on the request, is bound for 1 of the 9 and 1 of the 82 requests
# (embedded Oxigraph: 7 and 77); without its `?eventClass rdfs:subClassOf* cg:Event` path Virtuoso
# binds it for every request (the same fault as the trigger's path). Tried and still unbound: the
# closure in a sub-select of its own (DISTINCT or GROUP BY), per event, the path reversed, the path
# in FILTER EXISTS.
# The event-type columns of view-nodes and explain-events come from a sub-select over
# `?class rdfs:subClassOf* cg:Event`; Virtuoso 7.2 leaves them unbound (the rows are right).
KNOWN_WRONG_COLUMNS = {"request-status": {"reason", "events"}, "view-nodes": {"detail"}, "explain-events": {"types"}}


def _masked(result, columns):
    variables, rows = result
    keep = [i for i, v in enumerate(variables) if v not in columns]
    return [variables[i] for i in keep], sorted(tuple(row[i] for i in keep) for row in rows)


def test_every_shipped_query_equals_embedded(loaded):
    name, paths, remote = loaded
    if name == "defects":
        pytest.skip("the defects fixture is for validation; reports refuse such data")
    local = open_data(paths).engine
    for spec in shipped_queries():
        if spec.kind == "validation":  # run filled, by test_set_based_validation_equals_embedded
            continue
        if spec.kind == "infer":  # the rules add triples, so `infer` runs them in-process only
            continue
        if "import" in spec.tags:  # `import cases` resolves names against local reference data only
            continue
        for bindings in param_cases(spec, local):
            here, there = canonical(run_query(local, spec, bindings)), canonical(run_query(remote, spec, bindings))
            if spec.name in KNOWN_WRONG_COLUMNS:
                here, there = _masked(here, KNOWN_WRONG_COLUMNS[spec.name]), _masked(there, KNOWN_WRONG_COLUMNS[spec.name])
            if (spec.name, name) in KNOWN_WRONG:
                if here[1]:
                    assert there != here, f"{spec.name} now works on Virtuoso: remove it from KNOWN_WRONG"
                continue
            if there != here:
                rows_here, rows_there = (here[1], there[1]) if isinstance(here, tuple) else (here, there)
                only_here = [r for r in rows_here if r not in rows_there][:3]
                only_there = [r for r in rows_there if r not in rows_here][:3]
                pytest.fail(f"{spec.name} {bindings} on {name}: embedded only {only_here}; Virtuoso only {only_there}")


def test_verdicts_equal_embedded(loaded):
    name, paths, remote = loaded
    if name == "defects":
        pytest.skip("the defects fixture is for validation")
    def without_reason(keys):
        return [k[:7] + k[8:] for k in keys]  # see KNOWN_WRONG_COLUMNS
    got = without_reason(verdict_keys(classify_requests(remote)))
    assert got == without_reason(verdict_keys(classify_requests(open_data(paths).engine)))
    assert got or name == "reliability"  # the reliability fixture holds no requests


def test_set_based_validation_equals_embedded(loaded):
    _, paths, remote = loaded
    shapes = load_shapes()
    local = validate_with_engine(open_data(paths).engine, shapes)
    assert sorted(map(key, validate_with_engine(remote, shapes).issues)) == sorted(map(key, local.issues))


def test_report_command_on_virtuoso(runner, virtuoso, conformance_cases):
    graph = "urn:cstograph:test:cli"
    assert runner.invoke(app, ["load", str(conformance_cases), "--endpoint", virtuoso, "--graph", graph]).exit_code == 0
    remote = runner.invoke(app, ["report", "--all", "-f", "csv", "--endpoint", f"{virtuoso}?default-graph-uri={graph}"])
    local = runner.invoke(app, ["report", "--all", "-f", "csv", str(conformance_cases)])
    assert remote.exit_code == 0, remote.output
    def status(out):
        return sorted(line.split(",")[0] + line.split(",")[5] for line in out.splitlines()[1:])
    assert status(remote.stdout) == status(local.stdout)


def test_accounts_and_dates_on_virtuoso(runner, virtuoso):
    """Virtuoso's default graph is the union of all graphs, so the data goes into one graph named
    as the queries' default graph; the accounts keep their own graphs. Contested verdicts, one
    account's view and --as-of then equal the files'."""
    import json

    from cgtest import CASES

    contested = CASES / "accounts" / "contested.trig"
    graph = "urn:cstograph:test:accounts"
    assert runner.invoke(app, ["load", str(contested), "--endpoint", virtuoso, "--graph", graph]).exit_code == 0
    endpoint = f"{virtuoso}?default-graph-uri={graph}"
    for options in ([], ["--according-to", "Arland"], ["--as-of", "2022-12-31"]):
        remote = runner.invoke(app, ["report", "--all", "-f", "json", *options, "--endpoint", endpoint])
        local = runner.invoke(app, ["report", "--all", "-f", "json", *options, str(contested)])
        assert remote.exit_code == 0, remote.output
        def keep(out):
            return [(r["request"], r["status"], r.get("contested", [])) for r in json.loads(out)]
        assert keep(remote.stdout) == keep(local.stdout), options
    remote = runner.invoke(app, ["report", "--all", "-f", "json", "--endpoint", endpoint])
    assert any(r.get("contested") for r in json.loads(remote.stdout))
    # the unmet obligations as the report finds them
    unmet = runner.invoke(app, ["report", "-f", "json", "--endpoint", endpoint])
    assert [r["request"].rsplit("/", 1)[1] for r in json.loads(unmet.stdout)] == ["r2"]


def test_readings_on_virtuoso_equal_embedded(runner, loaded):
    """The readings of the coding manual, classified on a copy of the affected requests' facts
    (engines.data.copy_around) rather than of the server's whole graph, flip the same verdicts."""
    import json

    name, paths, remote = loaded
    if name not in ("bundled_graphs", "synth_small", "unseen"):
        pytest.skip("the readings change requests of the bundled and synthetic graphs")
    endpoint = f"{remote.url}?default-graph-uri=urn:cstograph:test:{name}"
    there = runner.invoke(app, ["report", "--all", "-f", "json", "--endpoint", endpoint])
    here = runner.invoke(app, ["report", "--all", "-f", "json", *map(str, paths)])
    assert there.exit_code == 0, there.output
    def keep(out):
        return sorted((r["request"], r["status"], r["robust"], json.dumps(r["readings"], sort_keys=True))
                      for r in json.loads(out))
    assert keep(there.stdout) == keep(here.stdout)
    if name == "bundled_graphs":
        assert any(not r["robust"] for r in json.loads(there.stdout))

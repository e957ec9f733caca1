"""A real Oxigraph server (the `oxigraph` wheel) on 127.0.0.1: upload with `load --endpoint`,
then every shipped query and the report over HTTP equal the embedded results."""

from __future__ import annotations

import pytest

from cgtest import FIXTURES
from cstograph.cli import app
from cstograph.engines.data import open_data
from cstograph.engines.endpoint import EndpointEngine, EndpointError
from cstograph.engines.queries import run_query
from cstograph.rules.classify import classify_requests
from fixture_files import write_reliability_fixture
from helpers import canonical, param_cases, shipped_queries, verdict_keys
from servers import find_program, free_port, running

OXIGRAPH = find_program("oxigraph")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    OXIGRAPH is None, reason="the Oxigraph server is not installed (pip install oxigraph; it is in the [test] extra)"
)]
GRAPHS = ["mini", "conformance_cases", "bundled_graphs", "synth_small", "reliability"]


def _paths(request, name):
    if name == "mini":
        return [FIXTURES / "mini.trig"]
    if name == "reliability":  # alliance-war observations, for the reliability queries and their parameters
        return [write_reliability_fixture(request.getfixturevalue("tmp_path_factory").mktemp("reliability"))]
    value = request.getfixturevalue(name)
    return [value[0]] if isinstance(value, tuple) else [value]


@pytest.fixture(params=GRAPHS)
def loaded_server(runner, request):
    """An in-memory read-write Oxigraph server loaded through `cstograph load --endpoint`."""
    paths = _paths(request, request.param)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}", "--timeout-s", "60"]  # load fills the default graph
    with running(args, base + "/query?query=ASK%7B%7D"):
        result = runner.invoke(app, ["load", *map(str, paths), "--endpoint", base + "/update"])
        assert result.exit_code == 0, result.output
        yield paths, base


def test_every_shipped_query_over_http_equals_embedded(loaded_server):
    paths, base = loaded_server
    remote = EndpointEngine(base + "/query")
    local = open_data(paths).engine
    for spec in shipped_queries():
        for bindings in param_cases(spec, local):
            assert canonical(run_query(remote, spec, bindings)) == canonical(run_query(local, spec, bindings)), (spec.name, bindings)


def test_report_over_http_equals_embedded(loaded_server):
    paths, base = loaded_server
    remote = verdict_keys(classify_requests(EndpointEngine(base + "/query")))
    assert remote == verdict_keys(classify_requests(open_data(paths).engine))
    assert remote or paths[0].name == "bf.ttl"  # the reliability fixture holds no requests


def test_report_command_with_endpoint(runner, loaded_server):
    """The same report, accounts and dates included, whether the server or the files answer:
    load put the undisputed data in the server's default graph and each account in its graph."""
    import json

    paths, base = loaded_server
    has_accounts = any(p.is_dir() and (p / "accounts.trig").exists() for p in paths)
    variants = [[], ["--as-of", "2022-09-20"]] + ([["--according-to", "Armenia"],
                                                   ["--according-to", "Armenia", "--as-of", "2021-06-01"]]
                                                  if has_accounts else [])
    for options in variants:
        remote = runner.invoke(app, ["report", "--all", "--format", "json", *options, "--endpoint", base + "/query"])
        local = runner.invoke(app, ["report", "--all", "--format", "json", *options, *map(str, paths)])
        assert remote.exit_code == 0 and local.exit_code == 0, (options, remote.output, local.output)
        def keep(out):
            return sorted((r["request"], r["status"], json.dumps(r.get("contested", []), sort_keys=True))
                                          for r in json.loads(out))
        assert keep(remote.stdout) == keep(local.stdout), options
        if has_accounts and not options:
            assert any(json.loads(remote.stdout)[i].get("contested") for i in range(len(json.loads(remote.stdout))))
    query = ["query", "unmet-obligations", "-f", "csv"]
    remote = runner.invoke(app, [*query, "--endpoint", base + "/query"])
    local = runner.invoke(app, [*query, *map(str, paths)])
    assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())


def test_graph_store_protocol_upload_and_a_read_only_server(runner, tmp_path, synth_small):
    """gsp upload into a disk-backed server, then the same folder served read-only."""
    path, graph = synth_small
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    location = tmp_path / "oxdb"
    with running([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                 base + "/query?query=ASK%7B%7D"):
        result = runner.invoke(app, ["load", str(path), "--endpoint", base + "/store", "--method", "gsp"])
        assert result.exit_code == 0, result.output
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running([OXIGRAPH, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                 base + "/query?query=ASK%7B%7D"):
        verdicts = classify_requests(EndpointEngine(base + "/query"))
    assert {v.request: v.status for v in verdicts} == graph.expected


def test_an_unreachable_endpoint_is_one_line_and_exit_2(runner):
    result = runner.invoke(app, ["report", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert result.exit_code == 2
    assert "cannot reach" in result.output and "Traceback" not in result.output


def test_a_server_error_is_an_endpoint_error():
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running([OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}"], base + "/query?query=ASK%7B%7D"):
        with pytest.raises(EndpointError, match="HTTP 400"):
            EndpointEngine(base + "/query").query("SELECT * WHERE { ?s ?p }")


@pytest.fixture
def bundled_server(runner, bundled_graphs):
    paths = [bundled_graphs]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running([OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}", "--timeout-s", "60"],
                 base + "/query?query=ASK%7B%7D"):
        result = runner.invoke(app, ["load", *map(str, paths), "--endpoint", base + "/update"])
        assert result.exit_code == 0, result.output
        yield paths, base


def test_export_and_site_over_http_equal_the_files(runner, bundled_server, tmp_path):
    """export and site take --endpoint like report: the same tables and the same request pages
    (verdict and accounts) whether the server or the files answer."""
    import json

    from site_support import request_page_facts

    paths, base = bundled_server
    tables = {}
    for where, source in (("remote", ["--endpoint", base + "/query"]), ("local", list(map(str, paths)))):
        out = tmp_path / f"{where}.json"
        result = runner.invoke(app, ["export", "-o", str(out), *source])
        assert result.exit_code == 0, result.output
        document = json.loads(out.read_text(encoding="utf-8"))
        tables[where] = {name: sorted(json.dumps(row, sort_keys=True) for row in rows)
                         for name, rows in document["tables"].items()}
        site = tmp_path / f"{where}-site"
        result = runner.invoke(app, ["site", "-o", str(site), *source])
        assert result.exit_code == 0, result.output
        tables[where]["pages"] = sorted(json.dumps(request_page_facts(page), sort_keys=True)
                                        for page in sorted((site / "request").glob("*.html")))
    assert tables["remote"]["pages"]
    for name in tables["local"]:
        remote, local = set(tables["remote"][name]), set(tables["local"][name])
        if remote != local:
            a, b = json.loads(sorted(remote - local)[0]), json.loads(sorted(local - remote)[0])
            raise AssertionError((name, {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}))

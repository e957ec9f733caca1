"""One view of the data on every path: files (Oxigraph), rdflib, a store, and `serve` give the
same statuses as the report, from the undisputed data, from each account's view, and as of a
date; SPARQL's default graph never holds an account's claims (the contract's "Accounts" rule)."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import pytest

from cgtest import CASES
from cstograph.cli import app
from test_serve import cstograph_serve, http

CONTESTED = CASES / "accounts" / "contested.trig"
VIEWPOINTS = [[], ["--according-to", "Arland"], ["--according-to", "Borduria"], ["--as-of", "2022-12-31"],
              ["--according-to", "Arland", "--as-of", "2022-09-13"]]


def statuses_from_report(runner, *args) -> dict[str, str]:
    result = runner.invoke(app, ["report", "--all", "-f", "json", *args])
    assert result.exit_code == 0, result.output
    return {r["request"]: r["status"] for r in json.loads(result.stdout)}


def statuses_from_query(runner, *args) -> dict[str, str]:
    result = runner.invoke(app, ["query", "request-status", "-f", "csv", *args])
    assert result.exit_code == 0, result.output
    return {row["request"]: row["status"] for row in csv.DictReader(io.StringIO(result.stdout))}


@pytest.fixture(scope="module")
def store(runner, tmp_path_factory):
    folder = tmp_path_factory.mktemp("store") / "s"
    assert runner.invoke(app, ["load", str(CONTESTED), "--store", str(folder)]).exit_code == 0
    return folder


# The rdflib engine takes about 6 s of CPU per viewpoint here: its runs are slow (the README's
# slow marker covers the rdflib-engine runs), so the full suite runs it on every viewpoint and the
# quick subset runs files and store on every viewpoint.
PATHS = [pytest.param(viewpoint, path, id=f"{' '.join(viewpoint) or 'undisputed'}, {path}",
                      marks=pytest.mark.slow if path == "rdflib" else ())
         for viewpoint in VIEWPOINTS for path in ("files and store", "rdflib")]


@pytest.mark.parametrize(("viewpoint", "path"), PATHS)
def test_query_and_report_agree_on_every_path(runner, viewpoint, path, store):
    expected = statuses_from_report(runner, *viewpoint, str(CONTESTED))
    assert expected
    sources = ({"files": [str(CONTESTED)], "store": ["--store", str(store)]} if path == "files and store"
               else {"rdflib": ["--engine", "rdflib", str(CONTESTED)]})
    for name, source in sources.items():
        assert statuses_from_report(runner, *viewpoint, *source) == expected, name
        assert statuses_from_query(runner, *viewpoint, *source) == expected, name
        unmet = runner.invoke(app, ["query", "unmet-obligations", "-f", "csv", *viewpoint, *source])
        rows = list(csv.DictReader(io.StringIO(unmet.stdout)))
        assert {r["request"] for r in rows} == {r for r, s in expected.items() if s == "unmet"}, name


def test_the_default_graph_is_the_undisputed_data_and_accounts_stay_reachable(runner, tmp_path, store):
    """Arland's claim (e1 on its territory) is reachable in its graph, never in the default graph."""
    claim = ("<http://example.org/acc/e1> <https://w3id.org/cstograph/ns#onTerritoryOf> "
             "<http://example.org/acc/A>")
    asks = {"in its graph": (f"ASK {{ GRAPH <http://example.org/acc/accountX> {{ {claim} }} }}", "true"),
            "in the default graph": (f"ASK {{ {claim} }}", "false")}
    for name, (text, want) in asks.items():
        query = tmp_path / "ask.rq"
        query.write_text(text)
        for source in (["--engine", "oxigraph", str(CONTESTED)], ["--engine", "rdflib", str(CONTESTED)],
                       ["--store", str(store)]):
            result = runner.invoke(app, ["query", str(query), "-f", "csv", *source])
            assert result.exit_code == 0, result.output
            assert result.stdout.strip().lower() == {"true": "yes", "false": "no"}[want], (name, source, result.stdout)
    # with --according-to the claim is in the default graph of that view
    query.write_text(asks["in the default graph"][0])
    result = runner.invoke(app, ["query", str(query), "-f", "csv", "--according-to", "Arland", str(CONTESTED)])
    assert result.stdout.strip().lower() == "yes"


def test_serve_offers_the_undisputed_data_and_one_endpoint_per_account(runner):
    expected = {viewpoint: statuses_from_report(runner, *viewpoint, str(CONTESTED))
                for viewpoint in ((), ("--according-to", "Arland"), ("--according-to", "Borduria"))}
    from cstograph.engines.queries import get_query

    text = get_query("request-status").text
    with cstograph_serve(str(CONTESTED)) as url:
        base = url.rsplit("/", 1)[0]
        status, _, body = http(base + "/accounts")
        listing = json.loads(body)
        assert status == 200 and listing["/sparql"] is None
        paths = {entry["label"]: path for path, entry in listing.items() if entry}
        assert set(paths) == {"Arland's account", "Borduria's account"}
        for viewpoint, path in (((), "/sparql"), (("--according-to", "Arland"), paths["Arland's account"]),
                                (("--according-to", "Borduria"), paths["Borduria's account"])):
            status, _, body = http(f"{base}{path}?query={urllib.parse.quote(text)}", headers={"Accept": "text/csv"})
            assert status == 200, body
            got = {row["request"]: row["status"] for row in csv.DictReader(io.StringIO(body.decode()))}
            assert got == expected[viewpoint], path
        status, _, body = http(f"{base}/accounts/no-such/sparql?query=ASK%7B%7D")
        assert status == 404 and b"/sparql" in body

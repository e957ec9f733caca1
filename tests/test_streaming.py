"""Data larger than the memory budget streams through a store on disk: `load --store` bulk-loads
the files into the store folder and validates and answers there; `report FILE` reads a
temporary store. A budget of 0 (``CSTOGRAPH_MEMORY_BUDGET=0``) sends every input that way, so
small graphs show that both paths give the same answers and refuse the same input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from cgtest import CASES, FIXTURES
from cstograph.engines import store as store_module
from cstograph.engines.data import open_data
from cstograph.errors import GraphLoadError, UsageError

MINI = FIXTURES / "mini.trig"
ACCOUNTS = CASES / "accounts" / "contested.trig"


@pytest.fixture
def cstograph(cli_run, monkeypatch):
    """cstograph(*args, budget=, tmp=) -> the command run in this process (conftest's ``cli_run``)
    under that memory budget (None: the default) and temporary folder."""

    def run(*args, budget: str | None = "0", tmp: Path | None = None) -> SimpleNamespace:
        if budget is None:
            monkeypatch.delenv(store_module.MEMORY_BUDGET_VARIABLE, raising=False)
        else:
            monkeypatch.setenv(store_module.MEMORY_BUDGET_VARIABLE, budget)
        monkeypatch.setattr(tempfile, "tempdir", None if tmp is None else str(tmp))
        return cli_run(*args)

    return run


def subprocess_cstograph(*args, budget: str | None = "0", tmp: Path | None = None) -> subprocess.CompletedProcess:
    """The command as a real process: where its end is tested (a temporary store is removed when
    the process ends), and in the slow test against an Oxigraph server."""
    env = {k: v for k, v in os.environ.items() if k != store_module.MEMORY_BUDGET_VARIABLE}
    if budget is not None:
        env[store_module.MEMORY_BUDGET_VARIABLE] = budget
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    return subprocess.run([sys.executable, "-m", "cstograph", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=env)


def test_a_streamed_store_answers_as_one_loaded_in_memory(tmp_path, synth_small, cstograph):
    path, graph = synth_small
    streamed, in_memory = tmp_path / "streamed", tmp_path / "in-memory"
    assert cstograph("load", path, MINI, "--store", streamed).returncode == 0
    assert cstograph("load", path, MINI, "--store", in_memory, budget=None).returncode == 0
    metadata = [json.loads((folder / store_module.METADATA_FILE).read_text()) for folder in (streamed, in_memory)]
    for key in ("triples", "violations", "prefixes", "files", "materialised"):
        assert metadata[0][key] == metadata[1][key], key
    reports = [cstograph("report", "--all", "--format", "json", "--store", folder, budget=None)
               for folder in (streamed, in_memory)]
    assert reports[0].returncode == 0 and reports[0].stdout == reports[1].stdout
    statuses = {row["request"]: row["status"] for row in json.loads(reports[0].stdout)}
    assert {r: s for r, s in statuses.items() if r in graph.expected} == graph.expected


# the bundled graphs through a temporary store take 5 s of CPU: the full suite runs them, the quick
# subset two accounts and a 60-request synthetic graph (the same path, the same comparison)
@pytest.mark.parametrize("inputs", ["accounts and synthetic", pytest.param("bundled", marks=pytest.mark.slow)])
def test_report_file_over_the_budget_goes_through_a_temporary_store(tmp_path, cstograph, synth_small, inputs):
    """The files (accounts included) give the same report, and the store is removed when the
    process ends."""
    files = [ACCOUNTS, synth_small[0]] if inputs != "bundled" else []
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    streamed = subprocess_cstograph("report", "--all", "--format", "json", *files, tmp=scratch)
    in_memory = cstograph("report", "--all", "--format", "json", *files, budget=None)
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == in_memory.stdout and len(json.loads(streamed.stdout)) > 10
    assert any(row["contested"] for row in json.loads(streamed.stdout))  # the accounts were read
    assert list(scratch.iterdir()) == []


def test_streamed_load_refuses_bad_input_and_leaves_no_store(tmp_path, cstograph):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix : <http://example.org/> .\n:a :b :c .\n:a :b \"unterminated .\n")
    done = cstograph("load", broken, "--store", tmp_path / "store")
    assert done.returncode == 2 and done.stderr.startswith("Error: ") and "broken.ttl" in done.stderr
    assert "line 3" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ttl"]


@pytest.mark.parametrize("name, text, words", [
    ("entities.rdf", '<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY a "b"> ]>\n<r/>\n', ["entities.rdf", "XML entity"]),
    ("remote.jsonld", '{"@context": "http://example.org/context.jsonld", "@id": "x"}', ["remote.jsonld", "@context"]),
    ("deep.ttl", "@prefix : <http://example.org/> .\n:s :p " + "[ :p " * 300 + ":o" + " ]" * 300 + " .\n",
     ["deep.ttl", "more than 200 levels deep"]),
])
def test_streaming_keeps_the_checks_before_parsing(tmp_path, name, text, words, cstograph):
    data = tmp_path / name
    data.write_text(text)
    for args in (["load", data, "--store", tmp_path / "store"], ["report", data]):
        done = cstograph(*args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert all(word in done.stderr.splitlines()[0] for word in words), done.stderr
    assert not (tmp_path / "store").exists()


def test_a_term_over_the_parsers_buffer_is_refused_while_streaming(tmp_path, cstograph):
    """A 17 MiB literal: past Oxigraph's 16 MiB buffer (the file is also past one chunk of the
    nesting check, so that check reads it in chunks)."""
    data = tmp_path / "long.ttl"
    data.write_text('@prefix : <http://example.org/> .\n:a :b "' + "x" * (17 * 1024 * 1024) + '" .\n')
    for args in (["load", data, "--store", tmp_path / "store"], ["validate", data]):
        done = cstograph(*args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert "long.ttl" in done.stderr and "over 16 MiB" in done.stderr.splitlines()[0]
    assert not (tmp_path / "store").exists()


def test_the_nesting_check_reads_a_large_file_in_chunks(tmp_path, monkeypatch):
    """Past one chunk the brackets are counted chunk by chunk (depth carried across chunks);
    only a file whose brackets could nest too deeply is read whole and checked precisely."""
    monkeypatch.setattr(store_module, "SCAN_CHUNK", 64)
    flat = tmp_path / "flat.ttl"
    flat.write_text("@prefix : <http://example.org/> .\n" + ":s :p [ :q :o ] .\n" * 200)
    store_module.refuse_unsafe_input(flat)
    assert store_module._bracket_depth(flat) == 1
    deep = tmp_path / "deep.ttl"
    deep.write_text("@prefix : <http://example.org/> .\n:s :p " + "[ :p " * 201 + ":o" + " ]" * 201 + " .\n")
    assert store_module._bracket_depth(deep) == 201
    with pytest.raises(GraphLoadError, match="more than 200 levels deep"):
        store_module.refuse_unsafe_input(deep)
    quoted = tmp_path / "quoted.ttl"  # brackets inside a string: counted by the bound, not by the check
    quoted.write_text('@prefix : <http://example.org/> .\n:s :p "' + "[" * 300 + '" .\n')
    assert store_module._bracket_depth(quoted) == 300
    store_module.refuse_unsafe_input(quoted)


def test_prefixes_are_found_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "SCAN_CHUNK", 50)
    data = tmp_path / "p.ttl"
    data.write_text("@prefix a: <http://example.org/a#> .\n" + "a:s a:p a:o .\n" * 20
                    + "@prefix bee: <http://example.org/b#> .\nbee:s bee:p bee:o .\n")
    assert store_module.scan_prefixes(data) == {"a": "http://example.org/a#", "bee": "http://example.org/b#"}


@pytest.mark.parametrize("text, expected", [("", store_module.DEFAULT_MEMORY_BUDGET), ("0", 0), ("500M", 500 * 2 ** 20),
                                            ("2G", 2 * 2 ** 30), ("1.5GiB", 3 * 2 ** 29), ("123", 123)])
def test_the_memory_budget_is_read_from_the_environment(monkeypatch, text, expected):
    monkeypatch.setenv(store_module.MEMORY_BUDGET_VARIABLE, text)
    assert store_module.memory_budget() == expected


def test_a_budget_that_is_not_an_amount_is_a_clean_error(cstograph):
    done = cstograph("report", MINI, budget="lots")
    assert done.returncode == 2 and "CSTOGRAPH_MEMORY_BUDGET" in done.stderr.splitlines()[0], done.stderr
    assert "Traceback" not in done.stderr


def test_the_budget_decides_by_the_size_of_the_files(tmp_path, monkeypatch):
    data = tmp_path / "g.ttl"
    data.write_bytes(b"#" * 1000)
    monkeypatch.setenv(store_module.MEMORY_BUDGET_VARIABLE, str(1000 * store_module.MEMORY_PER_INPUT_BYTE))
    assert store_module.fits_in_memory([data])
    monkeypatch.setenv(store_module.MEMORY_BUDGET_VARIABLE, str(1000 * store_module.MEMORY_PER_INPUT_BYTE - 1))
    assert not store_module.fits_in_memory([data])



@pytest.mark.slow
def test_load_endpoint_past_the_budget_uploads_what_an_in_memory_load_uploads(tmp_path):
    from servers import find_program, free_port, running

    oxigraph = find_program("oxigraph")
    if oxigraph is None:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph; it is in the [test] extra)")
    reports = []
    for budget in ("0", None):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with running([oxigraph, "serve", "--bind", f"127.0.0.1:{port}"], base + "/query?query=ASK%7B%7D"):
            done = subprocess_cstograph("load", "--endpoint", base + "/update", budget=budget)
            assert done.returncode == 0, done.stderr
            reports.append(subprocess_cstograph("report", "--all", "--format", "json", "--endpoint", base + "/query", budget=None))
    assert reports[0].returncode == 0 and reports[0].stdout == reports[1].stdout
    assert len(json.loads(reports[0].stdout)) > 10


def test_the_endpoint_timeout_is_read_from_the_environment(monkeypatch):
    """CSTOGRAPH_ENDPOINT_TIMEOUT sets how long a query on a server may take; a bad value is a
    one-line usage error."""
    from cstograph.engines.endpoint import DEFAULT_TIMEOUT

    url = "http://127.0.0.1:9/sparql"  # nothing is asked of it: opening sends no request
    monkeypatch.delenv("CSTOGRAPH_ENDPOINT_TIMEOUT", raising=False)
    assert open_data(endpoint=url).engine.timeout == DEFAULT_TIMEOUT
    monkeypatch.setenv("CSTOGRAPH_ENDPOINT_TIMEOUT", "7200")
    assert open_data(endpoint=url).engine.timeout == 7200
    for bad in ("soon", "0", "-5"):
        monkeypatch.setenv("CSTOGRAPH_ENDPOINT_TIMEOUT", bad)
        with pytest.raises(UsageError, match="CSTOGRAPH_ENDPOINT_TIMEOUT"):
            open_data(endpoint=url)


def test_a_streamed_store_validates_as_pyshacl_and_the_in_memory_path(tmp_path, cstograph):
    """A fixture that breaches every constraint component, loaded past the budget into a store on
    disk: validate --store reports what pyshacl and the in-memory path report on the file."""
    defects = FIXTURES / "defects.ttl"
    store = tmp_path / "streamed"
    assert cstograph("load", defects, "--store", store, "--force").returncode == 0
    on_disk = cstograph("validate", "--store", store, "--format", "json", budget=None)
    in_memory = cstograph("validate", defects, "--format", "json", budget=None)
    reference = cstograph("validate", defects, "--validator", "pyshacl", "--format", "json", budget=None)

    def results(done):
        assert done.returncode == 1, done.stderr  # violations
        return sorted(json.dumps(r, sort_keys=True) for r in json.loads(done.stdout)["results"])

    assert results(on_disk) == results(in_memory) == results(reference)
    components = {json.loads(r)["component"].rsplit("#", 1)[1] for r in results(on_disk)}
    assert {"MinCountConstraintComponent", "MaxCountConstraintComponent", "ClassConstraintComponent",
            "DatatypeConstraintComponent", "NodeKindConstraintComponent", "NodeConstraintComponent",
            "LessThanOrEqualsConstraintComponent"} <= components  # sh:pattern: test_shacl_scan's corners

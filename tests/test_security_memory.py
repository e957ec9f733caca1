"""A query cannot take the machine's memory: `query` and each `serve` worker run under a
bound on their address space (--memory-limit, CSTOGRAPH_QUERY_MEMORY); past it the answer is one
clean line (exit 2) or 503, and the server keeps answering."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse

import pytest

from cgtest import ENGINES, FIXTURES
from cstograph.engines.sandbox import DEFAULT_MEMORY, parse_memory
from cstograph.errors import UsageError
from test_serve import cstograph_serve, http

MINI = str(FIXTURES / "mini.trig")

# the rdflib-engine runs are slow (README); the full suite runs them, the quick subset the oxigraph case


def doubling_query(times: int = 40) -> str:
    """About 1.3 KB that asks for a string of 128 * 2**times characters."""
    binds = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(times))
    return f'SELECT (STRLEN(?s{times}) AS ?n) WHERE {{ BIND("{"x" * 128}" AS ?s0) {binds} }}'


def run_query(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cstograph", "query", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("engine", ENGINES)
def test_the_string_doubling_query_gets_one_clean_line(tmp_path, engine):
    query = tmp_path / "doubling.rq"
    query.write_text(doubling_query())
    done = run_query(str(query), MINI, "--engine", engine, "--memory-limit", "1G")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[0] == "Error: the query needed more memory than its bound (1024 MiB)"
    assert len(done.stderr.splitlines()) == 2 and "Traceback" not in done.stderr and done.stdout == ""


def test_the_bound_comes_from_the_environment_and_a_small_query_passes(tmp_path):
    query = tmp_path / "doubling.rq"
    query.write_text(doubling_query())
    done = run_query(str(query), MINI, env={"CSTOGRAPH_QUERY_MEMORY": "768M"})
    assert done.returncode == 2 and "(768 MiB)" in done.stderr, done.stderr
    small = tmp_path / "small.rq"
    small.write_text(doubling_query(4))
    done = run_query(str(small), MINI, "-f", "csv", env={"CSTOGRAPH_QUERY_MEMORY": "768M"})
    assert done.returncode == 0 and done.stdout.split() == ["n", str(128 * 2 ** 4)], done.stderr


def test_sizes_are_read_or_refused():
    assert parse_memory("4G") == 4 << 30 and parse_memory("512M") == 512 << 20 and parse_memory("2048") == 2 << 30
    assert parse_memory("0") is None and parse_memory(None) in (DEFAULT_MEMORY, parse_memory(os.environ.get("CSTOGRAPH_QUERY_MEMORY")))
    for bad in ("lots", "-1G", "1K", "99999999999G", True, 1.5):
        with pytest.raises(UsageError):
            parse_memory(bad)


def test_a_serve_worker_past_its_bound_answers_503_and_the_server_goes_on():
    with cstograph_serve(MINI, "--workers", "1", "--memory-limit", "1G", "--timeout", "120") as url:
        status, _, body = http(url + "?query=" + urllib.parse.quote(doubling_query()))
        assert status == 503 and b"more memory than a worker's bound (1024 MiB)" in body, (status, body)
        status, _, body = http(url + "?query=" + urllib.parse.quote("ASK { }"))
        assert status == 200 and b"true" in body

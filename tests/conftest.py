"""Shared fixtures: engines per kind, a CLI runner, the conformance graph, the bundled graphs,
and small synthetic graphs."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import typer.testing
from typer.testing import CliRunner

from cgtest import CONFORMANCE, CONFORMANCE_CASES
from cstograph.engines.engine import ENGINE_NAMES, make_engine
from cstograph.reading.rdf_files import load_dataset
from cstograph.reading.resources import graphs_dir
from cstograph.reading.synth import synthesize


@pytest.fixture(params=[pytest.param(name, marks=pytest.mark.slow) if name == "rdflib" else name
                        for name in ENGINE_NAMES])
def engine_name(request) -> str:
    return request.param


@pytest.fixture
def engine_for(engine_name):
    """engine_for(*paths) -> an engine of the parametrised kind over those files + the ontology."""

    def build(*paths: Path):
        return make_engine(engine_name, load_dataset(list(paths)))

    return build


@pytest.fixture(scope="session")
def runner():
    """The one CLI runner of every test that runs a command (it keeps no state between runs).
    typer's runner builds the click command from the app anew on every run (20-27 ms of CPU, for
    some thousand runs in the suite): here it is built once per app, as a process does once."""
    built: dict[int, object] = {}
    build = getattr(typer.testing, "_get_command", None)
    if build is None:  # a typer whose runner builds its command otherwise: as it comes
        yield CliRunner()
        return

    def once(app):
        if id(app) not in built:
            built[id(app)] = (app, build(app))  # the app kept alive, so that its id stays its own
        return built[id(app)][1]

    typer.testing._get_command = once
    yield CliRunner()
    typer.testing._get_command = build


@pytest.fixture
def cli_run(runner):
    """cli_run(*args) -> the command run in this process (``returncode``, ``stdout``, ``stderr``),
    ending as ``python -m cstograph`` would: an exception other than SystemExit is the exit code 4
    of an internal error (cli.main). For tests of a command's outcome where a process of its own
    is not the point (a process of its own costs a start-up of about 0.3 s of CPU)."""
    from cstograph.cli import app

    def run(*args) -> SimpleNamespace:
        result = runner.invoke(app, list(map(str, args)))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            return SimpleNamespace(returncode=4, stdout=result.stdout,
                                   stderr=f"Internal error: {result.exception!r}\n{result.stderr}")
        return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)

    return run


@pytest.fixture
def conformance() -> Path:
    """The conformance suite's report/ and validate/ cases (a copy in tests/fixtures/conformance)."""
    return CONFORMANCE


@pytest.fixture(scope="session")
def conformance_cases() -> Path:
    return CONFORMANCE_CASES


@pytest.fixture(scope="session")
def bundled_graphs() -> Path:
    folder = graphs_dir()
    if not folder.is_dir() or not any(folder.glob("*.ttl")):
        pytest.skip("the bundled graphs/ folder is absent from this checkout")
    return folder


@pytest.fixture(scope="session")
def bundled_report(runner, bundled_graphs) -> str:
    """What `cstograph report --all --format json` prints for the bundled graphs, run once for the
    tests that compare another output with it (each parses its own copy)."""
    from cstograph.cli import app

    result = runner.invoke(app, ["report", "--all", "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="session")
def synth_small(tmp_path_factory):
    """A 60-request synthetic graph (about 2k triples) and its expected verdicts."""
    graph = synthesize(60, seed=11)
    path = tmp_path_factory.mktemp("synth") / "synth-60.ttl"
    path.write_text(graph.turtle, encoding="utf-8")
    return path, graph


def graph_sets(request, names):
    return [request.getfixturevalue(name) for name in names]

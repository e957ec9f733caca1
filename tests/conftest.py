"""Shared fixtures: engines per kind, a CLI runner, the conformance suite (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cstograph.engine import ENGINE_NAMES, make_engine
from cstograph.load import load_dataset

from cgtest import CONFORMANCE


@pytest.fixture(params=ENGINE_NAMES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture
def engine_for(engine_name):
    """engine_for(*paths) -> an engine of the parametrised kind over those files + the ontology."""

    def build(*paths: Path):
        return make_engine(engine_name, load_dataset(list(paths)))

    return build


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def conformance() -> Path:
    if not CONFORMANCE.is_dir():
        pytest.skip("the shared conformance suite is not beside this checkout")
    return CONFORMANCE

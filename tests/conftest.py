"""Shared fixtures: paths to the case folders, a CLI runner, loaded case graphs per engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib.namespace import NamespaceManager
from typer.testing import CliRunner

from cstograph.engine import ENGINE_NAMES, make_engine
from cstograph.load import load_dataset

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES = TESTS / "cases"
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"


def expectations(path: Path, keyword: str) -> list[tuple[str, ...]]:
    """The '#! KEYWORD a b ...' lines of a case file, prefixed names expanded with its prefixes."""
    dataset = load_dataset([path], with_ontology=False)
    manager: NamespaceManager = dataset.namespace_manager
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(rf"^#!\s*{keyword}\s+(.*)$", line)
        if match:
            rows.append(tuple(expand(token, manager) for token in match.group(1).split()))
    return rows


def expand(token: str, manager: NamespaceManager) -> str:
    if ":" in token and not token.startswith("http"):
        try:
            return str(manager.expand_curie(token))
        except ValueError:
            return token
    return token


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

"""Paths and helpers shared by the test modules (imported as ``cgtest``; conftest.py holds fixtures)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib.namespace import NamespaceManager

from cstograph.reading.rdf_files import load_dataset

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES = TESTS / "cases"
FIXTURES = TESTS / "fixtures"
# The data of the public conformance suite's report/ and validate/ cases, copied (.ci/run checks
# that they equal the suite's own); the suite itself runs in CI against the installed command
CONFORMANCE = FIXTURES / "conformance"
CONFORMANCE_CASES = CONFORMANCE / "report" / "cases.ttl"
# Both engines as a parametrize list: the rdflib runs are `slow` (out of the quick subset, as the
# README says), the Oxigraph runs quick; CI's full run takes both.
ENGINES = ["oxigraph", pytest.param("rdflib", marks=pytest.mark.slow)]


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

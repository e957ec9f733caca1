"""Fixtures of the importer and reliability tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The published data files beside the checkout (../shared/data); skip when absent."""
    if not (SHARED_DATA / "atop-4.01").is_dir() or not (SHARED_DATA / "alliance-reliability").is_dir():
        pytest.skip(f"the shared research data is not beside the checkout ({SHARED_DATA} is absent)")
    return SHARED_DATA

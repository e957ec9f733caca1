"""The tests on the published research data (ATOP 4.01, Berkemeier and Fuhrmann 2018), which may
not be copied into the repository: they read it from ../shared/data beside the checkout. This
folder is left out of a plain ``pytest`` run (``norecursedirs`` in pyproject.toml); ``.ci/run``
runs it when the data is there: ``pytest tests/published_data``."""

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

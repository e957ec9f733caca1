"""docs/api.md: every example runs, against the real fixture, as a doctest."""

from __future__ import annotations

import doctest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_api_page_examples_run(monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name the fixture relative to the checkout
    import cstograph.errors  # noqa: F401 - the page refers to cstograph.errors (an attribute once imported)

    failures, tried = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False,
                                       optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 15 and failures == 0, f"{failures} of {tried} examples failed"

"""Where the ontology, the bundled graphs and the queries live.

In a wheel they are shipped inside the package as ``cstograph/_data/{ontology,graphs,queries}``;
in a source checkout (editable install, or tests run from the repository) they are the folders
at the repository root. This module is the only code that knows either location.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/cstograph (this file is in reading/)


@cache
def resource_root() -> Path:
    shipped = _PACKAGE_DIR / "_data"
    if (shipped / "ontology").is_dir():
        return shipped
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        "cstograph's ontology/ folder is missing from this installation; reinstall the package"
    )


def ontology_path() -> Path:
    return resource_root() / "ontology" / "cstograph.ttl"


def shapes_path() -> Path:
    return resource_root() / "ontology" / "shapes.ttl"


def graphs_dir() -> Path:
    return resource_root() / "graphs"


def queries_dir() -> Path:
    return resource_root() / "queries"

"""File names for pages named by IRIs: safe, unique and stable.

A slug is the IRI's last segment reduced to ``a-z``, ``0-9`` and ``-`` (at most 60
characters), then a dash and the first hex digits of the IRI's SHA-256. The hash makes the name
depend on that IRI alone, so adding data never renames an existing page, and no two IRIs share
a name; the character set keeps every name inside its folder (no ``/``, no ``..``, no dot file)
and the same on case-insensitive file systems.
"""

from __future__ import annotations

import hashlib
import re

MAX_STEM = 60
HASH_DIGITS = 8


def _stem(iri: str) -> str:
    tail = iri.rstrip("/#")
    for separator in ("#", "/", ":"):
        if separator in tail:
            tail = tail.rsplit(separator, 1)[1]
    stem = re.sub(r"[^a-z0-9]+", "-", tail.casefold()).strip("-")
    return stem[:MAX_STEM].rstrip("-") or "x"


def _digest(iri: str) -> str:
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()


def assign_slugs(iris) -> dict[str, str]:
    """One slug per IRI. Two IRIs whose short slugs collide (a one in four billion chance) both
    get longer hashes, so the result is unique whatever the input."""
    wanted = sorted(set(iris))
    digits = HASH_DIGITS
    while True:
        slugs = {iri: f"{_stem(iri)}-{_digest(iri)[:digits]}" for iri in wanted}
        if len(set(slugs.values())) == len(slugs) or digits >= 64:
            return slugs
        digits *= 2


def year_of(verdict) -> str:
    """The year of a request as a page name: its four digits, or 'undated'."""
    year = verdict.date[:4]
    return year if len(year) == 4 and year.isdigit() else "undated"

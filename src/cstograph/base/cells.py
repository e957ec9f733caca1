"""The cells of a query's rows as text, read alike by every stage."""

from __future__ import annotations


def cell_text(value) -> str:
    """A cell as text: "" when unbound."""
    return "" if value is None else str(value)


def cell_text_or_none(value) -> str | None:
    """A cell as text, None when unbound (a missing value in a table)."""
    return None if value is None else str(value)


def sorted_list(value, separator: str = ", ") -> str:
    """A list that GROUP_CONCAT built, its items in sorted order: SPARQL leaves their order to the
    engine (two Oxigraph stores holding the same triples gave two orders); "" when unbound."""
    return separator.join(sorted(str(value).split(separator))) if value is not None and str(value) else ""

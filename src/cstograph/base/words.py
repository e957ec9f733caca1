"""Numbers in words, as every stage's text words them."""

from __future__ import annotations


def days_text(days: int | None, *, none: str = "none") -> str:
    """A delay in words: "same day", "1 day", "2 days"."""
    if days is None:
        return none
    if days == 0:
        return "same day"
    return f"{days} day" if abs(days) == 1 else f"{days} days"

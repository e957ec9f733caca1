"""Errors the library raises. The CLI turns each into one line on stderr and exit code 2."""

from __future__ import annotations


class CstographError(Exception):
    """Base class: a one-line message for the user, and an optional hint that names the fix."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class GraphLoadError(CstographError):
    """A data file is missing, unreadable or not valid RDF."""


class ShapesError(CstographError):
    """The shapes or the ontology cannot be loaded or run."""


class QueryError(CstographError):
    """A query is unknown, malformed, or fails when it runs."""


class ParameterError(CstographError):
    """A query parameter is missing or has a value of the wrong kind."""


class UnsafeQueryError(QueryError):
    """A query would reach outside the loaded data (SERVICE, FROM, LOAD, updates)."""


class ViewError(CstographError):
    """A picture or export cannot be made: unknown format or view, no such focus node, a missing tool."""


class OutputError(CstographError):
    """An output file cannot be written."""

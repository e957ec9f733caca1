"""Every error the library raises for bad input or a bad environment: one base, ``CstographError``,
and its subclasses, all in this module. The CLI turns each into one line on stderr and exit code 2;
anything else that escapes is a bug (exit code 4)."""

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


class AccountError(CstographError):
    """An account name that matches no account, or several."""


class ImportDataError(CstographError):
    """An input data file is missing, unreadable, or has a row the importer cannot use."""


class StataError(CstographError):
    """A .dta file cannot be read: wrong format, truncated, or not a Stata file."""


class UsageError(CstographError):
    """Options that cannot be used together."""


class EndpointError(CstographError):
    """The endpoint cannot be reached, refuses the request, or answers something unreadable."""


class StoreError(CstographError):
    """A store folder is missing, not a cstograph store, or locked by another process."""


class UnsupportedShape(ShapesError):
    """A shape the set-based validator cannot compile (pyshacl then runs instead)."""

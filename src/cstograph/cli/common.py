"""Options shared by several commands, and the one place that turns library errors into exit 2."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cstograph.api import ENGINES
from cstograph.api import open as open_kg
from cstograph.errors import CstographError
from cstograph.output.render import FORMATS

# rdflib logs a full traceback (as a warning) for every ill-typed literal such as
# "1990-02-30"^^xsd:date; validation reports those as violations, so the log is only noise.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="RDF files or folders to use as data, replacing the bundled graphs "
        "(.ttl, .trig, .nt, .nq, .jsonld, .rdf). The ontology is always loaded.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format", "-f",
        help="Output format: " + ", ".join(FORMATS) + ". Default: table on a terminal, csv in a pipe.",
        show_default=False,
    ),
]
EngineOption = Annotated[
    str,
    typer.Option("--engine", help="SPARQL engine: " + ", ".join(ENGINES) + "."),
]


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def use_color() -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org); never in a pipe."""
    return stdout_is_terminal() and not os.environ.get("NO_COLOR")


SUFFIX_FORMATS = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".csv": "csv", ".txt": "table"}


def resolve_format(fmt: str | None, allowed: tuple[str, ...] = FORMATS, output: Path | None = None) -> str:
    """--format as given; else from the suffix of an output file (.md, .json, .csv, .txt), else
    a table on a terminal and csv in a pipe."""
    if fmt is None and output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), "csv")
    if fmt is None:
        return "table" if stdout_is_terminal() else "csv"
    if fmt not in allowed:
        fail(f"unknown format {fmt!r}", hint="choose one of " + ", ".join(allowed))
    return fmt


def terminal_width() -> int:
    return shutil.get_terminal_size((120, 24)).columns


def error(message: str, hint: str | None = None) -> None:
    typer.echo(f"Error: {message}", err=True)
    if hint:
        typer.echo(f"hint: {hint}", err=True)


def fail(message: str, hint: str | None = None, code: int = 2) -> None:
    error(message, hint)
    raise typer.Exit(code)


MAX_VIOLATIONS_SHOWN = 10


AccordingToOption = Annotated[
    str | None,
    typer.Option("--according-to", help="Compute verdicts on one account only (a named graph declared a cg:Account): its IRI, prefixed name, or a word of its label.", show_default=False),
]
AsOfOption = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Evaluate as known on this day (YYYY-MM-DD): later requests, responses, events and memberships are left out, and end dates not yet reached.", show_default=False),
]


_DONE = {"draw": "drawn", "infer": "inferred", "explain": "explained", "query": "run"}


def refuse_violations(validation, force: bool, *, doing: str) -> None:
    """Print the violations (the first few) and exit 1, unless ``force``: then warn and go on."""
    violations = validation.violations
    for issue in violations[:MAX_VIOLATIONS_SHOWN]:
        typer.echo(f"Violation: <{issue.focus}>: {issue.message}", err=True)
    if len(violations) > MAX_VIOLATIONS_SHOWN:
        typer.echo(f"... and {len(violations) - MAX_VIOLATIONS_SHOWN} more", err=True)
    if not force:
        error(
            f"the data violates the shapes ({len(violations)} violation(s)); nothing {_DONE.get(doing, doing + 'ed')}",
            hint=f"fix the data (see 'cstograph validate'), or pass --force to {doing} anyway",
        )
        raise typer.Exit(1)
    error(f"going on with {len(violations)} violation(s) because of --force")


def open_checked(paths, engine: str = "oxigraph", store=None, endpoint=None, *, force: bool = False,
                 doing: str = "report"):
    """Open the data (files, --store or --endpoint) as a ``cstograph.api.KnowledgeGraph`` and
    validate it (the undisputed data and each account's view); on violations print them and
    exit 1 unless ``force``."""
    kg = open_graph(paths, engine, store, endpoint)
    validation = kg.validate()
    if validation is None:
        error(f"not validated: {kg.description} cannot be validated where it is")
    elif not validation.conforms:
        refuse_violations(validation, force, doing=doing)
    return kg


def as_date(value):
    """--as-of as a date (typer gives a datetime)."""
    return value.date() if value is not None else None


ForceOption = Annotated[
    bool,
    typer.Option("--force", help="Go on even when the data violates the shapes (the count still goes to stderr)."),
]


@contextlib.contextmanager
def user_errors():
    """Library errors -> one line on stderr and exit code 2."""
    try:
        yield
    except CstographError as exc:
        fail(exc.message, exc.hint)


StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Use a store folder made by 'cstograph load PATH... --store DIR' (no re-parsing).",
                 show_default=False),
]
EndpointOption = Annotated[
    str | None,
    typer.Option("--endpoint", help="Run the queries on this SPARQL 1.1 query endpoint (e.g. http://127.0.0.1:7878/query).",
                 show_default=False),
]


def open_graph(paths, engine: str = "oxigraph", store: Path | None = None, endpoint: str | None = None):
    """The data named by PATH arguments, --store or --endpoint (see cstograph.api.open); a store
    whose kept answers are of other versions of the queries is named on stderr."""
    kg = open_kg(paths or None, engine=engine, store=store, endpoint=endpoint)
    if kg.stale_answers:
        typer.echo(f"Warning: {store}: its kept answers to {', '.join(kg.stale_answers)} were computed for other "
                   "versions of those queries (an earlier cstograph loaded it), so they run on the whole store, "
                   "which is slower", err=True)
        typer.echo(f"hint: load it again: cstograph load FILES --store {store} --replace", err=True)
    return kg

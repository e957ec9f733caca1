"""Options shared by several commands, and the one place that turns library errors into exit 2."""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cstograph.engine import ENGINE_NAMES
from cstograph.errors import CstographError
from cstograph.render import FORMATS

# rdflib logs a full traceback (as a warning) for every ill-typed literal such as
# "1990-02-30"^^xsd:date; validation reports those as violations, so the log is only noise.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)

PathsArgument = Annotated[
    Optional[list[Path]],
    typer.Argument(
        help="RDF files or folders to use as data, replacing the bundled graphs "
        "(.ttl, .trig, .nt, .nq, .jsonld, .rdf). The ontology is always loaded.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Optional[str],
    typer.Option(
        "--format", "-f",
        help="Output format: " + ", ".join(FORMATS) + ". Default: table on a terminal, csv in a pipe.",
        show_default=False,
    ),
]
EngineOption = Annotated[
    str,
    typer.Option("--engine", help="SPARQL engine: " + ", ".join(ENGINE_NAMES) + "."),
]


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def resolve_format(fmt: str | None, allowed: tuple[str, ...] = FORMATS) -> str:
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


@contextlib.contextmanager
def user_errors():
    """Library errors -> one line on stderr and exit code 2."""
    try:
        yield
    except CstographError as exc:
        fail(exc.message, exc.hint)


StoreOption = Annotated[
    Optional[Path],
    typer.Option("--store", help="Use a store folder made by 'cstograph load PATH... --store DIR' (no re-parsing).",
                 show_default=False),
]
EndpointOption = Annotated[
    Optional[str],
    typer.Option("--endpoint", help="Run the queries on this SPARQL 1.1 query endpoint (e.g. http://127.0.0.1:7878/query).",
                 show_default=False),
]


def open_data(paths, engine: str = "oxigraph", store: Path | None = None, endpoint: str | None = None):
    """The data named by PATH arguments, --store or --endpoint, with its engine (see cstograph.data)."""
    from cstograph.data import open_data as _open_data

    return _open_data(paths or None, engine=engine, store=store, endpoint=endpoint)

"""Options shared by several commands, and the one place that turns library errors into exit 2."""

from __future__ import annotations

import contextlib
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from cstograph.engine import ENGINE_NAMES
from cstograph.errors import CstographError
from cstograph.render import FORMATS

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


MAX_VIOLATIONS_SHOWN = 10


AccordingToOption = Annotated[
    Optional[str],
    typer.Option("--according-to", help="Compute verdicts on one account only (a named graph declared a cg:Account): its IRI, prefixed name, or a word of its label.", show_default=False),
]
AsOfOption = Annotated[
    Optional[datetime],
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Evaluate as known on this day (YYYY-MM-DD): later requests, responses, events and memberships are left out.", show_default=False),
]


def load_validated(paths, *, force: bool):
    """Load the data and validate it; on violations print them and exit 1 unless ``force``.

    Returns the dataset. Commands that report verdicts use this, so nothing is reported on
    data the shapes reject unless the user asks for it.
    """
    from cstograph.load import load_dataset
    from cstograph.validate import validate_views

    dataset = load_dataset(paths)
    validation = validate_views(dataset)
    if not validation.conforms:
        violations = validation.violations
        for issue in violations[:MAX_VIOLATIONS_SHOWN]:
            typer.echo(f"Violation: <{issue.focus}>: {issue.message}", err=True)
        if len(violations) > MAX_VIOLATIONS_SHOWN:
            typer.echo(f"... and {len(violations) - MAX_VIOLATIONS_SHOWN} more", err=True)
        if not force:
            error(
                f"the data violates the shapes ({len(violations)} violation(s)); nothing reported",
                hint="fix the data (see 'cstograph validate'), or pass --force to report anyway",
            )
            raise typer.Exit(1)
        error(f"reporting on data with {len(violations)} violation(s) because of --force")
    return dataset


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

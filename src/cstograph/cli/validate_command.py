from __future__ import annotations

from typing import Annotated

import typer

from cstograph.cli.common import PathsArgument, resolve_format, user_errors
from cstograph.load import load_dataset
from cstograph.render import render_validation
from cstograph.validate import validate_views


def validate(
    paths: PathsArgument = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output format: text or json.")
    ] = "text",
) -> None:
    """Check the data against the SHACL shapes and print every result with its focus node.

    Named graphs declared cg:Account are validated one at a time together with the
    undisputed data. Exits 0 when the data conforms (warnings allowed), 1 when it has violations, 2 when the
    input cannot be read.

    Example: cstograph validate graphs/ my-cases.ttl
    """
    fmt = resolve_format(fmt, ("text", "json"))
    with user_errors():
        report = validate_views(load_dataset(paths))
    typer.echo(render_validation(report, fmt), nl=False)
    raise typer.Exit(0 if report.conforms else 1)

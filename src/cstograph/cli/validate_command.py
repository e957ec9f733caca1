from __future__ import annotations

from typing import Annotated

import typer

from cstograph.base.progress import show_progress
from cstograph.cli.common import (
    EndpointOption,
    EngineOption,
    PathsArgument,
    StoreOption,
    fail,
    open_graph,
    resolve_format,
    user_errors,
)
from cstograph.output.render import render_validation


def validate(
    paths: PathsArgument = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output format: text or json.")
    ] = "text",
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    validator: Annotated[
        str,
        typer.Option("--validator", help="auto (set-based checks when the shapes compile, else pyshacl), scan (read from embedded Oxigraph), sparql (queries, on any engine) or pyshacl."),
    ] = "auto",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Show no progress on stderr.")] = False,
) -> None:
    """Check the data against the SHACL shapes and print every result with its focus node.

    Named graphs declared cg:Account are validated one at a time together with the
    undisputed data. Exits 0 when the data conforms (warnings allowed), 1 when it has violations, 2 when the
    input cannot be read.

    Example: cstograph validate graphs/ my-cases.ttl
    """
    fmt = resolve_format(fmt, ("text", "json"))
    with user_errors(), show_progress(quiet):
        kg = open_graph(paths, engine, store, endpoint)
        report = kg.validate(validator, use_recorded=False)
    if report is None:
        fail(f"cannot validate {kg.description}")
    typer.echo(render_validation(report, fmt), nl=False)
    raise typer.Exit(0 if report.conforms else 1)

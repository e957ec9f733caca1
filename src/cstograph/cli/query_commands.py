from __future__ import annotations

from typing import Annotated

import typer

from cstograph.cli.common import (
    AccordingToOption,
    AsOfOption,
    EndpointOption,
    EngineOption,
    ForceOption,
    FormatOption,
    PathsArgument,
    StoreOption,
    as_date,
    open_checked,
    resolve_format,
    stdout_is_terminal,
    terminal_width,
    user_errors,
)
from cstograph.engines.queries import bundled_queries, parse_param_options
from cstograph.output.render import render_result, render_table


def query(
    name: Annotated[str, typer.Argument(help="A bundled query's name (see 'cstograph queries') or a .rq file.")],
    paths: PathsArgument = None,
    params: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A query parameter as NAME=VALUE (repeatable); IRIs may be prefixed names.",
                     show_default=False),
    ] = None,
    fmt: FormatOption = None,
    engine: EngineOption = "oxigraph",
    allow_network: Annotated[
        bool, typer.Option("--allow-network", help="Allow SERVICE, FROM and FROM NAMED (they may fetch remote data).")
    ] = False,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
    force: ForceOption = False,
) -> None:
    """Run a bundled query or your own SPARQL file over the data.

    The data is validated first, as for every command (--force goes on despite violations).
    The query's default graph is the undisputed data (every graph but the accounts), or one
    account's view with --according-to, as known on a day with --as-of; account graphs stay
    reachable with GRAPH.

    Example: cstograph query members-on-date --param onDate=2022-09-13
    """
    fmt = resolve_format(fmt)
    with user_errors():
        from cstograph.engines.queries import resolve_query

        resolve_query(name)  # an unknown query or a missing file is named before the data is read
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="query")
        result = kg.query(name, according_to, as_date(as_of), allow_network=allow_network,
                          **parse_param_options(params or []))
    typer.echo(
        render_result(result, fmt, namespaces=kg.data.namespaces, color=stdout_is_terminal(),
                      width=terminal_width()),
        nl=False,
    )


def list_queries(fmt: FormatOption = None) -> None:
    """List the bundled queries with their summaries and parameters.

    Example: cstograph queries
    """
    fmt = resolve_format(fmt)
    with user_errors():
        catalogue = bundled_queries()
    columns = ["name", "kind", "summary", "parameters"]
    rows = [
        [spec.name, spec.kind, spec.summary,
         ", ".join(f"{p.name} ({p.type}{', required' if p.required else ''})" for p in spec.params)]
        for spec in catalogue.values()
    ]
    if fmt == "json":
        import json

        typer.echo(json.dumps([dict(zip(columns, row)) for row in rows], indent=2))
    elif fmt == "csv":
        from cstograph.output.render import render_csv

        typer.echo(render_csv(columns, rows), nl=False)
    elif fmt == "markdown":
        from cstograph.output.render import render_markdown

        typer.echo(render_markdown(columns, rows), nl=False)
    else:
        typer.echo(render_table(columns, rows, color=stdout_is_terminal(), width=terminal_width()), nl=False)

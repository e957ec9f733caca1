from __future__ import annotations

from typing import Annotated, Optional

import typer

from cstograph.cli.common import (
    EndpointOption, EngineOption, FormatOption, PathsArgument, StoreOption, open_data, resolve_format,
    stdout_is_terminal, terminal_width, user_errors,
)
from cstograph.guard import check_query_is_safe
from cstograph.queries import bind_params, bundled_queries, parse_param_options, resolve_query, run_query
from cstograph.render import render_result, render_table


def query(
    name: Annotated[str, typer.Argument(help="A bundled query's name (see 'cstograph queries') or a .rq file.")],
    paths: PathsArgument = None,
    params: Annotated[
        Optional[list[str]],
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
) -> None:
    """Run a bundled query or your own SPARQL file over the data (no validation).

    Example: cstograph query members-on-date --param onDate=2022-09-13
    """
    fmt = resolve_format(fmt)
    with user_errors():
        spec = resolve_query(name)
        if spec.kind == "file":  # bundled queries are checked once, by the test suite
            check_query_is_safe(spec.text, allow_network=allow_network, source=spec.path.name)
        data = open_data(paths, engine, store, endpoint)
        bindings = bind_params(spec, parse_param_options(params or []), data.namespaces)
        result = run_query(data.engine, spec, bindings)
    typer.echo(
        render_result(result, fmt, namespaces=data.namespaces, color=stdout_is_terminal(),
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
        from cstograph.render import render_csv

        typer.echo(render_csv(columns, rows), nl=False)
    elif fmt == "markdown":
        from cstograph.render import render_markdown

        typer.echo(render_markdown(columns, rows), nl=False)
    else:
        typer.echo(render_table(columns, rows, color=stdout_is_terminal(), width=terminal_width()), nl=False)

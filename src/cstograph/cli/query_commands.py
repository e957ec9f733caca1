from __future__ import annotations

import json
from typing import Annotated

import typer

from cstograph.api import find_query, queries, query_params, run_bounded
from cstograph.api import memory_limit as memory_bound
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
from cstograph.output.render import render_csv, render_markdown, render_result, render_table


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
    memory_limit: Annotated[
        str | None,
        typer.Option("--memory-limit", help="Bound on the memory of the process that runs the query, such as 4G or "
                     "512M (0: none). Default: $CSTOGRAPH_QUERY_MEMORY, else 4G.", show_default=False),
    ] = None,
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
        find_query(name)  # an unknown query or a missing file is named before the data is read
        memory = memory_bound(memory_limit)
        param_values = query_params(params or [])

    def run() -> None:
        with user_errors():
            kg = open_checked(paths, engine, store, endpoint, force=force, doing="query")
            result = kg.query(name, according_to, as_date(as_of), allow_network=allow_network, **param_values)
        typer.echo(
            render_result(result, fmt, namespaces=kg.namespaces, color=stdout_is_terminal(),
                          width=terminal_width()),
            nl=False,
        )

    # in a child process under the memory bound; inside another program (tests, notebooks) here
    code = run_bounded(run, memory=memory, network=allow_network or endpoint is not None)
    if code:
        raise typer.Exit(code)


def list_queries(fmt: FormatOption = None) -> None:
    """List the bundled queries with their summaries and parameters.

    Example: cstograph queries
    """
    fmt = resolve_format(fmt)
    with user_errors():
        catalogue = queries()
    columns = ["name", "kind", "summary", "parameters"]
    rows = [
        [spec.name, spec.kind, spec.summary,
         ", ".join(f"{p.name} ({p.type}{', required' if p.required else ''})" for p in spec.params)]
        for spec in catalogue.values()
    ]
    if fmt == "json":
        typer.echo(json.dumps([dict(zip(columns, row)) for row in rows], indent=2))
    elif fmt == "csv":
        typer.echo(render_csv(columns, rows), nl=False)
    elif fmt == "markdown":
        typer.echo(render_markdown(columns, rows), nl=False)
    else:
        typer.echo(render_table(columns, rows, color=stdout_is_terminal(), width=terminal_width()), nl=False)

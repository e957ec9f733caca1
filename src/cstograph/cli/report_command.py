from __future__ import annotations

from typing import Annotated

import typer

from cstograph.classify import classify_requests
from cstograph.cli.common import (
    EndpointOption, EngineOption, FormatOption, PathsArgument, StoreOption, error, open_data,
    resolve_format, stdout_is_terminal, terminal_width, user_errors,
)
from cstograph.render import render_verdicts

MAX_VIOLATIONS_SHOWN = 10


def report(
    paths: PathsArgument = None,
    all_requests: Annotated[
        bool, typer.Option("--all", help="List every request with its status, not only the unmet ones.")
    ] = False,
    fmt: FormatOption = None,
    fail_on_unmet: Annotated[
        bool, typer.Option("--fail-on-unmet", help="Exit 1 when an obligation is unmet (for scripts).")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Report even when the data violates the shapes (the count still goes to stderr)."),
    ] = False,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Report the unmet obligations: requests that triggered an obligation no response fulfilled.

    The data is validated first; on violations nothing is reported and the exit code is 1
    (unless --force). With no PATH the bundled graphs are used.

    Example: cstograph report --all --format markdown
    """
    fmt = resolve_format(fmt)
    with user_errors():
        data = open_data(paths, engine, store, endpoint)
        validation = data.validate()
        if validation is None:
            error(f"not validated: {data.description} is remote (validate the files before 'cstograph load --endpoint')")
        elif not validation.conforms:
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
        verdicts = classify_requests(data.engine)
    shown = verdicts if all_requests else [v for v in verdicts if v.status == "unmet"]
    title = "Assistance requests" if all_requests else "Unmet obligations"
    typer.echo(
        render_verdicts(shown, fmt, color=stdout_is_terminal(), width=terminal_width(), title=title),
        nl=False,
    )
    if fail_on_unmet and any(v.status == "unmet" for v in verdicts):
        raise typer.Exit(1)

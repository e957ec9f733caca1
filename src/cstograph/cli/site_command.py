from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cstograph.cli.common import (
    AccordingToOption,
    AsOfOption,
    EndpointOption,
    EngineOption,
    ForceOption,
    PathsArgument,
    StoreOption,
    as_date,
    open_checked,
    user_errors,
)


def site(
    paths: PathsArgument = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder to write the site into (new, empty, or a site written before with --replace).", show_default=False)] = ...,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a site written before into the same folder.")] = False,
    force: ForceOption = False,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write a static, offline site of the whole graph: a page per request with its verdict,
    explanation, accounts, responses, sources and figure; indexes by alliance, treaty, state and
    year; the reliability and selectivity tables; a reference of the vocabulary.

    Nothing is loaded from outside (one local stylesheet, no scripts) and every link is relative,
    so the folder can be opened from disk or published as it is. A folder that exists, is not
    empty and was not written by this command is refused (exit 2).

    Example: cstograph site -o site/
    """
    # deferred to the call: keeps cstograph.output.site out of `cstograph --help`'s start-up
    from cstograph.output.site import build_site, check_target

    with user_errors():
        check_target(output, replace)
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="publish")
        data, pages = build_site(kg, output, according_to=according_to, as_of=as_date(as_of), replace=replace)
    drawn = sum(1 for svg, _ in data.figures.values() if svg)
    typer.echo(f"wrote {output}/ ({pages} pages, {len(data.verdicts)} requests, {drawn} figures)", err=True)
    missing = {note for svg, note in data.figures.values() if not svg}
    for note in sorted(missing):
        typer.echo(f"Note: {note}", err=True)

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cstograph.api import input_files, timeline_format
from cstograph.base.write import refuse_overwriting_inputs, write_atomic, write_atomic_all
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
from cstograph.cli.viz_command import page_path, splittable


def timeline(
    paths: PathsArgument = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write: .svg, .png, .pdf or .html.", show_default=False)
    ] = ...,
    focus: Annotated[
        str | None,
        typer.Option("--focus", help="Only the requests around this node (a full IRI or part of its label).",
                     show_default=False),
    ] = None,
    hops: Annotated[int, typer.Option("--hops", help="How many steps around --focus when it is not a request "
                                      "or response (a request draws exactly its case).", min=0)] = 2,
    alliance: Annotated[
        str | None,
        typer.Option("--alliance", help="Only this alliance's requests (its IRI, name or short name).", show_default=False),
    ] = None,
    cases: Annotated[
        bool, typer.Option("--cases", help="Draw the requests even above 120 of them (where the summary is the default).")
    ] = False,
    max_requests: Annotated[
        int, typer.Option("--max-requests", help="Show at most this many requests: contested and unmet first, then help without a trigger (0 = all).", min=0)
    ] = 60,
    title: Annotated[str | None, typer.Option("--title", help="The timeline's title.", show_default=False)] = None,
    split: Annotated[
        bool, typer.Option("--split/--no-split", help="Split a timeline (svg, png, pdf) taller than an A4 page at A4 text "
                           "width into pages: FILE-1.svg, FILE-2.svg, ... (a PDF gets one page each).")
    ] = True,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
    force: ForceOption = False,
) -> None:
    """Draw events, requests and responses over time, one lane per alliance, with the wait for each answer.

    Unanswered requests end in a red dashed line marked "no response". With no PATH the bundled
    graphs are used.

    Example: cstograph timeline -o timeline.svg
    """

    with user_errors():
        refuse_overwriting_inputs(output, input_files(paths))
        fmt = timeline_format(output)
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="draw")
        figure = kg.timeline(fmt, according_to, as_date(as_of), focus=focus, hops=hops, alliance=alliance,
                             cases=cases, max_requests=max_requests, title=title, split=split and splittable(output))
        if figure.summary:
            write_atomic(output, figure.data)
            typer.echo(f"Note: {figure.requests:,} requests: drew the summary (alliance by period); one case: "
                       "--focus REQUEST, one alliance's requests: --alliance NAME, every request: --cases", err=True)
            typer.echo(f"wrote {output} (summary)", err=True)
            return
        if figure.pages:
            written = [page_path(output, i) for i in range(1, len(figure.pages) + 1)]
            for page in written:
                refuse_overwriting_inputs(page, input_files(paths))
            write_atomic_all(list(zip(written, figure.pages)))
        else:
            written = [output]
            write_atomic(output, figure.data)
    for note in figure.notes:
        typer.echo(f"Note: {note}", err=True)
    typer.echo(f"wrote {', '.join(str(p) for p in written)} ({figure.shown} requests)", err=True)

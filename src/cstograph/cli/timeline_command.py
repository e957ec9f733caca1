from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cstograph.cli.common import (
    AccordingToOption, AsOfOption, EndpointOption, EngineOption, ForceOption, PathsArgument, StoreOption,
    as_date, open_checked, user_errors,
)
from cstograph.reading.rdf_files import expand_paths
from cstograph.output.write import refuse_overwriting_inputs, write_atomic


def timeline(
    paths: PathsArgument = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write: .svg, .png or .html.", show_default=False)
    ] = ...,
    focus: Annotated[
        Optional[str],
        typer.Option("--focus", help="Only the requests around this node (a full IRI or part of its label).",
                     show_default=False),
    ] = None,
    hops: Annotated[int, typer.Option("--hops", help="How many steps around --focus.", min=0)] = 2,
    max_requests: Annotated[
        int, typer.Option("--max-requests", help="Show at most this many requests, unmet first (0 = all).", min=0)
    ] = 60,
    title: Annotated[Optional[str], typer.Option("--title", help="The timeline's title.", show_default=False)] = None,
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
    from cstograph.errors import ViewError
    from cstograph.pictures.graph_model import focus_graph
    from cstograph.pictures.timeline import TIMELINE_FORMATS, render_timeline

    with user_errors():
        refuse_overwriting_inputs(output, expand_paths(paths) if paths else [])
        fmt = output.suffix.lower().lstrip(".")
        fmt = "html" if fmt == "htm" else fmt
        if fmt not in TIMELINE_FORMATS:
            raise ViewError(f"cannot tell the timeline format from the suffix {output.suffix or '(none)'!r}",
                            hint="name the file .svg, .png or .html")
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="draw")
        graph = kg.graph("requests", according_to, as_date(as_of))
        if focus:
            graph = focus_graph(graph, focus, hops)
        data, note = render_timeline(graph, fmt, title, max_requests)
        write_atomic(output, data)
    requests = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "request")
    if note:
        typer.echo(f"Note: {note}", err=True)
    shown = min(requests, max_requests) if max_requests else requests
    typer.echo(f"wrote {output} ({shown} requests)", err=True)

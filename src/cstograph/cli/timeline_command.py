from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cstograph.cli.common import EngineOption, PathsArgument, user_errors
from cstograph.load import expand_paths
from cstograph.output import refuse_overwriting_inputs, write_atomic


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
) -> None:
    """Draw events, requests and responses over time, one lane per alliance, with the wait for each answer.

    Unanswered requests end in a red dashed line marked "no response". With no PATH the bundled
    graphs are used.

    Example: cstograph timeline -o timeline.svg
    """
    from cstograph.engine import make_engine
    from cstograph.errors import ViewError
    from cstograph.graph_model import build_graph, focus_graph
    from cstograph.assess import assess, view_of
    from cstograph.load import load_dataset
    from cstograph.views.timeline import TIMELINE_FORMATS, render_timeline

    with user_errors():
        refuse_overwriting_inputs(output, expand_paths(paths) if paths else [])
        fmt = output.suffix.lower().lstrip(".")
        fmt = "html" if fmt == "htm" else fmt
        if fmt not in TIMELINE_FORMATS:
            raise ViewError(f"cannot tell the timeline format from the suffix {output.suffix or '(none)'!r}",
                            hint="name the file .svg, .png or .html")
        full = load_dataset(paths)
        dataset = view_of(full)  # the undisputed data: accounts left out
        graph = build_graph(dataset, make_engine(engine, dataset), "requests", assess(full, engine))
        if focus:
            graph = focus_graph(graph, focus, hops)
        data, note = render_timeline(graph, fmt, title, max_requests)
        write_atomic(output, data)
    requests = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "request")
    if note:
        typer.echo(f"Note: {note}", err=True)
    shown = min(requests, max_requests) if max_requests else requests
    typer.echo(f"wrote {output} ({shown} requests)", err=True)

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
from cstograph.reading.rdf_files import expand_paths


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
    from cstograph.errors import ViewError
    from cstograph.pictures.graph_model import alliance_graph, focus_graph
    from cstograph.pictures.summary import SUMMARY_ABOVE, render_summary
    from cstograph.pictures.timeline import TIMELINE_FORMATS, render_timeline

    with user_errors():
        refuse_overwriting_inputs(output, expand_paths(paths) if paths else [])
        fmt = output.suffix.lower().lstrip(".")
        fmt = "html" if fmt == "htm" else fmt
        if fmt not in TIMELINE_FORMATS:
            raise ViewError(f"cannot tell the timeline format from the suffix {output.suffix or '(none)'!r}",
                            hint="name the file .svg, .png, .pdf or .html")
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="draw")
        from cstograph.pictures.graph_model import expand_prefixed  # networkx: only when drawing

        focus = expand_prefixed(focus, kg)
        day = as_date(as_of)
        verdicts = list(kg.verdicts(according_to, day))
        if not (focus or alliance or cases) and len(verdicts) > SUMMARY_ABOVE:
            # the summary needs the verdicts only: no network of the whole graph is built
            data = render_summary(verdicts, kg.engine(according_to, day), fmt,
                                  title or "Assistance requests by alliance and period")
            write_atomic(output, data)
            typer.echo(f"Note: {len(verdicts):,} requests: drew the summary (alliance by period); one case: "
                       "--focus REQUEST, one alliance's requests: --alliance NAME, every request: --cases", err=True)
            typer.echo(f"wrote {output} (summary)", err=True)
            return
        from cstograph.pictures.graph_model import build_graph
        from cstograph.pictures.viz import part_to_draw

        engine = kg.engine(according_to, day)
        # one case, one neighbourhood or one alliance's cases: only those nodes are asked for
        graph = build_graph(None, engine, "requests", verdicts, only=part_to_draw(engine, "requests", focus, hops, alliance))
        if alliance:
            graph = alliance_graph(graph, alliance)
        if focus:
            graph = focus_graph(graph, focus, hops)
        from cstograph.cli.viz_command import page_path, splittable

        figure = render_timeline(graph, fmt, title, max_requests, split=split and splittable(output))
        if figure.pages:
            written = [page_path(output, i) for i in range(1, len(figure.pages) + 1)]
            for page in written:
                refuse_overwriting_inputs(page, expand_paths(paths) if paths else [])
            write_atomic_all(list(zip(written, figure.pages)))
        else:
            written = [output]
            write_atomic(output, figure.data)
    requests = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "request")
    for note in figure.notes:
        typer.echo(f"Note: {note}", err=True)
    shown = min(requests, max_requests) if max_requests else requests
    typer.echo(f"wrote {', '.join(str(p) for p in written)} ({shown} requests)", err=True)

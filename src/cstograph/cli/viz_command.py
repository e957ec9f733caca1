from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cstograph.api import figure_format, figure_formats, input_files
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
from cstograph.errors import ViewError

OutputOption = Annotated[
    Path,
    typer.Option("--output", "-o", help="The file to write; its suffix picks the format.", show_default=False),
]


def viz(
    paths: PathsArgument = None,
    output: OutputOption = ...,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="html, svg, png, pdf, graphml, gexf, json (networkx node-link) or cyjs (Cytoscape.js) (default: from the suffix).",
                     show_default=False),
    ] = None,
    view: Annotated[
        str, typer.Option("--view", help="requests: the request -> obligation -> response story; full: every triple.")
    ] = "requests",
    focus: Annotated[
        str | None,
        typer.Option("--focus", help="Only the neighbourhood of this node (a full IRI or part of its label).",
                     show_default=False),
    ] = None,
    hops: Annotated[int, typer.Option("--hops", help="How many steps around --focus when it is not a request "
                                      "or response (a request draws exactly its case).", min=0)] = 2,
    alliance: Annotated[
        str | None,
        typer.Option("--alliance", help="Only this alliance's cases (its IRI, name or short name).", show_default=False),
    ] = None,
    cases: Annotated[
        bool, typer.Option("--cases", help="Draw every case even above 120 requests (where the summary is the default).")
    ] = False,
    max_nodes: Annotated[
        int | None,
        typer.Option("--max-nodes", help="Show a reduced view above this many nodes (default: 600 for figures split into pages, 120 for one figure, "
                     "10000 for html, no limit for exports; 0 = no limit).", min=0, show_default=False),
    ] = None,
    layout: Annotated[
        str, typer.Option("--layout", help="auto (Graphviz when installed), graphviz, or columns (pure Python).")
    ] = "auto",
    title: Annotated[str | None, typer.Option("--title", help="The figure's title.", show_default=False)] = None,
    split: Annotated[
        bool, typer.Option("--split/--no-split", help="Split a figure (svg, png, pdf) taller than an A4 page at A4 text "
                           "width into one figure per page: FILE-1.svg, FILE-2.svg, ... (a PDF gets one page each).")
    ] = True,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
    force: ForceOption = False,
) -> None:
    """Draw or export the graph: an interactive page, a figure for a paper, or a file for Gephi/Cytoscape.

    The format follows the suffix of -o: .html (one offline file), .svg/.png/.pdf (Graphviz, or a
    pure-Python fallback), .graphml/.gexf/.json/.cyjs (for Gephi, networkx and Cytoscape). With no PATH the bundled graphs
    are used.

    Example: cstograph viz -o requests.html
    """

    with user_errors():
        formats = figure_formats()
        if fmt and fmt.lower().lstrip(".") not in formats:
            raise ViewError(f"--format {fmt!r}: unknown format", hint="choose one of " + ", ".join(formats))
        chosen = figure_format("." + fmt if fmt else output.suffix)
        refuse_overwriting_inputs(output, input_files(paths))
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="draw")
        rendered = kg.figure(chosen, according_to, as_date(as_of), view=view, focus=focus, hops=hops,
                             alliance=alliance, cases=cases, max_nodes=max_nodes, layout=layout, title=title,
                             split=split and splittable(output))
        if rendered.pages:
            written = [page_path(output, i) for i in range(1, len(rendered.pages) + 1)]
            for page in written:
                refuse_overwriting_inputs(page, input_files(paths))
            write_atomic_all(list(zip(written, rendered.pages)))
        else:
            written = [output]
            write_atomic(output, rendered.data)
    for note in rendered.notes:
        typer.echo(f"Note: {note}", err=True)
    if rendered.pages:
        stale, number = [], len(rendered.pages) + 1
        while page_path(output, number).is_file():
            stale.append(page_path(output, number).name)
            number += 1
        if stale:
            typer.echo(f"Note: left {', '.join(stale)} (pages of an earlier figure) as they were", err=True)
    names = ", ".join(str(path) for path in written)
    if rendered.method == "summary":
        typer.echo(f"wrote {names} (summary)", err=True)
    else:
        typer.echo(f"wrote {names} ({rendered.nodes} nodes, {rendered.edges} edges; {rendered.method})", err=True)


def splittable(output: Path) -> bool:
    """Whether the pages of a figure can be written beside ``output``: not for a device or pipe
    (``-o /dev/stdout``, ``-o /dev/null``), which takes one figure and has no siblings."""
    return output.absolute().parts[1:2] != ("dev",) and (not output.exists() or output.is_file())


def page_path(output: Path, number: int) -> Path:
    """figure.svg -> figure-1.svg, figure-2.svg, ...: the files of a figure split into pages."""
    return output.with_name(f"{output.stem}-{number}{output.suffix}")

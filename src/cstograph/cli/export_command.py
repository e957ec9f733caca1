"""``cstograph export -o FILE``: the verdicts as flat tables for R, Stata and pandas."""

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


def export(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where to write: FILE.csv or FILE.dta (the requests; the responses, "
                     "allies and sources go beside it as FILE-responses.csv, ...), FILE.json (every table in one "
                     "document), or datapackage.json or a folder (a Frictionless data package).",
                     show_default=False),
    ],
    paths: PathsArgument = None,
    force: ForceOption = False,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary on stderr.")] = False,
) -> None:
    """Export the verdicts as a flat dataset: one row per request, with companion tables of
    responses, obliged allies and sources. The columns are described in docs/codebook.md.

    Example: cstograph export -o cases.csv
    """
    # deferred to the call: keeps cstograph.base.write, cstograph.output.dataset_files and the rest out of `cstograph --help`'s start-up
    from cstograph.base.write import refuse_overwriting_inputs
    from cstograph.output.dataset_files import export_format, export_paths, write_dataset

    with user_errors():
        export_format(output)  # a bad suffix fails before the data is read
        for path in export_paths(output):
            refuse_overwriting_inputs(path, list(paths or []))
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="export")
        dataset = kg.dataset(according_to, as_date(as_of))
        written = write_dataset(dataset, output)
    if not quiet:
        counts = ", ".join(f"{len(rows)} {name}" for name, rows in dataset.tables.items())
        typer.echo(f"Exported {counts} to {', '.join(str(p) for p in written)}.", err=True)
        if dataset.blank_nodes:
            typer.echo(f"Note: {dataset.blank_nodes} triples whose object is a blank node are not in the tables "
                       "(a cell names nodes by IRI).", err=True)

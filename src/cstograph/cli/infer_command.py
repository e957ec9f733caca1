from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cstograph.api import input_files, rdf_format
from cstograph.base.write import refuse_overwriting_inputs
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


def infer(
    paths: PathsArgument = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write; the format follows the suffix (.ttl, .nt, .jsonld, .rdf; "
                     ".trig or .nq keep named graphs apart).")
    ] = ...,
    with_data: Annotated[
        bool, typer.Option("--with-data", help="Write the input data too, not only the derived triples.")
    ] = False,
    force: ForceOption = False,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    according_to: AccordingToOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Materialise the verdicts as RDF: cg:status, cg:statusReason, cg:triggeredObligation,
    cg:obligedAlly and the facts behind them, computed by the rules in queries/infer/ on the
    undisputed data (or on one account with --according-to).

    Example: cstograph infer -o verdicts.ttl
    """
    with user_errors():
        rdf_format(output)  # an unknown suffix is named before the data is read
        refuse_overwriting_inputs(output, input_files(paths))
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="infer")
        written = kg.write_inferred(output, according_to, as_date(as_of), with_data=with_data)
    inference = written.inference
    summary = ", ".join(f"{n} {s}" for s, n in written.statuses.items()) or "no requests"
    typer.echo(
        f"Wrote {written.triples} triples to {output} ({len(inference.graph)} derived in {inference.passes} passes; {summary}).",
        err=True,
    )

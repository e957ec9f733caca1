from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cstograph.assess import open_engine
from cstograph.cli.common import (
    AccordingToOption, EngineOption, ForceOption, PathsArgument, StoreOption, open_checked, user_errors,
)
from cstograph.errors import CstographError
from cstograph.infer import materialise, statuses
from cstograph.load import FORMATS_BY_SUFFIX
from cstograph.output import write_atomic


def infer(
    paths: PathsArgument = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write; the format follows the suffix (.ttl, .nt, .jsonld, .rdf).")
    ] = ...,
    with_data: Annotated[
        bool, typer.Option("--with-data", help="Write the input data too, not only the derived triples.")
    ] = False,
    force: ForceOption = False,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    according_to: AccordingToOption = None,
) -> None:
    """Materialise the verdicts as RDF: cg:status, cg:statusReason, cg:triggeredObligation,
    cg:obligedAlly and the facts behind them, computed by the rules in queries/infer/ on the
    undisputed data (or on one account with --according-to).

    Example: cstograph infer -o verdicts.ttl
    """
    with user_errors():
        fmt = FORMATS_BY_SUFFIX.get(output.suffix.lower())
        if fmt is None or fmt in {"trig", "nquads"}:
            raise CstographError(
                f"{output}: cannot tell the output format from the suffix",
                hint="use .ttl, .nt, .jsonld or .rdf",
            )
        data, _ = open_checked(paths, engine, store, force=force)
        dataset = data.rdflib_dataset()  # the rules add triples: they run on a copy
        inference = materialise(open_engine(dataset, engine, according_to=according_to))
        graph = inference.graph
        if with_data:
            from cstograph.load import union_graph

            graph = union_graph(dataset) + graph
        for prefix, namespace in dataset.namespaces():
            graph.bind(prefix, namespace, override=False)
        write_atomic(output, graph.serialize(format=fmt, encoding="utf-8"))
    counts = {}
    for status in statuses(inference.graph).values():
        counts[status] = counts.get(status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no requests"
    typer.echo(
        f"Wrote {len(graph)} triples to {output} ({len(inference.graph)} derived in {inference.passes} passes; {summary}).",
        err=True,
    )

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cstograph.api import load as load_data
from cstograph.base.progress import show_progress
from cstograph.cli.common import PathsArgument, fail, refuse_violations, user_errors


def load(
    paths: PathsArgument = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Write an on-disk Oxigraph store into this folder.", show_default=False),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="Upload to this server: its SPARQL Update URL (or Graph Store URL with --method gsp).",
                     show_default=False),
    ] = None,
    method: Annotated[
        str, typer.Option("--method", help="How to upload to --endpoint: update (SPARQL 1.1 INSERT DATA) or gsp (Graph Store Protocol POST).")
    ] = "update",
    graph: Annotated[
        str | None,
        typer.Option("--graph", help="With --endpoint: put everything into this named graph (Virtuoso needs one).",
                     show_default=False),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="With --store: replace an existing store.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Load even when the data violates the shapes.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Show no progress on stderr.")] = False,
) -> None:
    """Validate the data once and load it (with the ontology) into a store folder or a SPARQL server.

    Afterwards 'report', 'query' and 'validate' take --store DIR (or --endpoint URL) and skip the
    parsing. With no PATH the bundled graphs are loaded.

    Example: cstograph load big/ --store cg-store && cstograph report --store cg-store
    """
    if (store is None) == (endpoint is None):
        fail("name one target: --store DIR or --endpoint URL")
    started = time.perf_counter()

    def refuse_unless_forced(report) -> None:
        if not report.conforms:
            refuse_violations(report, force, doing="load")

    with user_errors(), show_progress(quiet):
        loaded = load_data(paths, store=store, endpoint=endpoint, method=method, graph=graph, replace=replace,
                           check=refuse_unless_forced)
    if store is not None:
        typer.echo(
            f"Loaded {loaded.triples} triples from {loaded.files} file(s) (and the ontology) into {store} "
            f"in {time.perf_counter() - started:.1f} s; {loaded.violations} violation(s)."
        )
    else:
        typer.echo(
            f"Uploaded {loaded.triples} triples from {loaded.files} file(s) (and the ontology) to {endpoint} "
            f"in {loaded.requests} request(s), {time.perf_counter() - started:.1f} s."
        )

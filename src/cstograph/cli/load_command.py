from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cstograph.base.progress import show_progress
from cstograph.cli.common import PathsArgument, fail, refuse_violations, user_errors


def _refuse_violations(report, force: bool) -> None:
    refuse_violations(report, force, doing="load")


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
    with user_errors(), show_progress(quiet):
        from cstograph.rules.validate_data import validate_oxigraph_store as validate_store

        if store is not None:
            from cstograph.rules.readings import create_store_with_readings as create_store

            checked = {}

            def validate_then_decide(oxstore):
                report = validate_store(oxstore)
                if not report.conforms:
                    _refuse_violations(report, force)
                checked["report"] = report
                return report

            info, _ = create_store(store, paths, replace=replace, validate=validate_then_decide)
            typer.echo(
                f"Loaded {info.triples} triples from {len(info.files)} file(s) (and the ontology) into {store} "
                f"in {time.perf_counter() - started:.1f} s; {info.violations} violation(s)."
            )
            return
        from cstograph.engines.endpoint import upload
        from cstograph.engines.store import fits_in_memory, load_files, temporary_store
        from cstograph.reading.rdf_files import expand_paths
        from cstograph.reading.resources import graphs_dir

        files = expand_paths(paths if paths else [graphs_dir()])
        # past the memory budget the files stream through a temporary store on disk first
        loaded = load_files(files) if fits_in_memory(files) else temporary_store(files)
        report = validate_store(loaded.store)
        if not report.conforms:
            _refuse_violations(report, force)
        summary = upload(loaded.store, endpoint, method=method, graph=graph)
        typer.echo(
            f"Uploaded {summary.triples} triples from {len(loaded.files)} file(s) (and the ontology) to {endpoint} "
            f"in {summary.requests} request(s), {time.perf_counter() - started:.1f} s."
        )

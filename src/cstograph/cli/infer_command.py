from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cstograph.base.write import refuse_overwriting_inputs, write_atomic
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
from cstograph.errors import CstographError
from cstograph.reading.rdf_files import FORMATS_BY_SUFFIX, expand_paths
from cstograph.rules.infer import statuses

QUAD_FORMATS = {"trig", "nquads"}  # keep named graphs (accounts) apart


def serialize_sorted(written, fmt: str) -> bytes:
    """RDF bytes that do not depend on the order rdflib keeps graphs in (the hash seed):
    N-Quads sorted by line, TriG as the default graph then each named graph by name."""
    from rdflib import Graph

    if fmt == "nquads":
        lines = sorted(set(written.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)))
        return b"".join(line for line in lines if line.strip())
    if fmt != "trig":
        return written.serialize(format=fmt, encoding="utf-8")
    blocks = []
    for graph in sorted(written.graphs(), key=lambda g: (g.identifier != written.default_graph.identifier, str(g.identifier))):
        if not len(graph):
            continue
        copy = Graph(namespace_manager=written.namespace_manager)
        copy += graph
        body = b"\n".join(line for line in copy.serialize(format="turtle", encoding="utf-8").splitlines()
                          if not line.startswith(b"@prefix")).strip()
        if graph.identifier == written.default_graph.identifier:
            blocks.append(body + b"\n")
        else:
            blocks.append(graph.identifier.n3().encode("utf-8") + b" {\n" + body + b"\n}\n")
    prefixes = b"".join(f"@prefix {p}: <{n}> .\n".encode() for p, n in sorted(written.namespaces()) if p)
    return prefixes + b"\n" + b"\n".join(blocks)


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
        fmt = FORMATS_BY_SUFFIX.get(output.suffix.lower())
        if fmt is None:
            raise CstographError(
                f"{output}: cannot tell the output format from the suffix",
                hint="use .ttl, .nt, .jsonld, .rdf, or .trig/.nq to keep named graphs apart",
            )
        refuse_overwriting_inputs(output, expand_paths(paths) if paths else [])
        kg = open_checked(paths, engine, store, endpoint, force=force, doing="infer")
        if with_data and kg.accounts and fmt not in QUAD_FORMATS:
            raise CstographError(
                f"{output}: the data holds accounts (named graphs declared cg:Account), which one graph "
                "would merge into contradictions",
                hint="write .trig or .nq to keep each account in its own graph",
            )
        inference = kg.infer(according_to, as_date(as_of))  # on a copy: the rules add triples
        graph = inference.graph
        dataset = kg.data.rdflib_dataset() if with_data else None
        if fmt in QUAD_FORMATS:  # the derived triples in the default graph, the data's graphs kept
            from rdflib import Dataset

            out = Dataset()
            if with_data:
                for quad in dataset.quads((None, None, None, None)):
                    out.add(quad)
            out.default_graph.addN((s, p, o, out.default_graph) for s, p, o in graph)
            written, total = out, sum(1 for _ in out.quads((None, None, None, None)))
        else:
            if with_data:
                from cstograph.reading.rdf_files import union_graph

                graph = union_graph(dataset) + graph
            written, total = graph, len(graph)
        for prefix, namespace in kg.data.namespaces.namespaces():
            written.bind(prefix, namespace, override=False)
        write_atomic(output, serialize_sorted(written, fmt))
    counts = {}
    for status in statuses(inference.graph).values():
        counts[status] = counts.get(status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no requests"
    typer.echo(
        f"Wrote {total} triples to {output} ({len(inference.graph)} derived in {inference.passes} passes; {summary}).",
        err=True,
    )

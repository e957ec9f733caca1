from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cstograph.cli.common import fail


def synth(
    requests: Annotated[int, typer.Option("--requests", "-n", help="Number of assistance requests (about 30 triples each).")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same graph.")] = 1,
    output: Annotated[Path, typer.Option("--output", "-o", help="Turtle file to write.")] = Path("synth.ttl"),
    expected: Annotated[
        Optional[Path],
        typer.Option("--expected", help="Also write the expected status of every request (JSON object).", show_default=False),
    ] = None,
    defects: Annotated[
        float, typer.Option("--defects", help="Share of requests given a deliberate violation (0 = conforming graph).")
    ] = 0.0,
) -> None:
    """Write a synthetic alliance graph whose verdicts are known, for tests and benchmarks.

    Example: cstograph synth --requests 3300 --seed 1 -o synth-100k.ttl
    """
    from cstograph.store import write_json_atomically
    from cstograph.synth import synthesize

    if requests < 1:
        fail("--requests must be at least 1")
    if not 0.0 <= defects <= 1.0:
        fail("--defects must be between 0 and 1")
    graph = synthesize(requests, seed, defects=defects)
    tmp = output.with_name(output.name + ".tmp")
    try:
        tmp.write_text(graph.turtle, encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"{output}: cannot write: {exc.strerror or exc}")
    if expected is not None:
        write_json_atomically(expected, graph.expected)
    counts = graph.counts
    typer.echo(
        f"Wrote {output}: {requests} requests (met {counts['met']}, unmet {counts['unmet']}, "
        f"not-triggered {counts['not-triggered']}), {graph.defects} with defects."
    )

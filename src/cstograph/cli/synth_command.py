from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cstograph.api import write_synthetic
from cstograph.base.progress import phase, show_progress
from cstograph.base.write import write_atomic
from cstograph.cli.common import fail, user_errors
from cstograph.errors import OutputError


def synth(
    requests: Annotated[int, typer.Option("--requests", "-n", help="Number of assistance requests (about 30 triples each).")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same graph.")] = 1,
    output: Annotated[Path, typer.Option("--output", "-o", help="Turtle file to write.")] = Path("synth.ttl"),
    expected: Annotated[
        Path | None,
        typer.Option("--expected", help="Also write the expected status of every request (JSON object).", show_default=False),
    ] = None,
    defects: Annotated[
        float, typer.Option("--defects", help="Share of requests given a deliberate violation (0 = conforming graph).")
    ] = 0.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Show no progress on stderr.")] = False,
) -> None:
    """Write a synthetic alliance graph whose verdicts are known, for tests and benchmarks.

    Example: cstograph synth --requests 3300 --seed 1 -o synth-100k.ttl
    """
    if not 1 <= requests <= 10_000_000:  # ten million requests: about 300 million triples
        fail(f"--requests must be between 1 and 10000000, not {requests}")
    if not 0.0 <= defects <= 1.0:
        fail("--defects must be between 0 and 1")
    with user_errors(), show_progress(quiet):
        for path in (output, expected):  # both folders checked before anything is written
            if path is not None and not (path.parent if str(path.parent) else Path(".")).is_dir():
                raise OutputError(f"{path}: folder {path.parent} does not exist")
        with phase("generating graph", total=requests, unit="requests") as advance:
            graph = write_synthetic(output, requests, seed, defects=defects, on_progress=advance)
        if expected is not None:
            write_atomic(expected, (json.dumps(graph.expected, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    counts = graph.counts
    typer.echo(
        f"Wrote {output}: {requests} requests (met {counts['met']}, unmet {counts['unmet']}, "
        f"not-triggered {counts['not-triggered']}), {graph.defects} with defects."
    )

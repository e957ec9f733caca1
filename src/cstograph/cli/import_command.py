"""``cstograph import atop|reliability|cases``: research data files and case spreadsheets -> a Turtle graph."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from cstograph.base.write import refuse_overwriting_inputs
from cstograph.cli.common import user_errors

EPILOG = (
    "Exit codes: 0 ok; 2 unreadable or malformed input (the message names the file and the line or row; "
    "an existing output file is left untouched); 4 internal error."
)

app = typer.Typer(
    help="Import published research data (ATOP alliances, alliance-reliability observations) as a graph.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the Turtle graph to this file (atomically) instead of stdout.",
                 dir_okay=False, show_default=False),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary or progress on stderr.")]


@contextmanager
def _progress(description: str, quiet: bool):
    """A progress bar on stderr when it is a terminal (see ``base/progress.py``)."""
    from cstograph.base.progress import phase, show_progress

    with show_progress(quiet), phase(description) as advance:
        yield advance


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        from cstograph.base.write import write_atomic

        write_atomic(output, text)


def _summary(what: str, counts: dict[str, int], triples: int, output: Path | None, seconds: float, quiet: bool) -> None:
    if quiet:
        return
    parts = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    where = f" to {output}" if output else ""
    typer.echo(f"Imported {what}: {parts} ({triples:,} triples){where} in {seconds:.2f} s.", err=True)


@app.command("atop", epilog=EPILOG)
def atop(
    alliance_csv: Annotated[Path, typer.Argument(help="ATOP alliance-level CSV (atop-alliance-level.csv).",
                                                 exists=True, dir_okay=False, show_default=False)],
    member_csv: Annotated[Path, typer.Argument(help="ATOP member-level CSV (atop-member-level.csv).",
                                               exists=True, dir_okay=False, show_default=False)],
    output: OutputOption = None,
    quiet: QuietOption = False,
) -> None:
    """Import ATOP alliances, treaties, memberships, obligations and conditions.

    Example: cstograph import atop atop-alliance-level.csv atop-member-level.csv -o atop.ttl
    """
    from cstograph.reading.importers.atop import import_atop

    started = time.perf_counter()
    with user_errors(), _progress("Importing ATOP", quiet) as progress:
        refuse_overwriting_inputs(output, [alliance_csv, member_csv])
        result = import_atop(alliance_csv, member_csv, on_progress=progress)
        _emit(result.text, output)
    _summary("ATOP", result.counts, result.triples, output, time.perf_counter() - started, quiet)


@app.command("reliability", epilog=EPILOG)
def reliability(
    dta_file: Annotated[Path, typer.Argument(help="Berkemeier-Fuhrmann replication file (.dta, Stata 13 or later).",
                                             exists=True, dir_okay=False, show_default=False)],
    output: OutputOption = None,
    atop: Annotated[
        Path | None,
        typer.Option("--atop", help="ATOP alliance-level CSV: link observations only to alliances it holds "
                     "(without it every observation links to the ATOP alliance IRI of its atopid).",
                     exists=True, dir_okay=False, show_default=False),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Import the alliance-war observations of Berkemeier and Fuhrmann (2018) with both codings.

    Example: cstograph import reliability BerkemeierFuhrmannRAP2018_0303.dta -o reliability.ttl
    """
    from cstograph.reading.importers.reliability import import_reliability

    started = time.perf_counter()
    with user_errors(), _progress("Importing observations", quiet) as progress:
        refuse_overwriting_inputs(output, [dta_file, *([atop] if atop else [])])
        result = import_reliability(dta_file, atop_alliance_csv=atop, on_progress=progress)
        _emit(result.text, output)
    _summary("alliance-war observations", result.counts, result.triples, output, time.perf_counter() - started, quiet)


@app.command("cases", epilog=EPILOG)
def cases(
    requests_csv: Annotated[Path, typer.Argument(
        help="The requests table (CSV, the layout 'cstograph export -o FILE.csv' writes; docs/import.md).",
        exists=True, dir_okay=False, show_default=False)],
    output: OutputOption = None,
    responses: Annotated[Path | None, typer.Option(
        "--responses", help="The responses table (default: STEM-responses.csv beside the requests, when it exists).",
        exists=True, dir_okay=False, show_default=False)] = None,
    sources: Annotated[Path | None, typer.Option(
        "--sources", help="The sources table (default: STEM-sources.csv beside the requests, when it exists).",
        exists=True, dir_okay=False, show_default=False)] = None,
    data: Annotated[list[Path] | None, typer.Option(
        "--data", help="Reference data the rows name (states, alliances, clauses, events, sources): RDF files or "
        "folders, replacing the bundled graphs; repeat for several.", show_default=False)] = None,
    quiet: QuietOption = False,
) -> None:
    """Import cases entered in a spreadsheet: requests, responses and their sources.

    States, alliances, clauses, events, response types and sources are named by IRI, prefixed
    name or label and must exist in the reference data; every request and response needs a source.

    Example: cstograph import cases cases.csv -o cases.ttl
    """
    from cstograph.api import open as open_kg
    from cstograph.output.dataset_files import companion_path
    from cstograph.reading.importers.cases import import_cases, reference_from

    started = time.perf_counter()
    with user_errors():
        if responses is None and companion_path(requests_csv, "responses").is_file():
            responses = companion_path(requests_csv, "responses")
        if sources is None and companion_path(requests_csv, "sources").is_file():
            sources = companion_path(requests_csv, "sources")
        inputs = [requests_csv, *(p for p in (responses, sources) if p)]
        refuse_overwriting_inputs(output, [*inputs, *(data or [])])
        reference = reference_from(open_kg(data or None))
        result = import_cases(requests_csv, responses, sources, reference)
        _emit(result.text, output)
    _summary("cases", result.counts, result.triples, output, time.perf_counter() - started, quiet)
